"""The Genesys Cloud Platform API dialect: BYOC trunk base settings, their trunk instances, sites and audits.

It lives beside the seed's API in the same process and database and shares its machinery (auth, paging,
errors, rate limit, faults, request log, carrier simulation); the shapes follow the official SDK's models.
"""
