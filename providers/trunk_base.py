"""The path of deployed states' providers of this kind (see the package's docstring)."""

from entities.trunk_base.provider import TrunkBase, TrunkBaseInputs, TrunkBaseProvider

__all__ = ["TrunkBase", "TrunkBaseInputs", "TrunkBaseProvider"]
