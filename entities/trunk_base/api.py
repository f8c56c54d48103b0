"""A trunk base's calls on the Platform API (paths after the official SDK's ``telephony_providers_edge_api.py``),
and its metabases' templates.

A create is never sent twice blindly (a lost reply is an ``OutcomeUnknownError``: look the base up by name
with ``find_by_name``). An update PUTs with the known version and, on a version mismatch, GETs and PUTs again
(bounded). A delete treats 404 as done and retries a 400 (the base is still in use) for a bounded time.
Entities in state ``deleted`` are gone. No password reaches an error message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import SecretStr

from genesys_api import (
    Call,
    Collection,
    ConflictError,
    GenesysApiError,
    GenesysClient,
    NotFoundError,
    ValidationError,
    VersionConflictError,
    live,
    paging,
)
from lifecycle.catalogue import Catalog

from .models import (
    BYOC_CARRIER_METABASE,
    Metabase,
    TrunkBase,
    TrunkBaseEntityListing,
    TrunkBaseShape,
    TrunkBaseSpec,
    TrunkBaseTemplate,
    TrunkMetabaseEntityListing,
)
from .properties import SECRET_KEYS, property_body, template_defaults

log = logging.getLogger("genesys_api")

EDGES = "/api/v2/telephony/providers/edges"
TRUNK_BASES = f"{EDGES}/trunkbasesettings"
CALLS = Collection(TRUNK_BASES)
TEMPLATE = f"{TRUNK_BASES}/template"
METABASES = f"{TRUNK_BASES}/availablemetabases"
#: The largest ``pageSize`` the telephony list endpoints are asked for.
MAX_PAGE_SIZE = 100
#: How long a DELETE answered 400 (still in use) is tried again, and how often (the CX-as-Code provider
#: waits 50 s).
DELETE_IN_USE_SECONDS = 50.0
DELETE_IN_USE_INTERVAL = 5.0

E = TypeVar("E", bound=GenesysApiError)


class NameTakenError(ConflictError):
    """A create was refused and a live trunk base of that name exists: adopt it or choose another name."""

    def __init__(self, message: str, *, existing: TrunkBase, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.existing = existing

    @property
    def existing_id(self) -> str:
        return self.existing.id


class InUseError(ValidationError):
    """A DELETE kept being refused with 400 (the base is still used, e.g. by a site's outbound route)."""


# ---------------------------------------------------------------------------------------------- calls


def get_template(metabase_id: str) -> Call:
    return Call("GET", TEMPLATE, TEMPLATE, params={"trunkMetabaseId": metabase_id})


def list_metabases(page_number: int, page_size: int, trunk_type: str = "EXTERNAL") -> Call:
    return Call("GET", METABASES, METABASES, params={"type": trunk_type, **paging(page_number, page_size)})


def get_trunk_base(base_id: str) -> Call:
    """``ignoreHidden=true``: leave out the properties meant for the platform's own use (as the CX-as-Code
    provider always does)."""
    return CALLS.get(base_id, params={"ignoreHidden": "true"})


def list_trunk_bases(page_number: int, page_size: int, name: str | None = None, properties: bool = False) -> Call:
    """``properties``: each entry with its properties (``expand=properties``, hidden ones left out as on a GET),
    so that reading every base costs one call per page rather than one per base."""
    expanded = {"expand": "properties", "ignoreHidden": "true"} if properties else {}
    return CALLS.list(page_number, page_size, name=name, **expanded)


def create_trunk_base(spec: TrunkBaseSpec, template: TrunkBaseShape | None = None) -> Call:
    return CALLS.create(trunk_base_body(spec, template))


def update_trunk_base(base_id: str, spec: TrunkBaseSpec, version: int, template: TrunkBaseShape | None = None) -> Call:
    return CALLS.update(base_id, trunk_base_body(spec, template), version)


def delete_trunk_base(base_id: str) -> Call:
    return CALLS.delete(base_id)


def trunk_base_body(spec: TrunkBaseSpec, template: TrunkBaseShape | None = None) -> dict[str, Any]:
    """The whole ``TrunkBase`` to write: the template's defaults for every key the spec leaves out (when a
    template is given), then the spec's values. Secrets come only from the spec."""
    values: dict[str, Any] = template_defaults(template) if template is not None else {}
    values.update(spec.properties)
    body: dict[str, Any] = {
        "name": spec.name,
        "state": "active",
        "trunkType": spec.trunk_type,
        "managed": False,
        "trunkMetabase": {"id": spec.trunk_metabase_id},
        "properties": property_body(values),
    }
    if spec.description is not None:
        body["description"] = spec.description
    if spec.inbound_site_id is not None:
        body["inboundSite"] = {"id": spec.inbound_site_id}
    if spec.site_id is not None:
        body["site"] = {"id": spec.site_id}
    return body


# ---------------------------------------------------------------------------------------------- secrets


def _redacted(exc: E, secrets: list[str]) -> E:
    """``exc`` with every secret value replaced by ``***`` in its message and field errors."""
    secrets = [s for s in secrets if s]
    if not secrets:
        return exc

    def scrub(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, "***")
        return text

    exc.message = scrub(exc.message)
    exc.args = (exc.message,)
    exc.errors = [type(e)(scrub(e.message), e.code, e.field_name) for e in exc.errors]
    return exc


def _secrets_of(spec: TrunkBaseSpec) -> list[str]:
    """Every secret the spec carries: its ``SecretStr`` values, and secret keys given as plain text."""
    found = []
    for key, value in spec.properties.items():
        if isinstance(value, SecretStr):
            found.append(value.get_secret_value())
        elif key in SECRET_KEYS and isinstance(value, str):
            found.append(value)
    return found


def is_version_conflict(exc: GenesysApiError) -> bool:
    """A stale version on a PUT: the mapped mismatch (409 or the 400 text), or any 409 (which the CX-as-Code
    provider also treats as one)."""
    return isinstance(exc, VersionConflictError) or (isinstance(exc, ConflictError) and exc.status == 409)


# ---------------------------------------------------------------------------------------------- operations


class TrunkBaseApi:
    """A trunk base's operations over a ``GenesysClient``; cheap to build wherever needed."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client
        self.page_size = client.page_size_up_to(MAX_PAGE_SIZE)

    def get_template(self, metabase_id: str = BYOC_CARRIER_METABASE) -> TrunkBaseTemplate:
        """The metabase's template: every property with its type, default and allowed values."""
        return TrunkBaseTemplate.model_validate(self.client.request_json(get_template(metabase_id)))

    def template(self, metabase_id: str = BYOC_CARRIER_METABASE) -> TrunkBaseTemplate:
        """``get_template``, read once per client (one read per metabase per run)."""
        return templates.get(self.client, metabase_id)

    def list_metabases(self, trunk_type: str = "EXTERNAL") -> Iterator[Metabase]:
        return self.client.paged(
            lambda n, size: list_metabases(n, size, trunk_type),
            TrunkMetabaseEntityListing.model_validate,
            self.page_size,
        )

    def get(self, base_id: str) -> TrunkBase:
        """The trunk base; ``NotFoundError`` when it does not exist or is in state ``deleted``."""
        call = get_trunk_base(base_id)
        return live(TrunkBase, self.client.request_json(call), call)

    def find(self, base_id: str) -> TrunkBase | None:
        """The trunk base, or None when it is gone (what a provider's ``read`` wants)."""
        try:
            return self.get(base_id)
        except NotFoundError:
            return None

    def list(self, name: str | None = None) -> Iterator[TrunkBase]:
        """Live trunk bases, every page lazily; ``name`` is passed to the API's filter (which also matches more
        loosely, e.g. a trailing ``*`` is a wildcard): compare names yourself, or use ``find_by_name``."""
        return (b for b in self.list_all(name) if not b.deleted)

    def list_all(self, name: str | None = None, properties: bool = False) -> Iterator[TrunkBase]:
        """Every trunk base the org lists, deleted ones included (each with its ``state``); with ``properties``,
        each carries its properties (one call per page, not one per base)."""
        return self.client.paged(
            lambda n, size: list_trunk_bases(n, size, name, properties),
            TrunkBaseEntityListing.model_validate,
            self.page_size,
        )

    def find_by_name(self, name: str) -> TrunkBase | None:
        """The live trunk base named exactly ``name`` (case-insensitive, as Genesys compares names): the one an
        ``OutcomeUnknownError`` on create, or a refused create, points at. It is a list entry, which carries
        its id and version but not always its properties: ``get`` it to adopt it."""
        server_filter = None if "*" in name else name  # a literal '*' would be read as a wildcard
        return next((b for b in self.list(server_filter) if b.is_named(name)), None)

    def create(self, spec: TrunkBaseSpec, template: TrunkBaseShape | None = None) -> TrunkBase:
        """Create a trunk base (POST once: the template's defaults for what ``spec`` leaves out, when a template
        is given). ``OutcomeUnknownError`` when the reply was lost (then ``find_by_name``); ``NameTakenError``
        when it was refused and a base of that name exists (one extra list call, on that path only)."""
        try:
            data = self.client.request_json(create_trunk_base(spec, template))
        except (ValidationError, ConflictError) as exc:
            exc = _redacted(exc, _secrets_of(spec))
            existing = self.find_by_name(spec.name)
            if existing is None:
                raise exc from None
            raise NameTakenError(
                f"a trunk base named {spec.name!r} already exists (id {existing.id}); adopt it or choose "
                f"another name (Genesys Cloud said: {exc.message})",
                existing=existing,
                **exc.details(),
            ) from None
        except GenesysApiError as exc:
            raise _redacted(exc, _secrets_of(spec)) from None
        return TrunkBase.model_validate(data)

    def update(
        self, base_id: str, spec: TrunkBaseSpec, version: int | None = None, template: TrunkBaseShape | None = None
    ) -> TrunkBase:
        """Replace the base's settings: PUT with ``version`` when known (else GET it first); on a version
        mismatch GET and PUT again, at most ``client.version_conflict_retries`` times, since the stack is the
        truth. Pass the template, as on create, so that keys left out are sent as their defaults."""
        try:
            return self.client.update_versioned(
                "trunk base",
                base_id,
                self.get,
                lambda v: TrunkBase.model_validate(
                    self.client.request_json(update_trunk_base(base_id, spec, v, template))
                ),
                known_version=version,
                is_conflict=is_version_conflict,
            )
        except GenesysApiError as exc:
            raise _redacted(exc, _secrets_of(spec)) from None

    def delete(
        self,
        base_id: str,
        in_use_seconds: float = DELETE_IN_USE_SECONDS,
        interval: float = DELETE_IN_USE_INTERVAL,
    ) -> bool:
        """Delete the base; False when it was already gone (404). A 400 (still in use) is tried again every
        ``interval`` seconds for ``in_use_seconds``, then raised as ``InUseError``."""
        call = delete_trunk_base(base_id)
        deadline = self.client.clock() + in_use_seconds
        while True:
            try:
                self.client.request_json(call)
                return True
            except NotFoundError:
                return False
            except ValidationError as exc:
                if self.client.clock() + interval > deadline:
                    raise InUseError(
                        f"trunk base settings {base_id} could not be deleted for {in_use_seconds:.0f} s: "
                        f"{exc.message}. It is probably still in use (a site's outbound route or an edge "
                        "group names it): remove it there, then delete again",
                        **exc.details(),
                    ) from None
                log.info("DELETE trunk base %s -> 400 (%s): trying again in %.0fs", base_id, exc.message, interval)
                self.client.sleep(interval)


templates: Catalog[TrunkBaseTemplate] = Catalog(
    "trunk metabase",
    lambda api, metabase_id: TrunkBaseApi(api).get_template(metabase_id),
    lambda api: TrunkBaseApi(api).list_metabases(),
    shown=lambda metabase: metabase.id,
)
