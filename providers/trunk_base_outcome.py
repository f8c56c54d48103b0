"""The path of deployed states' providers of this kind (see the package's docstring)."""

from entities.trunk_base_registration.provider import TrunkBaseOutcome, TrunkBaseOutcomeProvider

__all__ = ["TrunkBaseOutcome", "TrunkBaseOutcomeProvider"]
