"""Writes the stack config of the trunks an org already has, so that `pulumi up` can take them over.

`python -m exporter --stack dev` reads every trunk of the org with the stack's credentials and writes
`genesys-trunks:trunks` into `Pulumi.<stack>.yaml` with `adopt: true`. The core (credentials, paging
progress, the stack file, secrets) knows no API dialect; each dialect is one module under `dialects/`
that lists the org's trunks and turns each into a config entry.
"""
