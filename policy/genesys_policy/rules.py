"""The pack's rules: what each checks, its id, one-line description, remediation and default level.

Plain Python over properties as `resources` reads them (no policy SDK), so a rule reads and tests alone;
`pack` makes each one a policy. A resource rule's `check` returns a `Violation` per problem, or `Undecided`
when a value it needs is not known yet (the engine asks again at `up`, when it is). A stack rule sees every
resource of the stack and passes over the ones whose values are not known yet.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from .resources import DEFAULT_TRANSPORT, EDGE, OUTBOUND_ROUTE, TRUNK_BASE, WEBHOOK, Resource, Unknown, at, known

Level = Literal["advisory", "mandatory"]
#: Stacks whose name starts with this (any case) are production stacks.
PRODUCTION_PREFIX = "prod"


@dataclass(frozen=True)
class Violation:
    """One problem; ``urn``: the resource it is about (a stack rule's; a resource rule's is its resource)."""

    message: str
    urn: str | None = None


@dataclass(frozen=True)
class Undecided:
    """The rule cannot be decided during this preview: ``unknown`` is not known yet."""

    unknown: Unknown


Config = Mapping[str, Any]
ResourceCheck = Callable[[Mapping[str, Any], Config], list[Violation | Undecided]]
StackCheck = Callable[[Sequence[Resource], Config], list[Violation]]


def everywhere(level: Level) -> Callable[[str | None], Level]:
    """The same level on every stack."""
    return lambda _stack: level


def is_production(stack: str | None) -> bool:
    """A stack named prod* (any case); a stack the pack was not told of counts as one (fail closed)."""
    return stack is None or stack.casefold().startswith(PRODUCTION_PREFIX)


def mandatory_in_production(stack: str | None) -> Level:
    return "mandatory" if is_production(stack) else "advisory"


@dataclass(frozen=True)
class Rule:
    """What every rule has: ``level`` gives its default level on a stack (the pack's config may change it);
    ``config`` is the JSON schema of its settings in the pack's config, each with its default."""

    id: str
    description: str
    remediation: str
    level: Callable[[str | None], Level]
    types: frozenset[str]
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceRule(Rule):
    check: ResourceCheck = field(default=lambda _props, _config: [])


@dataclass(frozen=True)
class StackRule(Rule):
    check: StackCheck = field(default=lambda _resources, _config: [])


# -- a cloud trunk accepts calls only from its carrier ----------------------------------------------------------

ACL_ALLOW_LIST = "trunk_access_acl_allowList"


def _opens_to_anyone(entry: Any) -> bool:
    """An allow-list entry that lets every address in (0.0.0.0/0, ::/0)."""
    try:
        return isinstance(entry, str) and ipaddress.ip_network(entry.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _carrier_only(props: Mapping[str, Any], _config: Config) -> list[Violation | Undecided]:
    username = at(props, "credentials", "username")
    allow = at(props, "properties", ACL_ALLOW_LIST)
    has_credentials = isinstance(username, str) and bool(username)
    restricting = [e for e in allow if known(e) and not _opens_to_anyone(e)] if isinstance(allow, list) else []
    if has_credentials or restricting:
        return []
    for value in (username, allow):
        if isinstance(value, Unknown):
            return [Undecided(value)]
    if isinstance(allow, list):
        for i, entry in enumerate(allow):
            if isinstance(entry, Unknown):
                return [Undecided(Unknown(("properties", ACL_ALLOW_LIST, i)))]
    opened = f" (its properties.{ACL_ALLOW_LIST} lets every address in)" if isinstance(allow, list) and allow else ""
    return [
        Violation(
            f"trunk {props.get('name')!r} accepts calls from anyone: it has neither digest `credentials` nor an "
            f"ACL allow-list (`properties.{ACL_ALLOW_LIST}`){opened}"
        )
    ]


CARRIER_ONLY = ResourceRule(
    id="trunk-accepts-only-its-carrier",
    description="A cloud trunk accepts calls only from its carrier: digest credentials, an ACL allow-list, or both.",
    remediation=(
        "set `credentials` on the trunk (username, and the password with `pulumi config set --secret --path "
        "'trunks[N].credentials.password'`), or list the carrier's signalling addresses in "
        f"`properties.{ACL_ALLOW_LIST}`, or both"
    ),
    level=everywhere("mandatory"),
    types=frozenset({TRUNK_BASE}),
    check=_carrier_only,
)


# -- digest credentials travel over TLS --------------------------------------------------------------------------


def _credentials_over_tls(props: Mapping[str, Any], _config: Config) -> list[Violation | Undecided]:
    username = at(props, "credentials", "username")
    if isinstance(username, Unknown):
        return [Undecided(username)]
    if not (isinstance(username, str) and username):
        return []  # no digest credentials are sent
    transport = at(props, "carrier", "transport")
    if isinstance(transport, Unknown):
        return [Undecided(transport)]
    transport = transport if isinstance(transport, str) and transport else DEFAULT_TRANSPORT
    if transport.casefold() == "tls":
        return []
    return [
        Violation(
            f"trunk {props.get('name')!r} sends its digest credentials (username {username!r}) over {transport} "
            "(carrier.transport), readable by anyone on the path"
        )
    ]


CREDENTIALS_OVER_TLS = ResourceRule(
    id="digest-credentials-over-tls",
    description="A trunk that sends digest credentials to its carrier does so over TLS.",
    remediation=(
        "set `carrier.transport: tls` on the trunk (and `carrier.port` to the carrier's TLS port, usually 5061); "
        "mandatory on stacks named prod*, advisory elsewhere"
    ),
    level=mandatory_in_production,
    types=frozenset({TRUNK_BASE}),
    check=_credentials_over_tls,
)


# -- every site whose default route the stack takes over keeps a route for emergency calls ------------------------

EMERGENCY = "Emergency"


def _carries_emergency(route: Mapping[str, Any]) -> bool | None:
    """True when the route is enabled and carries Emergency, False when it is known not to, None when unknown."""
    enabled, types = route.get("enabled"), route.get("classificationTypes")
    if isinstance(enabled, Unknown) or isinstance(types, Unknown):
        return None
    names = [t for t in types if isinstance(t, str)] if isinstance(types, list) else []
    if enabled is True and any(t.strip().casefold() == EMERGENCY.casefold() for t in names):
        return True
    if isinstance(types, list) and any(isinstance(t, Unknown) for t in types) and enabled is True:
        return None
    return False


def _emergency_kept(resources: Sequence[Resource], _config: Config) -> list[Violation]:
    by_site: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        site = resource.props.get("siteId")
        if resource.type == OUTBOUND_ROUTE and isinstance(site, str):
            by_site[site].append(resource)
    violations = []
    for site, routes in sorted(by_site.items()):
        adopting = sorted((r for r in routes if r.props.get("adopt") is True), key=lambda r: r.urn)
        if not adopting:
            continue  # the org's own default route stays in place (the doctor checks the org)
        carried = [_carries_emergency(r.props) for r in routes]
        if any(carried) or None in carried:
            continue  # carried, or not decidable until the values are known
        taken = ", ".join(repr(r.props.get("name")) for r in adopting)
        violations.append(
            Violation(
                f"site {site}: the stack takes over its route(s) {taken} (adopt: true), and none of its "
                f"{len(routes)} route(s) of that site is enabled with {EMERGENCY} among its classificationTypes: "
                "emergency calls from that site would have no route",
                urn=adopting[0].urn,
            )
        )
    return violations


EMERGENCY_KEPT = StackRule(
    id="emergency-route-kept",
    description="Every site on which the stack takes over a route keeps an enabled route for Emergency calls.",
    remediation=(
        f"add {EMERGENCY} to the classificationTypes of an enabled route of that site (the site's Default Outbound "
        "Route held it before the stack took it over), or leave that route to the org (no `adopt`)"
    ),
    level=everywhere("mandatory"),
    types=frozenset({OUTBOUND_ROUTE}),
    check=_emergency_kept,
)


# -- no two trunks share an inbound termination identifier or a carrier account ------------------------------------

TERMINATION = "trunk_sip_termination_uri"


def _account(resource: Resource) -> tuple[str, str] | None:
    """The carrier account a trunk registers or authenticates with: (host, username), the host in lower case."""
    block = "registration" if resource.type == EDGE else "carrier"
    host = at(resource.props, block, "host")
    username = at(resource.props, "registration" if resource.type == EDGE else "credentials", "username")
    if isinstance(host, str) and host and isinstance(username, str) and username:
        return host.strip().casefold(), username
    return None


def _trunk_name(resource: Resource) -> str:
    return repr(resource.props.get("name"))


def _distinct_trunks(resources: Sequence[Resource], _config: Config) -> list[Violation]:
    # In a stable order (the engine's is not), so the same trunk is named the duplicate on every run.
    trunks = sorted(
        (r for r in resources if r.type in (TRUNK_BASE, EDGE)), key=lambda r: (str(r.props.get("name")), r.urn)
    )
    violations = []
    terminations: dict[str, Resource] = {}
    accounts: dict[tuple[str, str], Resource] = {}
    for trunk in trunks:
        uri = at(trunk.props, "properties", TERMINATION)
        if isinstance(uri, str) and uri.strip():
            first = terminations.setdefault(uri.strip().casefold(), trunk)
            if first is not trunk:
                violations.append(
                    Violation(
                        f"trunk {_trunk_name(trunk)} has the inbound SIP termination identifier {uri!r} "
                        f"(properties.{TERMINATION}) of trunk {_trunk_name(first)}: the org routes an inbound call "
                        "to one trunk only",
                        urn=trunk.urn,
                    )
                )
        account = _account(trunk)
        if account is not None:
            first = accounts.setdefault(account, trunk)
            if first is not trunk:
                violations.append(
                    Violation(
                        f"trunk {_trunk_name(trunk)} uses the carrier account of trunk {_trunk_name(first)} "
                        f"(host {account[0]}, username {account[1]!r})",
                        urn=trunk.urn,
                    )
                )
    return violations


DISTINCT_TRUNKS = StackRule(
    id="unique-termination-and-account",
    description=(
        "No two trunks of the stack share an inbound SIP termination identifier or a carrier account "
        "(carrier host and username)."
    ),
    remediation=(
        f"give each trunk its own `properties.{TERMINATION}`, and its own carrier account (another username for "
        "the same carrier host); the org refuses some of these at `up`"
    ),
    level=everywhere("advisory"),
    types=frozenset({TRUNK_BASE, EDGE}),
    check=_distinct_trunks,
)


# -- seed dialect: a trunk's session limit stays within the stack's bound -------------------------------------------

DEFAULT_MAX_SESSIONS = 1000


def _sessions_bounded(props: Mapping[str, Any], config: Config) -> list[Violation | Undecided]:
    sessions = props.get("maxConcurrentSessions")
    if isinstance(sessions, Unknown):
        return [Undecided(sessions)]
    bound = config.get("max", DEFAULT_MAX_SESSIONS)
    if isinstance(sessions, int | float) and not isinstance(sessions, bool) and sessions > bound:
        return [
            Violation(
                f"trunk {props.get('name')!r} allows {int(sessions)} concurrent sessions (maxConcurrentSessions), "
                f"above this stack's bound of {bound}"
            )
        ]
    return []


SESSIONS_BOUNDED = ResourceRule(
    id="session-limit-within-bound",
    description="A trunk's maxConcurrentSessions stays within the bound the stack sets (seed dialect).",
    remediation=(
        "lower the trunk's `maxConcurrentSessions` to the bound, or raise the bound for this stack in the pack's "
        '`--policy-pack-config` file: {"session-limit-within-bound": {"max": N}}'
    ),
    level=everywhere("advisory"),
    types=frozenset({EDGE}),
    config={
        "max": {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MAX_SESSIONS,
            "description": "the largest maxConcurrentSessions a trunk of the stack may have",
        }
    },
    check=_sessions_bounded,
)


# -- seed dialect: a webhook delivers over https (plain http only to a loopback receiver) ------------------------------


def _loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _webhook_https(props: Mapping[str, Any], _config: Config) -> list[Violation | Undecided]:
    target = props.get("targetUri")
    if isinstance(target, Unknown):
        return [Undecided(target)]
    if not isinstance(target, str):
        return []
    parts = urlsplit(target.strip())
    scheme, host = parts.scheme.casefold(), parts.hostname or ""
    if scheme == "https" or (scheme == "http" and _loopback(host)):
        return []
    # Only the scheme and host are shown: a target's path or query may hold a token.
    return [
        Violation(
            f"webhook {props.get('name')!r} delivers trunk events to {scheme or '(no scheme)'}://{host} "
            "without TLS, across the network"
        )
    ]


WEBHOOK_HTTPS = ResourceRule(
    id="webhook-target-https",
    description="A webhook delivers over https; plain http only to a loopback receiver (seed dialect).",
    remediation="set the trunk's `webhook.targetUri` to an https:// URL",
    level=everywhere("advisory"),
    types=frozenset({WEBHOOK}),
    check=_webhook_https,
)


RULES: tuple[Rule, ...] = (
    CARRIER_ONLY,
    CREDENTIALS_OVER_TLS,
    EMERGENCY_KEPT,
    DISTINCT_TRUNKS,
    SESSIONS_BOUNDED,
    WEBHOOK_HTTPS,
)
RULE_IDS = frozenset(rule.id for rule in RULES)
