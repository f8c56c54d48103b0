import pulumi
from probe_provider import Probe

config = pulumi.Config()
Probe("probe", fail=config.get("fail") or "", seconds=config.get_float("seconds") or 0.0)
