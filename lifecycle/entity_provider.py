"""The Pulumi lifecycle shared by every Genesys entity: check, diff, create, read, update, delete.

Subclasses say what their inputs are (a pydantic model), which of them the API stores (its settings
schema), and how to call the API; this class does what every entity needs the same way: preview-time
validation with one failure per field, a field-by-field diff with replacements, a create that never
duplicates an entity when its outcome is unknown, refresh that returns inputs (no spurious diff) and
treats a vanished entity as gone, and deletes that count "already gone" as done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import pydantic
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from genesys_api import GenesysClient, NotFoundError, OutcomeUnknownError, settings_of

from . import client_access
from .errors import concise_errors
from .validated_provider import InputsT, ValidatedProvider
from .values import contains_unknown, iso_utc, user_inputs


class ApiEntity(Protocol):
    """What every Genesys entity carries, as the client's read models have it."""

    @property
    def id(self) -> str: ...
    @property
    def self_uri(self) -> str | None: ...
    @property
    def version(self) -> int | None: ...
    @property
    def state(self) -> str | None: ...
    @property
    def date_created(self) -> datetime | None: ...
    @property
    def date_modified(self) -> datetime | None: ...


EntityT = TypeVar("EntityT", bound=ApiEntity)
#: Outputs every Genesys entity has, beside the one carrying its id.
COMMON_OUTPUTS = ("selfUri", "version", "state", "dateCreated", "dateModified")
#: How often a create whose outcome was unknown is looked up and tried again.
CREATE_ATTEMPTS = 3


class EntityProvider(ValidatedProvider[InputsT], Generic[InputsT, EntityT]):
    """Holds no state: it is pickled by reference into every resource of its type."""

    #: The part of the inputs the API stores and returns: what refresh reads back.
    settings_model: type[pydantic.BaseModel]
    #: Inputs the API cannot change in place: a change replaces the entity.
    replace_on: ClassVar[frozenset[str]] = frozenset()
    #: Whether a replacement deletes the old entity first: when the API refuses two live entities with one name.
    delete_before_replace: ClassVar[bool] = False
    #: Inputs that shape how the provider acts, not the entity: never a reason to update.
    provider_only: ClassVar[frozenset[str]] = frozenset()
    #: The output that carries the entity's id (beside the resource's own id).
    id_output: ClassVar[str]

    # -- what a subclass supplies ---------------------------------------------------------------

    def post(self, api: GenesysClient, desired: InputsT) -> EntityT:
        """One create call."""
        raise NotImplementedError

    def landed(self, api: GenesysClient, desired: InputsT) -> EntityT | None:
        """The entity a create whose outcome is unknown made, as ``desired`` wants it, or None when it made none."""
        raise NotImplementedError

    def api_get(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> EntityT:
        """The entity (``props``: its recorded properties, for an entity addressed by more than its id)."""
        raise NotImplementedError

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: InputsT) -> EntityT:
        raise NotImplementedError

    def api_delete(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> bool:
        raise NotImplementedError

    def extra_outputs(self, entity: EntityT) -> dict[str, Any]:
        """Computed outputs particular to this entity (e.g. registration status)."""
        return {}

    def provider_outputs(self) -> Iterable[str]:
        """Outputs the provider adds beside the entity's (kept across refresh and update)."""
        return ()

    # -- creating without duplicates ------------------------------------------------------------

    def api_create(self, api: GenesysClient, desired: InputsT) -> tuple[EntityT, dict[str, Any]]:
        """Create the entity; returns it and any outputs the provider adds (e.g. adopted)."""
        return self.create_once(api, desired), {}

    def create_once(self, api: GenesysClient, desired: InputsT) -> EntityT:
        """POST; when the outcome is unknown (the POST may have landed), look before trying again, so a
        retry never duplicates the entity."""
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return self.post(api, desired)
            except OutcomeUnknownError:
                landed = self.landed(api, desired)
                if landed is not None:
                    return landed
                if attempt == CREATE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    # -- outputs and refresh --------------------------------------------------------------------

    def entity_outputs(self, entity: EntityT) -> dict[str, Any]:
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

    def settings_from(self, entity: EntityT, props: dict[str, Any]) -> dict[str, Any]:
        """The entity's settings by users' names, as the API reports them (``props``: the recorded inputs)."""
        return settings_of(self.settings_model, entity)

    def entity_inputs(self, entity: EntityT, props: dict[str, Any]) -> dict[str, Any]:
        """The inputs that would produce this entity, for refresh: its settings as the API reports them,
        and what the API does not return (a password, a provider switch) as the state has it."""
        inputs = self.settings_from(entity, props)
        for name, field in self.inputs_model.model_fields.items():
            if name not in self.settings_model.model_fields:
                alias = field.alias or name
                default = None if field.is_required() else field.get_default(call_default_factory=True)
                inputs[alias] = props.get(alias, default)
        return inputs

    # -- the lifecycle --------------------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = sorted(
            key
            for key, value in user_inputs(news).items()
            if key not in self.provider_only and (contains_unknown(value) or olds.get(key) != value)
        )
        changed += sorted(k for k in olds if k in self.inputs_keys() and k not in news and olds[k] is not None)
        replaces = [k for k in changed if k in self.replace_on]
        first = self.delete_before_replace and bool(replaces)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=first)

    @concise_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = user_inputs(props)
        entity, extra = self.api_create(client_access.client(), self.desired(inputs))
        outs = {**inputs, **extra, **self.entity_outputs(entity)}
        return CreateResult(id_=outs[self.id_output], outs=outs)

    @concise_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            entity = self.api_get(client_access.client(), id_, user_inputs(props))
        except NotFoundError:
            return ReadResult(id_="", outs={})  # deleted out of band: the next up recreates it
        inputs = self.entity_inputs(entity, user_inputs(props))
        extra = {k: props[k] for k in self.provider_outputs() if k in props}
        return ReadResult(id_=id_, outs={**inputs, **extra, **self.entity_outputs(entity)}, inputs=inputs)

    @concise_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = user_inputs(news)
        entity = self.api_update(client_access.client(), id_, olds, self.desired(inputs))
        extra = {k: olds[k] for k in self.provider_outputs() if k in olds}
        return UpdateResult(outs={**inputs, **extra, **self.entity_outputs(entity)})

    @concise_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.api_delete(client_access.client(), id_, user_inputs(props))
