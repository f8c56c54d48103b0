"""The path of deployed states' providers of this kind (see the package's docstring)."""

from entities.edge_registration.provider import OutcomeInputs, RegistrationOutcome, RegistrationProvider

__all__ = ["OutcomeInputs", "RegistrationOutcome", "RegistrationProvider"]
