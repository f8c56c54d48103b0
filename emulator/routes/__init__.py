"""HTTP routes of the Genesys API surface; each module is one resource, thin over its service."""
