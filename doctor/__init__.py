"""A read-only check that a stack, its OAuth client and its org agree, before the first preview.

The core (connection, reads, permissions, findings, output) knows no dialect; each API dialect adds one
module under ``doctor.dialects`` with the calls the program needs, its catalogue checks and the facts only
a live org can tell. Nothing in the program imports this package.
"""
