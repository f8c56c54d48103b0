"""A local Genesys Cloud: the HTTP server the project's end-to-end tests (and anyone's CI) run against.

It speaks the wire contract in docs/wire-contract.md and shares no code with ``providers/``, so a client
and this server agreeing proves something.
"""

__version__ = "0.1.0"
