"""Typed operations on BYOC trunks over the Platform API: what the cloud providers call.

Built on a ``GenesysClient`` (its token, pacing, retries and stats): this module adds only the Platform
API's rules. Entities in state ``deleted`` are gone. A create is never sent twice blindly (a lost reply is an
``OutcomeUnknownError``: look the base up by name with ``find_trunk_base_by_name``). An update PUTs with the
known version and, on a version mismatch, GETs and PUTs again (bounded). A delete treats 404 as done and
retries a 400 (the base is still in use) for a bounded time. No password reaches an error message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import SecretStr

from ..client import GenesysClient
from ..dialect import Call
from ..errors import (
    ConflictError,
    GenesysApiError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from .dialect import CloudDialect
from .mapping import SECRET_KEYS
from .models import (
    BYOC_CARRIER_METABASE,
    AuditLogMessage,
    Metabase,
    Site,
    Trunk,
    TrunkBase,
    TrunkBaseShape,
    TrunkBaseSpec,
    TrunkBaseTemplate,
)
from .status import TrunkBaseStatus, roll_up

log = logging.getLogger("genesys_api")

E = TypeVar("E", bound=GenesysApiError)

#: How long a DELETE answered 400 (still in use) is tried again, and how often (the CX-as-Code provider
#: waits 50 s).
DELETE_IN_USE_SECONDS = 50.0
DELETE_IN_USE_INTERVAL = 5.0
#: How far back audit events are read by default (the realtime query serves about 14 days).
AUDIT_LOOKBACK = timedelta(days=14)


class NameTakenError(ConflictError):
    """A create was refused and a live trunk base of that name exists: adopt it or choose another name."""

    def __init__(self, message: str, *, existing_id: str, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.existing_id = existing_id


class InUseError(ValidationError):
    """A DELETE kept being refused with 400 (the base is still used, e.g. by a site's outbound route)."""


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


def _is_version_conflict(exc: GenesysApiError) -> bool:
    """A stale version on a PUT: the mapped mismatch (409 or the 400 text), or any 409 (which the
    CX-as-Code provider also treats as one)."""
    return isinstance(exc, VersionConflictError) or (isinstance(exc, ConflictError) and exc.status == 409)


L = TypeVar("L", Site, TrunkBase)


def _live(entity: L, call: Call) -> L:
    """``entity``, unless it is in state ``deleted``: then it is gone, as a 404 would say."""
    if entity.deleted:
        raise NotFoundError(f"{entity.id} was deleted", status=404, method=call.method, path=call.path)
    return entity


def _or_none(get: Callable[[str], L], entity_id: str) -> L | None:
    try:
        return get(entity_id)
    except NotFoundError:
        return None


class CloudTrunkApi:
    """Thread-safe and cheap: build one over ``shared_client(settings)`` wherever needed."""

    def __init__(self, client: GenesysClient, dialect: CloudDialect | None = None) -> None:
        self.client = client
        self.dialect = dialect or CloudDialect()
        self.page_size = min(client.page_size, self.dialect.max_page_size)

    # ------------------------------------------------------------------------------------------ catalog

    def get_template(self, metabase_id: str = BYOC_CARRIER_METABASE) -> TrunkBaseTemplate:
        """The metabase's template: every property with its type, default and allowed values."""
        return self.dialect.parse_template(self.client.request_json(self.dialect.get_template(metabase_id)))

    def template(self, metabase_id: str = BYOC_CARRIER_METABASE) -> TrunkBaseTemplate:
        """``get_template``, read once per client (one read per metabase per run)."""
        return self.client.memo(("cloud.template", metabase_id), lambda: self.get_template(metabase_id))

    def list_metabases(self, trunk_type: str = "EXTERNAL") -> Iterator[Metabase]:
        return self.client.paged(
            lambda n, size: self.dialect.list_metabases(n, size, trunk_type),
            self.dialect.parse_metabase_page,
            self.page_size,
        )

    def get_site(self, site_id: str) -> Site:
        """The site; ``NotFoundError`` when it does not exist or was deleted."""
        call = self.dialect.get_site(site_id)
        return _live(self.dialect.parse_site(self.client.request_json(call)), call)

    def find_site(self, site_id: str) -> Site | None:
        return _or_none(self.get_site, site_id)

    def site(self, site_id: str) -> Site | None:
        """``find_site``, read once per client (one read per site per run)."""
        return self.client.memo(("cloud.site", site_id), lambda: self.find_site(site_id))

    def list_sites(self, name: str | None = None) -> Iterator[Site]:
        pages = self.client.paged(
            lambda n, size: self.dialect.list_sites(n, size, name),
            self.dialect.parse_site_page,
            self.page_size,
        )
        return (s for s in pages if not s.deleted)

    # ------------------------------------------------------------------------------------------ trunk bases

    def get_trunk_base(self, base_id: str) -> TrunkBase:
        """The trunk base; ``NotFoundError`` when it does not exist or is in state ``deleted``."""
        call = self.dialect.get_trunk_base(base_id)
        return _live(self.dialect.parse_trunk_base(self.client.request_json(call)), call)

    def find_trunk_base(self, base_id: str) -> TrunkBase | None:
        """The trunk base, or None when it is gone (what a provider's ``read`` wants)."""
        return _or_none(self.get_trunk_base, base_id)

    def list_trunk_bases(self, name: str | None = None) -> Iterator[TrunkBase]:
        """Live trunk bases, every page lazily; ``name`` is passed to the API's filter (which also matches
        more loosely, e.g. a trailing ``*`` is a wildcard): compare names yourself, or use
        ``find_trunk_base_by_name``."""
        return (b for b in self.all_trunk_bases(name) if not b.deleted)

    def all_trunk_bases(self, name: str | None = None, properties: bool = False) -> Iterator[TrunkBase]:
        """Every trunk base the org lists, deleted ones included (each with its ``state``); with
        ``properties``, each carries its properties (one call per page, not one per base)."""
        return self.client.paged(
            lambda n, size: self.dialect.list_trunk_bases(n, size, name, properties),
            self.dialect.parse_trunk_base_page,
            self.page_size,
        )

    def find_trunk_base_by_name(self, name: str) -> TrunkBase | None:
        """The live trunk base named exactly ``name`` (case-insensitive, as Genesys compares names): the one
        an ``OutcomeUnknownError`` on create, or a refused create, points at. It is a list entry, which
        carries its id and version but not always its properties: ``get_trunk_base`` it to adopt it."""
        server_filter = None if "*" in name else name  # a literal '*' would be read as a wildcard
        return next((b for b in self.list_trunk_bases(server_filter) if b.is_named(name)), None)

    def create_trunk_base(self, spec: TrunkBaseSpec, template: TrunkBaseShape | None = None) -> TrunkBase:
        """Create a trunk base (POST once: the template's defaults for what ``spec`` leaves out, when a
        template is given). ``OutcomeUnknownError`` when the reply was lost (then ``find_trunk_base_by_name``);
        ``NameTakenError`` when it was refused and a base of that name exists (one extra list call, on
        that path only)."""
        try:
            data = self.client.request_json(self.dialect.create_trunk_base(spec, template))
        except (ValidationError, ConflictError) as exc:
            exc = _redacted(exc, _secrets_of(spec))
            existing = self.find_trunk_base_by_name(spec.name)
            if existing is None:
                raise exc from None
            raise NameTakenError(
                f"a trunk base named {spec.name!r} already exists (id {existing.id}); adopt it or choose "
                f"another name (Genesys Cloud said: {exc.message})",
                existing_id=existing.id,
                **exc.details(),
            ) from None
        except GenesysApiError as exc:
            raise _redacted(exc, _secrets_of(spec)) from None
        return self.dialect.parse_trunk_base(data)

    def update_trunk_base(
        self, base_id: str, spec: TrunkBaseSpec, version: int | None = None, template: TrunkBaseShape | None = None
    ) -> TrunkBase:
        """Replace the base's settings: PUT with ``version`` when known (else GET it first); on a version
        mismatch GET and PUT again, at most ``client.version_conflict_retries`` times, since the stack is
        the truth. Pass the template, as on create, so that keys left out are sent as their defaults. A
        password left out of ``spec`` is not sent (the API keeps the stored one)."""
        try:
            return self.client.update_versioned(
                "trunk base",
                base_id,
                self.get_trunk_base,
                lambda v: self.dialect.parse_trunk_base(
                    self.client.request_json(self.dialect.update_trunk_base(base_id, spec, v, template))
                ),
                known_version=version,
                is_conflict=_is_version_conflict,
            )
        except GenesysApiError as exc:
            raise _redacted(exc, _secrets_of(spec)) from None

    def delete_trunk_base(
        self,
        base_id: str,
        in_use_seconds: float = DELETE_IN_USE_SECONDS,
        interval: float = DELETE_IN_USE_INTERVAL,
    ) -> bool:
        """Delete the base; False when it was already gone (404). A 400 (still in use) is tried again every
        ``interval`` seconds for ``in_use_seconds``, then raised as ``InUseError``."""
        call = self.dialect.delete_trunk_base(base_id)
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

    # ------------------------------------------------------------------------------------------ status

    def list_trunks(self, base_id: str | None = None, trunk_type: str | None = None) -> list[Trunk]:
        """The live trunk instances the platform runs for the base (one per cloud edge), or, without a base,
        every live instance (of ``trunk_type`` when given)."""
        pages = self.client.paged(
            lambda n, size: self.dialect.list_trunks(n, size, base_id, trunk_type),
            self.dialect.parse_trunk_page,
            self.page_size,
        )
        return [t for t in pages if not t.deleted]

    def registration(self, base_id: str) -> TrunkBaseStatus:
        """The base's registration outcome from its instances, per instance and rolled up."""
        return roll_up(self.list_trunks(base_id))

    # ------------------------------------------------------------------------------------------ audits

    def audit_events(
        self,
        base_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> list[AuditLogMessage]:
        """The base's audit trail (service ``Telephony``, entity type ``TrunkBase``), oldest first; by
        default the last 14 days. ``filters`` adds ``Action``/``UserId``/``ClientId`` filters."""
        until = until or datetime.now(UTC)
        since = since or until - AUDIT_LOOKBACK
        pages = self.client.paged(
            lambda n, size: self.dialect.query_audits(base_id, since, until, n, size, filters),
            self.dialect.parse_audit_page,
            self.dialect.audit_page_size,
        )
        return list(pages)
