"""Each rule of the pack on properties shaped as the engine sends them, through the policy SDK's own classes.

Run in the pack's virtualenv: `policy/.venv/bin/python -m unittest discover -s policy/tests -t policy`
(tests/unit/test_policy_pack.py does, so `make test` covers them).
"""

from __future__ import annotations

import unittest
from typing import Any

from genesys_policy.resources import EDGE, OUTBOUND_ROUTE, TRUNK_BASE, WEBHOOK
from genesys_policy.testing import UNKNOWN, check_resource, check_stack, urn


def cloud_trunk(name: str, **over: Any) -> dict[str, Any]:
    """A TrunkBase's inputs as its check returns them (defaults filled in), credentials over TLS."""
    props: dict[str, Any] = {
        "name": name,
        "trunkMetabaseId": "external_sip_pcv_byoc_carrier.json",
        "codecs": ["G711u"],
        "properties": {},
        "inboundSiteId": "site-1",
        "carrier": {"host": "sip.carrier.example.com", "port": 5061, "transport": "tls"},
        "credentials": {"username": f"user-{name}", "realm": None},
        "credentialsPassword": "[secret]",
        "adopt": False,
    }
    props.update(over)
    return props


def edge(name: str, **over: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": name,
        "edgeGroupId": "group-1",
        "sipProfileId": "profile-1",
        "maxConcurrentSessions": 100,
        "codecs": ["G711u"],
        "registration": {"type": "REGISTER", "host": "sip.carrier.example.com", "port": 5060, "username": name},
        "registrationPassword": "[secret]",
        "adopt": False,
    }
    props.update(over)
    return props


def route(name: str, site: str, types: list[str], *, enabled: bool = True, adopt: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "siteId": site,
        "classificationTypes": types,
        "trunkBaseIds": ["tb-1"],
        "distribution": "SEQUENTIAL",
        "enabled": enabled,
        "description": None,
        "adopt": adopt,
    }


class CarrierOnly(unittest.TestCase):
    RULE = "trunk-accepts-only-its-carrier"

    def check(self, props: dict[str, Any], **kw: Any):
        return check_resource(self.RULE, TRUNK_BASE, props, **kw)

    def test_credentials_or_an_allow_list_or_both_pass(self) -> None:
        acl = {"trunk_access_acl_allowList": ["203.0.113.0/24"]}
        for props in (
            cloud_trunk("creds"),
            cloud_trunk("acl", credentials=None, properties=acl),
            cloud_trunk("both", properties=acl),
        ):
            outcome = self.check(props)
            self.assertEqual(outcome.violations, [], props["name"])
            self.assertIsNone(outcome.undecided)

    def test_neither_is_a_mandatory_violation_naming_the_trunk_and_the_remediation(self) -> None:
        for stack in ("dev", "prod"):
            outcome = self.check(cloud_trunk("open", credentials=None), stack=stack)
            self.assertEqual(outcome.level, "mandatory")
            [message] = outcome.messages
            self.assertIn("trunk 'open' accepts calls from anyone", message)
            self.assertIn("Remediation: set `credentials` on the trunk", message)
            self.assertIn("trunk_access_acl_allowList", message)

    def test_an_allow_list_that_lets_everyone_in_or_is_empty_restricts_nothing(self) -> None:
        for allow in (["0.0.0.0/0"], ["::/0", "0.0.0.0/0"], []):
            props = cloud_trunk("wide", credentials=None, properties={"trunk_access_acl_allowList": allow})
            self.assertEqual(len(self.check(props).violations), 1, allow)
        opened = self.check(
            cloud_trunk("w", credentials=None, properties={"trunk_access_acl_allowList": ["0.0.0.0/0"]})
        )
        self.assertIn("lets every address in", opened.messages[0])

    def test_an_unknown_username_or_allow_list_waits_for_its_value(self) -> None:
        no_acl = self.check(cloud_trunk("u", credentials={"username": UNKNOWN}))
        self.assertEqual(no_acl.violations, [])
        self.assertIn(".credentials.username can't be known during preview", no_acl.undecided or "")
        unknown_acl = self.check(cloud_trunk("a", credentials=None, properties={"trunk_access_acl_allowList": UNKNOWN}))
        self.assertIn("trunk_access_acl_allowList can't be known", unknown_acl.undecided or "")
        # Decided without the unknown value: the allow-list restricts already.
        decided = self.check(
            cloud_trunk("d", credentials={"username": UNKNOWN}, properties={"trunk_access_acl_allowList": ["10.0.0.1"]})
        )
        self.assertEqual((decided.violations, decided.undecided), ([], None))

    def test_other_resource_types_are_not_judged(self) -> None:
        outcome = check_resource(self.RULE, EDGE, edge("e"))
        self.assertEqual(outcome.violations, [])


class CredentialsOverTls(unittest.TestCase):
    RULE = "digest-credentials-over-tls"

    def check(self, props: dict[str, Any], stack: str = "dev"):
        return check_resource(self.RULE, TRUNK_BASE, props, stack=stack)

    def test_credentials_over_udp_or_tcp_are_advisory_on_dev_and_mandatory_on_prod_stacks(self) -> None:
        for transport in ("udp", "tcp"):
            props = cloud_trunk("clear", carrier={"host": "h", "transport": transport})
            for stack, level in (
                ("dev", "advisory"),
                ("staging", "advisory"),
                ("prod", "mandatory"),
                ("Prod-eu", "mandatory"),
            ):
                outcome = self.check(props, stack)
                self.assertEqual(outcome.level, level, stack)
                [message] = outcome.messages
                self.assertIn(
                    f"trunk 'clear' sends its digest credentials (username 'user-clear') over {transport}", message
                )
                self.assertIn("Remediation: set `carrier.transport: tls`", message)

    def test_a_transport_left_out_is_udp(self) -> None:
        outcome = self.check(cloud_trunk("default", carrier={"host": "h"}))
        self.assertIn("over udp", outcome.messages[0])

    def test_tls_or_no_credentials_pass(self) -> None:
        self.assertEqual(self.check(cloud_trunk("tls")).violations, [])
        self.assertEqual(self.check(cloud_trunk("TLS", carrier={"host": "h", "transport": "TLS"})).violations, [])
        no_creds = cloud_trunk("acl", credentials=None, carrier={"host": "h", "transport": "udp"})
        self.assertEqual(self.check(no_creds, "prod").violations, [])

    def test_an_unknown_transport_waits_for_its_value(self) -> None:
        outcome = self.check(cloud_trunk("u", carrier={"host": "h", "transport": UNKNOWN}), "prod")
        self.assertEqual(outcome.violations, [])
        self.assertIn(".carrier.transport can't be known during preview", outcome.undecided or "")


class EmergencyKept(unittest.TestCase):
    RULE = "emergency-route-kept"

    def check(self, *routes: dict[str, Any]):
        return check_stack(self.RULE, [(OUTBOUND_ROUTE, r) for r in routes])

    def test_an_adopted_route_that_keeps_emergency_passes(self) -> None:
        outcome = self.check(route("Default Outbound Route", "s1", ["National", "Emergency"], adopt=True))
        self.assertEqual(outcome.violations, [])
        self.assertEqual(outcome.level, "mandatory")

    def test_another_enabled_route_of_the_site_may_carry_emergency(self) -> None:
        outcome = self.check(
            route("Default Outbound Route", "s1", ["National"], adopt=True),
            route("emergency", "s1", ["emergency"]),
        )
        self.assertEqual(outcome.violations, [])

    def test_taking_over_a_site_route_without_emergency_on_an_enabled_route_fails_on_that_site(self) -> None:
        outcome = self.check(
            route("Default Outbound Route", "s1", ["National"], adopt=True),
            route("disabled emergency", "s1", ["Emergency"], enabled=False),
            route("elsewhere", "s2", ["Emergency"]),
            route("other site", "s3", ["National"]),
        )
        [(message, at)] = outcome.violations
        self.assertEqual(at, urn(OUTBOUND_ROUTE, "Default Outbound Route"))
        self.assertIn("site s1: the stack takes over its route(s) 'Default Outbound Route' (adopt: true)", message)
        self.assertIn("none of its 2 route(s) of that site is enabled with Emergency", message)
        self.assertIn("Remediation: add Emergency to the classificationTypes of an enabled route", message)

    def test_a_site_whose_route_the_stack_does_not_take_over_keeps_the_orgs_default(self) -> None:
        self.assertEqual(self.check(route("national", "s1", ["National"])).violations, [])

    def test_unknown_values_are_passed_over_until_known(self) -> None:
        unknown_enabled = route("Default Outbound Route", "s1", ["National"], adopt=True)
        unknown_enabled["enabled"] = UNKNOWN
        emergency_unknown = route("e", "s1", [UNKNOWN])
        self.assertEqual(self.check(unknown_enabled).violations, [])
        self.assertEqual(self.check(route("D", "s1", ["National"], adopt=True), emergency_unknown).violations, [])
        unknown_site = route("D", UNKNOWN, ["National"], adopt=True)
        self.assertEqual(self.check(unknown_site).violations, [])


class DistinctTrunks(unittest.TestCase):
    RULE = "unique-termination-and-account"

    def test_a_shared_termination_identifier_is_an_advisory_violation_on_the_second_trunk(self) -> None:
        a = cloud_trunk("a", properties={"trunk_sip_termination_uri": "acme-1"})
        b = cloud_trunk("b", properties={"trunk_sip_termination_uri": "ACME-1"})
        c = cloud_trunk("c", properties={"trunk_sip_termination_uri": "acme-2"})
        outcome = check_stack(self.RULE, [(TRUNK_BASE, b), (TRUNK_BASE, c), (TRUNK_BASE, a)])
        self.assertEqual(outcome.level, "advisory")
        [(message, at)] = outcome.violations
        self.assertEqual(at, urn(TRUNK_BASE, "b"))
        self.assertIn("trunk 'b' has the inbound SIP termination identifier 'ACME-1'", message)
        self.assertIn("of trunk 'a'", message)

    def test_a_shared_carrier_account_is_the_same_host_and_username(self) -> None:
        shared = {"username": "acme"}
        trunks = [
            cloud_trunk("a", credentials=shared),
            cloud_trunk("b", credentials=shared, carrier={"host": "SIP.carrier.example.com", "transport": "tls"}),
            cloud_trunk("c", credentials=shared, carrier={"host": "other.example.com", "transport": "tls"}),
            cloud_trunk("d", credentials={"username": "acme-2"}),
        ]
        [(message, at)] = check_stack(self.RULE, [(TRUNK_BASE, t) for t in trunks]).violations
        self.assertEqual(at, urn(TRUNK_BASE, "b"))
        self.assertIn(
            "trunk 'b' uses the carrier account of trunk 'a' (host sip.carrier.example.com, username 'acme')", message
        )

    def test_seed_edges_registering_with_one_account(self) -> None:
        one = {"type": "REGISTER", "host": "sip.x.example.com", "port": 5060, "username": "shared"}
        outcome = check_stack(self.RULE, [(EDGE, edge("e1", registration=one)), (EDGE, edge("e2", registration=one))])
        self.assertEqual(len(outcome.violations), 1)
        self.assertIn("trunk 'e2' uses the carrier account of trunk 'e1'", outcome.messages[0])

    def test_distinct_or_unknown_values_pass(self) -> None:
        unknown_host = cloud_trunk("u", credentials={"username": "user-a"}, carrier={"host": UNKNOWN})
        outcome = check_stack(self.RULE, [(TRUNK_BASE, cloud_trunk("a")), (TRUNK_BASE, unknown_host)])
        self.assertEqual(outcome.violations, [])


class SessionsBounded(unittest.TestCase):
    RULE = "session-limit-within-bound"

    def test_above_the_default_bound_is_advisory(self) -> None:
        outcome = check_resource(self.RULE, EDGE, edge("big", maxConcurrentSessions=1500))
        self.assertEqual(outcome.level, "advisory")
        [message] = outcome.messages
        self.assertIn(
            "trunk 'big' allows 1500 concurrent sessions (maxConcurrentSessions), above this stack's bound of 1000",
            message,
        )
        self.assertEqual(check_resource(self.RULE, EDGE, edge("ok", maxConcurrentSessions=1000)).violations, [])

    def test_the_stack_sets_the_bound_in_the_pack_config(self) -> None:
        outcome = check_resource(self.RULE, EDGE, edge("mid", maxConcurrentSessions=800), config={"max": 500})
        self.assertIn("above this stack's bound of 500", outcome.messages[0])

    def test_an_unknown_limit_waits_and_cloud_trunks_are_not_judged(self) -> None:
        unknown = check_resource(self.RULE, EDGE, edge("u", maxConcurrentSessions=UNKNOWN))
        self.assertIn(".maxConcurrentSessions can't be known", unknown.undecided or "")
        self.assertEqual(check_resource(self.RULE, TRUNK_BASE, cloud_trunk("t")).violations, [])


class WebhookHttps(unittest.TestCase):
    RULE = "webhook-target-https"

    def check(self, target: Any):
        return check_resource(self.RULE, WEBHOOK, {"name": "a status", "targetUri": target, "eventTypes": []})

    def test_https_and_http_to_a_loopback_receiver_pass(self) -> None:
        for target in (
            "https://hooks.example.com/x",
            "http://127.0.0.1:9000/in",
            "http://localhost/in",
            "http://[::1]:80/",
        ):
            self.assertEqual(self.check(target).violations, [], target)

    def test_plain_http_across_the_network_is_advisory_and_keeps_the_path_out_of_the_message(self) -> None:
        outcome = self.check("http://hooks.example.com/in?token=s3cret")
        self.assertEqual(outcome.level, "advisory")
        [message] = outcome.messages
        self.assertIn("webhook 'a status' delivers trunk events to http://hooks.example.com without TLS", message)
        self.assertNotIn("s3cret", message)
        self.assertEqual(len(self.check("ftp://files.example.com/").violations), 1)

    def test_an_unknown_target_waits_for_its_value(self) -> None:
        self.assertIn(".targetUri can't be known", self.check(UNKNOWN).undecided or "")


if __name__ == "__main__":
    unittest.main()
