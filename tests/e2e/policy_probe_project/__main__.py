"""Declares each resource of the `resources` config (kind, name, inputs) as a stand-in of that type."""

import pulumi
from stand_ins import KINDS

for entry in pulumi.Config().require_object("resources"):
    KINDS[entry["kind"]](entry["name"], entry["inputs"])
