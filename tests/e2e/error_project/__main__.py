import pulumi
from probe_provider import Probe

Probe("probe", fail=pulumi.Config().get("fail") or "")
