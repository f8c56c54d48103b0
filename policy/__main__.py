"""The genesys-trunks policy pack, started by the pulumi CLI for `--policy-pack policy` (see README)."""

from genesys_policy.pack import serve

serve()
