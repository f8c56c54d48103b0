"""The genesys-trunks policy pack.

`rules` says what each rule checks, in plain Python over resource properties (no policy SDK): the rules can be
read and tested alone. `resources` names the program's resource types and reads their properties, unknown
values included. `pack` turns the rules into the policy SDK's policies and serves them; `stack` tells the pack
which stack it judges, which the SDK does not.
"""
