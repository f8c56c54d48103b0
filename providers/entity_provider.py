"""The Pulumi lifecycle shared by every Genesys entity: check, diff, create, read, update, delete.

Subclasses say what their inputs are (a pydantic model) and how to call the API; this class
does what every entity needs the same way: preview-time validation with one failure per field,
a field-by-field diff with replacements, refresh that returns inputs (no spurious diff) and
treats a vanished entity as gone, and deletes that count "already gone" as done.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import pydantic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import session
from .checks import validation_failures
from .genesys_api import GenesysApiError, GenesysClient, NotFoundError
from .values import contains_unknown, iso_utc, unknown_paths, user_inputs, without_unknowns

T = TypeVar("T")
#: Outputs every Genesys entity has, beside the one carrying its id.
COMMON_OUTPUTS = ("selfUri", "version", "state", "dateCreated", "dateModified")


class ProviderError(Exception):
    """An API failure as the user should read it: the Genesys message, without a client-internal traceback."""


def concise_errors(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except GenesysApiError as exc:
            raise ProviderError(str(exc)) from None

    return wrapper


class EntityProvider(ResourceProvider):
    """Holds no state: it is pickled by reference into every resource of its type."""

    #: The resource's inputs, validated in check(); aliases are the property names users write.
    inputs_model: ClassVar[type[pydantic.BaseModel]]
    #: Inputs the API cannot change in place: a change replaces the entity.
    replace_on: ClassVar[frozenset[str]] = frozenset()
    #: Inputs that shape how the provider acts, not the entity: never a reason to update.
    provider_only: ClassVar[frozenset[str]] = frozenset()
    #: Inputs whose values are secret: never echoed in a failure.
    secret_inputs: ClassVar[frozenset[str]] = frozenset()
    #: The output that carries the entity's id (beside the resource's own id).
    id_output: ClassVar[str]

    # -- what a subclass supplies ---------------------------------------------------------------

    def extra_failures(self, api_inputs: pydantic.BaseModel, olds: dict[str, Any]) -> list[CheckFailure]:
        """Rules that need more than the inputs themselves (e.g. the API's catalogue); ``olds`` are the
        inputs already applied (empty for a create), so a rule may skip what was accepted before."""
        return []

    def api_create(self, api: GenesysClient, inputs: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Create the entity; returns it and any outputs the provider adds (e.g. adopted)."""
        raise NotImplementedError

    def api_get(self, api: GenesysClient, entity_id: str) -> Any:
        raise NotImplementedError

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        raise NotImplementedError

    def api_delete(self, api: GenesysClient, entity_id: str) -> bool:
        raise NotImplementedError

    def entity_inputs(self, entity: Any, props: dict[str, Any]) -> dict[str, Any]:
        """The inputs that would produce this entity, for refresh (what cannot be read comes from props)."""
        raise NotImplementedError

    def extra_outputs(self, entity: Any) -> dict[str, Any]:
        """Computed outputs particular to this entity (e.g. registration status)."""
        return {}

    def entity_outputs(self, entity: Any) -> dict[str, Any]:
        """Computed outputs every Genesys entity has, and the subclass's own."""
        return {
            self.id_output: entity.id,
            "selfUri": entity.self_uri,
            "version": entity.version,
            "state": entity.state,
            "dateCreated": iso_utc(entity.date_created),
            "dateModified": iso_utc(entity.date_modified),
            **self.extra_outputs(entity),
        }

    # -- the lifecycle --------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        session.configure(req.config.get)

    @concise_errors
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        raw = user_inputs(news)
        try:
            model = self.inputs_model.model_validate(without_unknowns(raw))
        except pydantic.ValidationError as exc:
            failures = validation_failures(exc, unknown_keys=unknown_paths(raw), secret_keys=self.secret_inputs)
            return CheckResult(news, failures)
        if contains_unknown(raw):
            # Defaults can only be filled in once every value is known.
            return CheckResult(news, [])
        failures = self.extra_failures(model, olds)
        return CheckResult(self.normalized(model), failures)

    def normalized(self, model: pydantic.BaseModel) -> dict[str, Any]:
        """Inputs with defaults filled in, by the names users write, so diffs compare like with like."""
        return model.model_dump(by_alias=True, mode="json")

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = sorted(
            key
            for key, value in user_inputs(news).items()
            if key not in self.provider_only and (contains_unknown(value) or olds.get(key) != value)
        )
        changed += sorted(k for k in olds if k in self.inputs_keys() and k not in news and olds[k] is not None)
        replaces = [k for k in changed if k in self.replace_on]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    @concise_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = user_inputs(props)
        api = session.client()
        entity, extra = self.api_create(api, inputs)
        outs = {**inputs, **extra, **self.entity_outputs(entity)}
        return CreateResult(id_=entity.id, outs=outs)

    @concise_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            entity = self.api_get(session.client(), id_)
        except NotFoundError:
            return ReadResult(id_="", outs={})  # deleted out of band: the next up recreates it
        inputs = self.entity_inputs(entity, user_inputs(props))
        extra = {k: props[k] for k in self.provider_outputs() if k in props}
        return ReadResult(id_=id_, outs={**inputs, **extra, **self.entity_outputs(entity)}, inputs=inputs)

    @concise_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = user_inputs(news)
        api = session.client()
        entity = self.api_update(api, id_, olds, inputs)
        extra = {k: olds[k] for k in self.provider_outputs() if k in olds}
        return UpdateResult(outs={**inputs, **extra, **self.entity_outputs(entity)})

    @concise_errors
    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        self.api_delete(session.client(), id_)

    # -- helpers --------------------------------------------------------------------------------

    @classmethod
    def inputs_keys(cls) -> frozenset[str]:
        return frozenset(f.alias or name for name, f in cls.inputs_model.model_fields.items())

    def provider_outputs(self) -> Iterable[str]:
        """Outputs the provider adds beside the entity's (kept across refresh and update)."""
        return ()
