"""What every dynamic provider of this project does the same way: take the stack's API settings, and check
its inputs against their schema at `pulumi preview`, one failure per field, before any API call."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

import pydantic
from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ResourceProvider

from genesys_api import users_names

from . import client_access, session
from .checks import validation_failures
from .errors import concise_errors
from .values import contains_unknown, unknown_paths, user_inputs, without_unknowns

InputsT = TypeVar("InputsT", bound=pydantic.BaseModel)


class ValidatedProvider(ResourceProvider, Generic[InputsT]):
    """Holds no state: it is pickled by reference into every resource of its type."""

    #: The resource's inputs; its aliases are the property names users write.
    inputs_model: type[InputsT]
    #: Inputs whose values are secret: never echoed in a failure.
    secret_inputs: ClassVar[frozenset[str]] = frozenset()

    def configure(self, req: ConfigureRequest) -> None:
        client_access.configure(req.config.get)
        session._exit_with_the_cli()

    @concise_errors
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Errors about values unknown during preview wait until they are known; the rest fail now."""
        raw = user_inputs(news)
        try:
            model = self.inputs_model.model_validate(without_unknowns(raw), by_name=False)
        except pydantic.ValidationError as exc:
            failures = validation_failures(exc, unknown_keys=unknown_paths(raw), secret_keys=self.secret_inputs)
            return CheckResult(news, failures)
        if contains_unknown(raw):
            # Defaults can only be filled in once every value is known; what is known is checked now.
            return CheckResult(news, self.known_failures(model, olds, unknown_paths(raw)))
        return CheckResult(self.normalized(model), self.extra_failures(model, olds))

    def extra_failures(self, inputs: InputsT, olds: dict[str, Any]) -> list[CheckFailure]:
        """Rules that need more than the inputs themselves (e.g. the API's catalogue); ``olds`` are the
        inputs already applied (empty for a create), so a rule may skip what was accepted before."""
        return []

    def known_failures(self, inputs: InputsT, olds: dict[str, Any], unknown: frozenset[str]) -> list[CheckFailure]:
        """``extra_failures`` of a preview where some inputs wait on other resources (``unknown``: their paths,
        left out of ``inputs``): the rules whose values are all known, so a bad one fails this preview."""
        return []

    def normalized(self, model: InputsT) -> dict[str, Any]:
        """Inputs with defaults filled in, by the names users write, so diffs compare like with like."""
        return model.model_dump(by_alias=True, mode="json")

    @classmethod
    def inputs_keys(cls) -> frozenset[str]:
        return users_names(cls.inputs_model)

    def desired(self, inputs: dict[str, Any]) -> InputsT:
        """Inputs the engine hands to a write (checked already), as their model."""
        return self.inputs_model.model_validate(user_inputs(inputs))

    def recorded_inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        """The inputs among a resource's recorded properties."""
        return {k: v for k, v in user_inputs(props).items() if k in self.inputs_keys()}
