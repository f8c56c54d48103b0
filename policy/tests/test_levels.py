"""The pack's levels per stack and config, and the stack the engine names reaching the pack over gRPC."""

from __future__ import annotations

import os
import unittest
from concurrent import futures
from typing import Any

import grpc
from genesys_policy import stack
from genesys_policy.levels import PackConfigError, effective
from genesys_policy.rules import RULE_IDS
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc


def levels(stack_name: str, config: dict[str, Any] | None = None) -> dict[str, str]:
    return {r["id"]: r["level"] for r in effective(stack_name, config or {})}


class Levels(unittest.TestCase):
    def test_defaults_depend_on_the_stack_only_for_the_tls_rule(self) -> None:
        dev, prod = levels("dev"), levels("prod-eu")
        self.assertEqual(dev["digest-credentials-over-tls"], "advisory")
        self.assertEqual(prod["digest-credentials-over-tls"], "mandatory")
        self.assertEqual(
            {k: v for k, v in dev.items() if k != "digest-credentials-over-tls"},
            {k: v for k, v in prod.items() if k != "digest-credentials-over-tls"},
        )
        self.assertEqual(dev["trunk-accepts-only-its-carrier"], "mandatory")
        self.assertEqual(dev["emergency-route-kept"], "mandatory")
        self.assertEqual(dev["unique-termination-and-account"], "advisory")
        self.assertEqual(set(dev), RULE_IDS)

    def test_the_pack_config_sets_levels_and_settings(self) -> None:
        config = {
            "all": "advisory",
            "digest-credentials-over-tls": "disabled",
            "session-limit-within-bound": {"enforcementLevel": "mandatory", "max": 300},
        }
        rules = {r["id"]: r for r in effective("prod", config)}
        self.assertEqual(rules["trunk-accepts-only-its-carrier"]["level"], "advisory")
        self.assertEqual(rules["digest-credentials-over-tls"]["level"], "disabled")
        self.assertEqual(rules["session-limit-within-bound"]["level"], "mandatory")
        self.assertEqual(rules["session-limit-within-bound"]["settings"], {"max": 300})
        self.assertEqual(effective("dev", {})[4]["settings"], {"max": 1000})

    def test_a_config_naming_what_the_pack_lacks_is_refused(self) -> None:
        with self.assertRaisesRegex(
            PackConfigError, "'digest-credentials-over-tsl': not a rule of the pack; its rules are"
        ):
            effective("dev", {"digest-credentials-over-tsl": "mandatory"})
        with self.assertRaisesRegex(PackConfigError, "'strict' is not an enforcement level"):
            effective("dev", {"emergency-route-kept": "strict"})
        with self.assertRaisesRegex(PackConfigError, "no setting maximum"):
            effective("dev", {"session-limit-within-bound": {"maximum": 3}})


class Analyzer(analyzer_pb2_grpc.AnalyzerServicer):
    """Answers the two calls the watch looks at, as the policy SDK's server would."""

    def ConfigureStack(self, request, context):  # noqa: N802
        return analyzer_pb2.AnalyzerStackConfigureResponse()

    def Configure(self, request, context):  # noqa: N802
        return empty_pb2.Empty()


class StackWatch(unittest.TestCase):
    def setUp(self) -> None:
        self.saved = {k: os.environ.get(k) for k in ("PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_DRY_RUN")}
        self.told: list[str] = []
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=2),
            interceptors=[stack.StackWatch(RULE_IDS, self.told.append, "genesys-trunks")],
        )
        analyzer_pb2_grpc.add_AnalyzerServicer_to_server(Analyzer(), self.server)
        port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def tearDown(self) -> None:
        self.channel.close()
        self.server.stop(0)
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def test_the_stack_the_engine_names_is_recorded_before_the_sdk_answers(self) -> None:
        self.stub.ConfigureStack(
            analyzer_pb2.AnalyzerStackConfigureRequest(stack="prod-eu", project="genesys-trunks", dry_run=True)
        )
        self.assertEqual(self.told, ["prod-eu"])
        self.assertEqual(stack.current(), "prod-eu")
        self.assertEqual((os.environ["PULUMI_PROJECT"], os.environ["PULUMI_DRY_RUN"]), ("genesys-trunks", "true"))

    def test_a_config_for_a_rule_the_pack_lacks_is_refused_with_the_rules(self) -> None:
        known = analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={"all": analyzer_pb2.PolicyConfig(), "emergency-route-kept": analyzer_pb2.PolicyConfig()}
        )
        self.stub.Configure(known)
        with self.assertRaises(grpc.RpcError) as refused:
            self.stub.Configure(
                analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"emergency-route": analyzer_pb2.PolicyConfig()})
            )
        self.assertEqual(refused.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        details = refused.exception.details() or ""
        self.assertIn("names 'emergency-route', which is not a rule of the genesys-trunks pack", details)
        self.assertIn("emergency-route-kept", details)


if __name__ == "__main__":
    unittest.main()
