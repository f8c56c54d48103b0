"""Reads the `trunks` output of a genesys-trunks stack, as another team's infrastructure would.

`genesys-trunks-consumer:trunksStack` names the stack to read (default: the genesys-trunks stack
of the same name as this one, in this stack's organization: dev reads organization/genesys-trunks/dev on
a self-managed backend, <your org>/genesys-trunks/dev on Pulumi Cloud).
"""

import pulumi

config = pulumi.Config()
source = config.get("trunksStack") or f"{pulumi.get_organization()}/genesys-trunks/{pulumi.get_stack()}"
trunks = pulumi.StackReference("trunks", stack_name=source).require_output("trunks")

pulumi.export("edgeIds", trunks.apply(lambda t: {name: trunk["edgeId"] for name, trunk in t.items()}))
pulumi.export("sipHosts", trunks.apply(lambda t: sorted({trunk["registrationHost"] for trunk in t.values()})))
pulumi.export(
    "registered",
    trunks.apply(lambda t: sorted(name for name, trunk in t.items() if trunk["registrationStatus"] == "registered")),
)
