"""Entities the org may already hold: looked up before anything is posted, taken over instead of duplicated.

One flow for every such entity (an edge registering as a trunk, a trunk base or an outbound route with a
name, a webhook with a name, target and filter): with ``adopt`` (or whatever ``looks_first`` says), the
process's listing of the kind is asked first and a match is taken over; else the create is posted once (a
lost reply is looked up by ``EntityProvider.create_once``), and a create the API refuses as a duplicate is
taken over when adopting, or explained (``refusal``) when not. Every write is recorded in the listing, so a
later look-up in the same `up` sees it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from genesys_api import GenesysApiError, GenesysClient, NotFoundError

from .entity_provider import EntityProvider, EntityT
from .listings import ALL, Listing
from .validated_provider import InputsT

#: The output that says whether the entity was taken over rather than created.
ADOPTED = "adopted"


class AdoptingProvider(EntityProvider[InputsT, EntityT]):
    """An ``EntityProvider`` whose creates take an existing entity over instead of duplicating it."""

    #: This kind's listing in the process (each home makes its own).
    listing: ClassVar[Listing[Any]]
    #: Errors by which the API refuses a create as a duplicate of an existing entity.
    duplicate_errors: ClassVar[tuple[type[GenesysApiError], ...]] = ()
    #: The output that says whether the entity was taken over (when the resource declares it).
    adopted_output: ClassVar[str] = ADOPTED

    # -- what a subclass supplies ---------------------------------------------------------------

    def listing_key(self, desired: InputsT) -> str:
        """Where the listing keeps entities like ``desired`` (an edge group; ``ALL`` for a whole kind)."""
        return ALL

    def looks_first(self, desired: InputsT) -> bool:
        """Whether to look for an existing entity before posting: when the inputs say to adopt one."""
        return bool(getattr(desired, "adopt", False))

    def is_wanted(self, entity: EntityT, desired: InputsT) -> bool:
        """Whether a listed entity is the one ``desired`` describes."""
        raise NotImplementedError

    def take_over(self, api: GenesysClient, existing: EntityT, desired: InputsT, *, version: int | None) -> EntityT:
        """Write ``desired`` over ``existing`` (at ``version`` when known, else read first)."""
        raise NotImplementedError

    def holder(
        self, api: GenesysClient, desired: InputsT, refused: GenesysApiError
    ) -> tuple[EntityT, int | None] | None:
        """The entity a refused create collides with, and the version to write it at; None when there is none."""
        return None

    def left_behind(self, existing: EntityT, desired: InputsT) -> bool:
        """Whether a colliding entity is one an interrupted run of this stack made (it holds what only this
        stack writes): taken as this create's own, not taken over."""
        return False

    def refusal(self, desired: InputsT, existing: EntityT, refused: GenesysApiError) -> GenesysApiError:
        """The error for a collision when not adopting: what exists, and how to adopt it."""
        return refused

    def takeover_outputs(self, existing: EntityT, desired: InputsT) -> dict[str, Any]:
        """Outputs a takeover records beside ``adopted`` (e.g. what the entity was before)."""
        return {}

    # -- the flow -------------------------------------------------------------------------------

    def api_create(self, api: GenesysClient, desired: InputsT) -> tuple[EntityT, dict[str, Any]]:
        key = self.listing_key(desired)
        if self.looks_first(desired):
            existing = self.listing.find(api, key, lambda entity: self.is_wanted(entity, desired))
            if existing is not None:
                try:
                    return self._taken_over(api, key, existing, desired, existing.version)
                except NotFoundError:
                    self.listing.forget(existing.id)  # deleted since it was listed: create it
        try:
            created = self.create_once(api, desired)
        except self.duplicate_errors as refused:
            found = self.holder(api, desired, refused)
            if found is None:
                raise
            if self.left_behind(found[0], desired):
                written = self.take_over(api, found[0], desired, version=found[1])
                self.listing.remember(key, written)
                return written, self._adopted(False)
            if not getattr(desired, "adopt", False):
                raise self.refusal(desired, found[0], refused) from None
            return self._taken_over(api, key, found[0], desired, found[1])
        self.listing.remember(key, created)
        return created, self._adopted(False)

    def _taken_over(
        self, api: GenesysClient, key: str, existing: EntityT, desired: InputsT, version: int | None
    ) -> tuple[EntityT, dict[str, Any]]:
        written = self.take_over(api, existing, desired, version=version)
        self.listing.remember(key, written)
        return written, {**self._adopted(True), **self.takeover_outputs(existing, desired)}

    def _adopted(self, adopted: bool) -> dict[str, Any]:
        return {self.adopted_output: adopted} if self.adopted_output in self.provider_outputs() else {}
