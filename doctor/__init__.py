"""A read-only check that a stack, its OAuth client and its org agree, before the first preview.

This package is the command (its connection checks, its read-only client and its output); what is checked
of each entity comes from the entity's home, in the terms of ``inspection``, for the entities the registry
names in the stack's dialect. Nothing in the program imports this package.
"""
