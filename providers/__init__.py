"""Where deployed stacks find their providers: the module paths the states of earlier releases name.

Pulumi pickles each dynamic resource's provider into the state by reference (``providers.edge.EdgeProvider``),
and refresh, update and delete unpickle it from there, so these paths stay importable after a provider moves
to its entity's home (``entities/``). Each module here only names the provider's new place; nothing imports
this package but the unpickler, and new states record the new places.
"""
