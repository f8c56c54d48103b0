"""Malformed stack configurations: each fails `pulumi preview` with a message that names where in the config
the problem is, never echoes a secret, and writes nothing to Genesys.

One emulator and one stack per dialect for all cases; a case replaces `genesys-trunks:trunks` in
Pulumi.<stack>.yaml (the password stays the encrypted `secure:` value the CLI made once) and runs `pulumi preview`.
The cases of one trunk with the common name that the config schema refuses share one preview
(``SharedPreviews``), each case's trunk at its own index under its own name, each case judged by the lines that
name its trunk (its index or its name): the program reports every trunk's config errors at once, so none hides
another's. The other cases preview alone: the list's shape, names and duplicates, and what a resource's check
refuses (the engine stops a preview at the first resource whose check fails).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from devtools.trunks_project import cloud_trunk, trunk
from emulator.testing import running_emulator

from .conftest import FAST_EMULATOR, REPORT, RecordingProject, api_calls, writes

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

PASSWORD = "Bad-Input-Carrier-Pw-0042"
#: Stands for the encrypted password in a case; replaced by the stack's `secure:` value.
SECRET = object()
HOOK = {"targetUri": "https://hooks.example.com/genesys"}


def t(name: str = "bad-a", **over: Any) -> dict[str, Any]:
    base = trunk(name, **over)
    base["registration"]["password"] = SECRET
    return base


def with_(path: str, value: Any, make: Callable[[], dict[str, Any]] = t) -> list[dict[str, Any]]:
    """One trunk (``make``'s) whose setting at ``path`` (dotted) is ``value``."""
    base = make()
    *parents, leaf = path.split(".")
    obj = base
    for part in parents:
        obj = obj.setdefault(part, {})
    obj[leaf] = value
    return [base]


def without(path: str, make: Callable[[], dict[str, Any]] = t) -> list[dict[str, Any]]:
    base = make()
    *parents, leaf = path.split(".")
    obj = base
    for part in parents:
        obj = obj[part]
    del obj[leaf]
    return [base]


def case(case_id: str, trunks: Any, *expected: str, hidden: tuple[str, ...] = (), provider: bool = False):
    """``expected``: what the preview's output must say; ``hidden``: what it must not (secret values);
    ``provider``: found by the Edge's check (it reads the SIP profile), not by the config schema."""
    return pytest.param(trunks, expected, hidden, provider, id=case_id)


CASES = [
    # The shape of the list and of each trunk
    case("trunks-not-a-list", "not a list", "genesys-trunks:trunks"),
    case("trunks-a-mapping", {"name": "bad-a"}, "trunks"),
    case("trunks-empty-list", [], "trunks: List should have at least 1 item"),
    case("trunk-not-an-object", ["bad-a"], "trunks[0]: Input should be a valid dictionary"),
    # Missing fields
    case("missing-name", without("name"), "trunks[0].name: required"),
    case("missing-registration", without("registration"), "trunks[0].registration: required"),
    case("missing-password", without("registration.password"), "trunks[0].registration.password: required"),
    case("missing-edge-group", without("edgeGroupId"), "trunks[0]: edgeGroupId is required"),
    case("missing-host", without("registration.host"), "trunks[0]: registration.host is required"),
    # Unknown keys (a typo must not pass silently; its value is never echoed)
    case("unknown-key", with_("nmae", "typo"), "trunks[0].nmae: unknown property"),
    case(
        "unknown-key-holding-a-secret",
        with_("registration.passwd", "Typo-Holds-A-Secret-77"),
        "trunks[0].registration.passwd: unknown property",
        hidden=("Typo-Holds-A-Secret-77",),
    ),
    # Wrong types
    case("name-a-number", with_("name", 12345), "trunks[0].name: Input should be a valid string"),
    case("sessions-a-word", with_("maxConcurrentSessions", "many"), "trunks[0].maxConcurrentSessions", "'many'"),
    case("sessions-a-fraction", with_("maxConcurrentSessions", 10.5), "trunks[0].maxConcurrentSessions"),
    case("codecs-a-string", with_("codecs", "G711u"), "trunks[0].codecs: Input should be a valid list"),
    case("adopt-not-a-bool", with_("adopt", "maybe"), "trunks[0].adopt: Input should be a valid boolean"),
    case(
        "password-a-number",
        with_("registration.password", 987654321),
        "trunks[0].registration.password: Input should be a valid string",
        hidden=("987654321",),
    ),
    case(
        "webhook-header-a-number",
        with_("webhook", {**HOOK, "headers": {"X-Token": 4242424242}}),
        "trunks[0].webhook.headers.X-Token",
        hidden=("4242424242",),
    ),
    # Out-of-range numbers
    case("sessions-zero", with_("maxConcurrentSessions", 0), "trunks[0].maxConcurrentSessions", "(got 0)"),
    case("sessions-2001", with_("maxConcurrentSessions", 2001), "trunks[0].maxConcurrentSessions", "2000"),
    case("port-70000", with_("registration.port", 70000), "trunks[0].registration.port", "65535"),
    case("port-negative", with_("registration.port", -5), "trunks[0].registration.port", "(got -5)"),
    case(
        "registration-wait-of-two-hours",
        with_("registrationTimeoutSeconds", 7200),
        "trunks[0].registrationTimeoutSeconds",
        "3600",
    ),
    case("probe-every-second", with_("healthProbe", {"intervalSeconds": 1}), "trunks[0].healthProbe.intervalSeconds"),
    # Codecs: unknown, mistyped, repeated, none, not on the SIP profile; profiles and groups that do not exist
    case("codec-G722", with_("codecs", ["G711u", "G722"]), "trunks[0].codecs[1]", "(got 'G722')"),
    case("codec-lower-case", with_("codecs", ["g711u"]), "trunks[0].codecs[0]", "(got 'g711u')"),
    case("codec-repeated", with_("codecs", ["G711u", "G729", "G711u"]), "trunks[0].codecs", "repeated: G711u"),
    case("codecs-empty", with_("codecs", []), "trunks[0].codecs: List should have at least 1 item"),
    case(
        "codec-not-on-the-sip-profile",
        with_("codecs", ["G711u", "Opus"]),
        "trunk 'bad-a'",
        "codecs[1] 'Opus' is not supported by SIP profile 'Carrier Standard'",
        provider=True,
    ),
    case(
        "sip-profile-unknown",
        with_("sipProfileId", "no-such-profile"),
        "trunk 'bad-a'",
        "sipProfileId",
        "SIP profile 'no-such-profile' does not exist; the org has: 'Carrier Standard'",
        provider=True,
    ),
    case(
        "edge-group-unknown",
        with_("edgeGroupId", "no-such-group"),
        "trunk 'bad-a'",
        "edgeGroupId",
        "edge group 'no-such-group' does not exist; the org has: 'Primary BYOC Group'",
        provider=True,
    ),
    case("registration-type-DIGEST", with_("registration.type", "DIGEST"), "trunks[0].registration.type"),
    # Duplicate trunk names
    case("duplicate-names", [t("dup-a"), t("dup-a")], "trunks[1].name: 'dup-a' is already the name of trunks[0]"),
    case("duplicate-names-by-case", [t("Dup-A"), t("dup-a")], "trunks[1].name", "trunks[0]"),
    # Webhook targets: bad URLs, plain http off the machine, unknown events (and a filter injection)
    case("webhook-not-a-url", with_("webhook", {"targetUri": "not a url"}), "trunks[0].webhook.targetUri"),
    case("webhook-ftp", with_("webhook", {"targetUri": "ftp://hooks.example.com/x"}), "trunks[0].webhook.targetUri"),
    case(
        "webhook-http-public-host",
        with_("webhook", {"targetUri": "http://hooks.example.com/x"}),
        "trunks[0].webhook.targetUri: plain http is allowed only to a loopback address",
    ),
    case(
        "webhook-http-private-ip",
        with_("webhook", {"targetUri": "http://10.0.0.5/x"}),
        "trunks[0].webhook.targetUri: plain http is allowed only to a loopback address",
    ),
    case(
        "webhook-event-unknown",
        with_("webhook", {**HOOK, "eventTypes": ["edge:everything"]}),
        "trunks[0].webhook.eventTypes",
        "'edge:everything'",
    ),
    case(
        "webhook-event-filter-injection",
        with_("webhook", {**HOOK, "eventTypes": ["audit:edge:created] OR resourceIds:[*"]}),
        "trunks[0].webhook.eventTypes: unknown event type",
    ),
    # Empty strings
    case("name-empty", with_("name", ""), "trunks[0].name: String should have at least 1 character"),
    case("host-empty", with_("registration.host", ""), "trunks[0].registration.host"),
    case("password-empty", with_("registration.password", ""), "trunks[0].registration.password"),
    # Very long strings
    case("name-201-chars", with_("name", "n" * 201), "trunks[0].name: String should have at most 200 characters"),
    case("description-501-chars", with_("description", "d" * 501), "trunks[0].description", "500"),
    case(
        "password-201-chars",
        with_("registration.password", "P4ssw0rd" * 25 + "!"),
        "trunks[0].registration.password: String should have at most 200 characters",
        hidden=("P4ssw0rdP4ssw0rd",),
    ),
    # Invisible and log-forging names (quotes, colons and other scripts are names Genesys allows: accepted)
    case("name-zero-width-space", with_("name", "bad\u200ba"), "trunks[0].name: String should match pattern"),
    case("name-right-to-left-override", with_("name", "bad\u202ea"), "trunks[0].name: String should match pattern"),
    case("name-leading-space", with_("name", " bad-a"), "trunks[0].name: String should match pattern"),
    case("name-log-forging-newline", with_("name", "bad-a\nerror: forged"), "trunks[0].name: String should match"),
    # Registration host with a scheme or a port (the Edge's check; the path is the Edge's property)
    case("host-with-scheme", with_("registration.host", "sip://carrier.example.com"), "registration", "host must be"),
    case("host-with-port", with_("registration.host", "carrier.example.com:5060"), "registration", "host must be"),
    # Settings from other stacks
    case(
        "from-stacks-unknown-setting",
        with_("fromStacks", {"codecs": {"stack": "organization/x/dev", "output": "c"}}),
        "trunks[0].fromStacks.codecs",
    ),
    case(
        "from-stacks-stack-name-injection",
        with_("fromStacks", {"registration.host": {"stack": "a b; rm -rf /", "output": "host"}}),
        "trunks[0].fromStacks.registration.host.stack",
    ),
    case(
        "from-stacks-output-with-a-newline",
        with_("fromStacks", {"registration.host": {"stack": "org/net/dev", "output": "host\nerror: forged"}}),
        "trunks[0].fromStacks.registration.host.output: must be printable text",
    ),
    # Header injection: what ends up in a header, a URL or a name holds no line break or control character
    case(
        "webhook-header-name-with-crlf",
        with_("webhook", {**HOOK, "headers": {"X-Token\r\nX-Injected": "v"}}),
        "trunks[0].webhook.headers",
        "header names must be tokens",
    ),
    case(
        "webhook-header-name-with-a-space",
        with_("webhook", {**HOOK, "headers": {"X Token": "v"}}),
        "trunks[0].webhook.headers",
        "header names must be tokens",
    ),
    case(
        "webhook-header-value-with-crlf",
        with_("webhook", {**HOOK, "headers": {"X-Token": "Hidden-Token-31\r\nX-Injected: yes"}}),
        "trunks[0].webhook.headers.X-Token: header values must be printable ASCII",
        hidden=("Hidden-Token-31",),
    ),
    case(
        "webhook-header-value-with-a-control-character",
        with_("webhook", {**HOOK, "headers": {"X-Token": "Hidden-Token-32\x07"}}),
        "trunks[0].webhook.headers.X-Token: header values must be printable ASCII",
        hidden=("Hidden-Token-32",),
    ),
    case(
        "webhook-name-with-a-newline",
        with_("webhook", {**HOOK, "name": "status\nerror: forged"}),
        "trunks[0].webhook.name: must be printable text",
    ),
    case(
        "webhook-target-with-crlf",
        with_("webhook", {"targetUri": "https://hooks.example.com/x\r\nHost: evil.example.com"}),
        "trunks[0].webhook.targetUri: must be a URL without spaces, line breaks",
    ),
    case(
        "webhook-target-with-a-tab",
        with_("webhook", {"targetUri": "https://hooks.example.com/\tx"}),
        "trunks[0].webhook.targetUri: must be a URL without spaces, line breaks",
    ),
    case(
        "username-with-crlf",
        with_("registration.username", "user\r\nVia: SIP/2.0/UDP evil.example.com"),
        "trunks[0].registration.username: must be printable text",
    ),
    case("host-with-a-nul", with_("registration.host", "sip\x00.carrier.example.com"), "trunks[0].registration.host"),
    case("edge-group-id-a-path", with_("edgeGroupId", "../webhooks"), "trunks[0].edgeGroupId: must be an id"),
    case(
        "sip-profile-id-with-crlf", with_("sipProfileId", "p\r\nX-Injected: 1"), "trunks[0].sipProfileId: must be an id"
    ),
    case("description-with-a-newline", with_("description", "a\nerror: forged"), "trunks[0].description: must be"),
    # Two trunks one edge group cannot hold: preview names both
    case(
        "duplicate-registration",
        [t("dup-a"), t("dup-b", registration={"username": "user-dup-a"})],
        "trunks[1].registration: host 'sip.carrier.example.com' and username 'user-dup-a'",
        "already those of trunks[0].registration",
    ),
    case(
        "duplicate-registration-host-by-case",
        [t("dup-a"), t("dup-b", registration={"host": "SIP.Carrier.Example.com", "username": "user-dup-a"})],
        "trunks[1].registration",
        "trunks[0].registration",
    ),
    # Booleans where numbers belong, and numbers where booleans belong
    case(
        "sessions-a-boolean",
        with_("maxConcurrentSessions", True),
        "trunks[0].maxConcurrentSessions: Input should be a number, not a boolean",
    ),
    case("port-a-boolean", with_("registration.port", True), "trunks[0].registration.port: Input should be a number"),
    case(
        "probe-interval-a-boolean",
        with_("healthProbe", {"intervalSeconds": True}),
        "trunks[0].healthProbe.intervalSeconds: Input should be a number",
    ),
    case(
        "registration-wait-a-boolean",
        with_("registrationTimeoutSeconds", False),
        "trunks[0].registrationTimeoutSeconds: Input should be a number",
    ),
    case("registration-wait-nan", with_("registrationTimeoutSeconds", "nan"), "trunks[0].registrationTimeoutSeconds"),
    case("adopt-a-number", with_("adopt", 1), "trunks[0].adopt: Input should be a valid boolean"),
    case(
        "probe-enabled-a-number",
        with_("healthProbe", {"enabled": 0}),
        "trunks[0].healthProbe.enabled: Input should be a valid boolean",
    ),
    case("adopt-yes", with_("adopt", "yes"), "trunks[0].adopt: Input should be a valid boolean"),
]


def c(name: str = "bad-c", **over: Any) -> dict[str, Any]:
    """A BYOC trunk of the cloud dialect, its password the stack's encrypted one."""
    base = cloud_trunk(name, **over)
    base["credentials"]["password"] = SECRET
    return base


def cloud_with(path: str, value: Any) -> list[dict[str, Any]]:
    return with_(path, value, make=c)


def cloud_without(path: str) -> list[dict[str, Any]]:
    return without(path, make=c)


def prop(key: str, value: Any) -> list[dict[str, Any]]:
    """One cloud trunk with ``properties: {key: value}``."""
    return [c(properties={key: value})]


CLOUD_CASES = [
    # Codecs: GSM is not offered; the rest as in the seed's list
    case("gsm", cloud_with("codecs", ["G711u", "GSM"]), "trunks[0].codecs[1]: Genesys Cloud does not offer GSM"),
    case("codec-lower-case", cloud_with("codecs", ["opus"]), "trunks[0].codecs[0]", "(got 'opus')"),
    case("codec-repeated", cloud_with("codecs", ["G722", "G722"]), "trunks[0].codecs", "repeated: G722"),
    # Properties, checked against the metabase's template by the TrunkBase's check
    case(
        "property-unknown-key",
        prop("trunk_maxDialTimout", "1m"),
        "trunk 'bad-c'",
        "properties.trunk_maxDialTimout is not a property of this trunk metabase; did you mean trunk_maxDialTimeout",
        provider=True,
    ),
    case(
        "property-snake-case-alias",
        prop("trunk_max_dial_timeout", "1m"),
        "properties.trunk_max_dial_timeout is not a property",
        "trunk_maxDialTimeout",
        provider=True,
    ),
    case(
        "property-bad-enum-value",
        prop("trunk_media_dtmf_method", "SIP INFO"),
        "properties.trunk_media_dtmf_method 'SIP INFO' is not allowed; allowed: None, RTP Events, In-band Audio",
        provider=True,
    ),
    case(
        "property-wrong-type",
        prop("trunk_media_dtmf_payload", "high"),
        "properties.trunk_media_dtmf_payload must be of type integer, got string",
        provider=True,
    ),
    case(
        "property-out-of-range",
        prop("trunk_media_dtmf_payload", 200),
        "properties.trunk_media_dtmf_payload 200 is out of range; allowed: 96 to 127",
        provider=True,
    ),
    case(
        "property-not-matching-its-pattern",
        prop("trunk_maxDialTimeout", "two minutes"),
        "properties.trunk_maxDialTimeout 'two minutes' does not match the pattern",
        provider=True,
    ),
    case(
        "property-set-by-a-setting",
        prop("trunk_media_codec", ["audio/pcmu"]),
        "trunks[0].properties: these keys have settings of their own: trunk_media_codec (set codecs)",
    ),
    case(
        "property-holding-the-password",
        prop("trunk_sip_authentication_credentials_password", "Typo-Holds-A-Secret-88"),
        "trunks[0].properties",
        "credentials.password (a secret)",
        hidden=("Typo-Holds-A-Secret-88",),
    ),
    # Sites and the metabase
    case("missing-inbound-site", [c(inboundSiteId=None)], "trunks[0]: inboundSiteId is required"),
    case(
        "inbound-site-unknown",
        cloud_with("inboundSiteId", "no-such-site"),
        "trunk 'bad-c'",
        "inboundSiteId 'no-such-site' is not a site of the org; it has: 'Cloud BYOC Site'",
        provider=True,
    ),
    case(
        "media-site-unknown",
        cloud_with("siteId", "no-such-media-site"),
        "siteId 'no-such-media-site' is not a site of the org",
        provider=True,
    ),
    case(
        "metabase-unknown",
        cloud_with("trunkMetabaseId", "external_sip_pcv_byoc_nosuch.json"),
        "trunkMetabaseId 'external_sip_pcv_byoc_nosuch.json' is not a trunk metabase of the org; it offers:",
        "external_sip_pcv_byoc_carrier.json",
        provider=True,
    ),
    case(
        "metabase-not-byoc",
        cloud_with("trunkMetabaseId", "phone_connections_cdm.json"),
        "trunkMetabaseId 'phone_connections_cdm.json' is not a BYOC metabase",
        provider=True,
    ),
    # Carrier and credentials
    case("missing-carrier", [c(carrier=None)], "trunks[0]: carrier.host is required"),
    case("transport-sctp", cloud_with("carrier.transport", "sctp"), "trunks[0].carrier.transport", "'udp', 'tcp'"),
    case("carrier-host-with-port", cloud_with("carrier.host", "sip.example.com:5060"), "trunks[0].carrier.host"),
    case("carrier-port-70000", cloud_with("carrier.port", 70000), "trunks[0].carrier.port", "65535"),
    case(
        "credentials-without-password",
        cloud_without("credentials.password"),
        "trunks[0].credentials.password: required",
    ),
    case(
        "credentials-password-201-chars",
        cloud_with("credentials.password", "Cl0udPw!" * 25 + "x"),
        "trunks[0].credentials.password: String should have at most 200 characters",
        hidden=("Cl0udPw!Cl0udPw!",),
    ),
    case("credentials-realm-empty", cloud_with("credentials.realm", ""), "trunks[0].credentials.realm"),
    # The seed dialect's settings, each refused with what to use instead
    case(
        "seed-edge-group",
        cloud_with("edgeGroupId", "g-1"),
        "trunks[0].edgeGroupId: is a setting of the seed",
        "inboundSiteId",
    ),
    case("seed-sip-profile", cloud_with("sipProfileId", "p-1"), "trunks[0].sipProfileId", "trunkMetabaseId"),
    case(
        "seed-max-sessions",
        cloud_with("maxConcurrentSessions", 100),
        "trunks[0].maxConcurrentSessions",
        "set it under properties by the key your metabase's template lists",
    ),
    case("seed-health-probe", cloud_with("healthProbe", {"enabled": True}), "trunks[0].healthProbe", "OPTIONS"),
    case(
        "seed-registration-type",
        cloud_with("registration", {"type": "STATIC"}),
        "trunks[0].registration",
        "registration.type has no counterpart",
    ),
    case(
        "webhook-block",
        cloud_with("webhook", HOOK),
        "trunks[0].webhook: has no counterpart in the Platform API: there is no per-URL webhook for trunk events",
        "notification channels",
    ),
    case("name-control-char", cloud_with("name", "carrier\u200b-a"), "trunks[0].name: String should match pattern"),
]


def _stack_with_one_valid_trunk(root: Any, valid: dict[str, Any], block: str, **kw: Any) -> Iterator[Any]:
    """An emulator and a stack whose one trunk's password (under ``block``) the CLI has encrypted."""
    with running_emulator(root / "emulator", **FAST_EMULATOR) as emu:
        valid[block]["password"] = PASSWORD
        project = RecordingProject.create(root / "project", emu.url, [valid], **kw)
        doc = yaml.safe_load(project.stack_file.read_text())
        encrypted = doc["config"]["genesys-trunks:trunks"][0][block]["password"]
        assert set(encrypted) == {"secure"}
        yield emu, project, encrypted


@dataclass(frozen=True)
class Preview:
    """What one `pulumi preview` of bad trunks printed and sent."""

    output: str
    returncode: int
    requests: list[dict]


@dataclass(frozen=True)
class CaseView:
    """One case's part of a preview: the lines that name its trunk, and what its expected texts read there."""

    preview: Preview
    lines: str
    index: int
    name: str
    common_name: str

    def says(self, text: str) -> bool:
        return self.placed(text) in self.lines

    def placed(self, text: str) -> str:
        """``text`` as written for a lone trunk at index 0 with the common name, for this case's trunk."""
        return text.replace("trunks[0]", f"trunks[{self.index}]").replace(f"'{self.common_name}'", f"'{self.name}'")


class SharedPreviews:
    """The previews of a dialect's cases, each run once per test process when its first case asks."""

    def __init__(self, stack: Any, cases: list[Any], common_name: str) -> None:
        self.stack = stack
        self.common_name = common_name
        self._cases = {p.id: p.values for p in cases}
        self._runs: dict[str, Preview] = {}
        #: Case id -> (the preview it belongs to, its trunk's index and name there).
        self._place: dict[str, tuple[str, int, str]] = {}
        groups: dict[str, list[str]] = {"schema": []}
        for case_id, (trunks, _expected, _hidden, provider) in self._cases.items():
            if not provider and self._shareable(trunks):
                groups["schema"].append(case_id)
            else:
                self._place[case_id] = (case_id, 0, self.common_name)
        for group, ids in groups.items():
            for index, case_id in enumerate(ids):
                self._place[case_id] = (group, index, f"{common_name}-{index:02d}")
        self._groups = groups

    def _shareable(self, trunks: Any) -> bool:
        return (
            isinstance(trunks, list)
            and len(trunks) == 1
            and isinstance(trunks[0], dict)
            and trunks[0].get("name") == self.common_name
        )

    def view(self, case_id: str) -> CaseView:
        run_key, index, name = self._place[case_id]
        if run_key not in self._runs:
            if run_key in self._groups:
                trunks = [self._renamed(self._cases[c][0][0], self._place[c][2]) for c in self._groups[run_key]]
            else:
                trunks = self._cases[case_id][0]
            self._runs[run_key] = self._preview(trunks)
        preview = self._runs[run_key]
        if run_key not in self._groups:
            return CaseView(preview, preview.output, 0, self.common_name, self.common_name)
        lines = "\n".join(line for line in preview.output.splitlines() if f"trunks[{index}]" in line or name in line)
        return CaseView(preview, lines, index, name, self.common_name)

    def _renamed(self, trunk_config: dict[str, Any], name: str) -> dict[str, Any]:
        """The case's trunk under ``name``, its account too (two trunks may not share one)."""
        renamed = copy.deepcopy(trunk_config, {id(SECRET): SECRET})
        renamed["name"] = name
        for block in ("registration", "credentials"):
            account = renamed.get(block)
            if isinstance(account, dict) and account.get("username") == f"user-{self.common_name}":
                account["username"] = f"user-{name}"
        return renamed

    def _preview(self, trunks: Any) -> Preview:
        emu, project, encrypted = self.stack
        project.write_config({"genesys-trunks:trunks": _with_secret(trunks, encrypted)})
        emu.reset_requests()
        preview = project.preview("--diff", check=False)
        return Preview(preview.stdout + preview.stderr, preview.returncode, emu.requests())


@pytest.fixture(scope="module")
def bad_input_stack(tmp_path_factory) -> Iterator[SharedPreviews]:
    root = tmp_path_factory.mktemp("bad-input")
    for stack in _stack_with_one_valid_trunk(root, trunk("bad-a"), "registration"):
        yield SharedPreviews(stack, CASES, "bad-a")


@pytest.fixture(scope="module")
def cloud_bad_input_stack(tmp_path_factory) -> Iterator[SharedPreviews]:
    root = tmp_path_factory.mktemp("bad-cloud-input")
    for stack in _stack_with_one_valid_trunk(root, cloud_trunk("bad-c"), "credentials", dialect="cloud"):
        yield SharedPreviews(stack, CLOUD_CASES, "bad-c")


def _with_secret(value: Any, encrypted: Any) -> Any:
    if value is SECRET:
        return copy.deepcopy(encrypted)
    if isinstance(value, dict):
        return {k: _with_secret(v, encrypted) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_secret(v, encrypted) for v in value]
    return value


@pytest.mark.parametrize(("trunks", "expected", "hidden", "provider"), CASES)
def test_bad_config_fails_preview_naming_its_path(bad_input_stack, request, trunks, expected, hidden, provider):
    preview_fails(bad_input_stack.view(request.node.callspec.id), expected, hidden, provider)


@pytest.mark.parametrize(("trunks", "expected", "hidden", "provider"), CLOUD_CASES)
def test_bad_cloud_config_fails_preview_naming_its_path(
    cloud_bad_input_stack, request, trunks, expected, hidden, provider
):
    preview_fails(cloud_bad_input_stack.view(request.node.callspec.id), expected, hidden, provider)


def preview_fails(case: CaseView, expected: tuple[str, ...], hidden: tuple[str, ...], provider: bool) -> None:
    output = case.preview.output
    REPORT["bad inputs tried"] += 1
    assert case.preview.returncode != 0, output
    for text in expected:
        assert case.says(text), f"{case.placed(text)!r} not in the preview's lines for trunk {case.name!r}:\n{output}"
    for secret in (PASSWORD, *hidden):
        assert secret not in output, f"{secret!r} echoed in:\n{output}"
    requests = case.preview.requests
    assert writes(requests) == [], requests
    if not provider:
        assert api_calls(requests) == [], "a config error must stop before any API call"
    assert "Traceback" not in output, output
    REPORT["bad inputs rejected at preview with their path"] += 1
