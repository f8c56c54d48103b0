"""`make bench`: what genesys-trunks costs Genesys (API calls), the user (seconds) and the state (bytes)."""
