"""Registration roll-up from trunk instances: per instance and for the base."""

from __future__ import annotations

from entities.trunk_base_registration.models import Trunk
from entities.trunk_base_registration.status import InstanceStatus, TrunkBaseStatus, instance_status, roll_up
from tests.unit.cloud_fixtures import trunk

OK_REGISTER = {"proxyAddress": "sip.carrier.example:5060", "registerState": True}
OK_OPTIONS = {"proxyAddress": "sip.carrier.example:5060", "optionState": True}
REFUSED = {
    "proxyAddress": "sip.carrier.example:5060",
    "registerState": False,
    "errorInfo": {"text": "401 Unauthorized: digest credentials rejected", "code": "sip.401"},
}


def t(**kw) -> Trunk:
    return Trunk.model_validate(trunk(**kw))


def reason(status: InstanceStatus | TrunkBaseStatus) -> str:
    """The status's reason: every status short of registered says why."""
    assert status.reason is not None, status
    return status.reason


def test_connected_in_service_with_passing_checks_is_registered():
    status = instance_status(t(registers=[OK_REGISTER], options=[OK_OPTIONS]))
    assert (status.status, status.reason, status.trunk_id) == ("registered", None, "t1")
    assert status.changed_at is not None


def test_connected_without_checks_is_registered():
    assert instance_status(t()).status == "registered"


def test_a_check_with_an_error_is_failed_with_its_text():
    status = instance_status(t(registers=[REFUSED]))
    assert status.status == "failed"
    assert "401 Unauthorized: digest credentials rejected" in reason(status)
    assert "sip.carrier.example:5060" in reason(status)


def test_an_options_failure_is_failed():
    failing = {"proxyAddress": "x.invalid", "optionState": False, "errorInfo": {"text": "no route to host"}}
    assert instance_status(t(options=[failing])).status == "failed"


def test_an_ip_error_is_failed():
    status = instance_status(t(ipStatus={"address": "10.0.0.1", "errorInfo": {"text": "address in use"}}))
    assert status.status == "failed" and "address in use" in reason(status)


def test_not_connected_or_pending_checks_is_registering():
    assert instance_status(t(connected=False)).status == "registering"
    pending = instance_status(t(registers=[{"proxyAddress": "sip.carrier.example", "registerState": False}]))
    assert pending.status == "registering" and "REGISTER to sip.carrier.example" in reason(pending)
    assert instance_status(t(in_service=False)).status == "registering"


def test_disabled_checks_do_not_count():
    doc = trunk(registers=[REFUSED])
    doc["registersEnabledStatus"] = "DISABLED"
    assert instance_status(Trunk.model_validate(doc)).status == "registered"


def test_an_instance_reporting_nothing_is_unknown():
    assert instance_status(t(connected=None, in_service=None)).status == "unknown"


def test_no_instance_rolls_up_to_unknown():
    status = roll_up([])
    assert status.status == "unknown" and "no trunk instance" in reason(status) and status.trunk_ids == []


def test_roll_up_all_registered():
    status = roll_up([t(trunk_id="a"), t(trunk_id="b")])
    assert status.status == "registered" and status.trunk_ids == ["a", "b"]


def test_roll_up_one_failed_is_failed_naming_the_instance():
    status = roll_up([t(trunk_id="a"), t(trunk_id="b", registers=[REFUSED])])
    assert status.status == "failed"
    assert reason(status).startswith("Carrier-A b:") and "digest credentials rejected" in reason(status)
    assert [i.status for i in status.instances] == ["registered", "failed"]


def test_roll_up_one_still_registering_is_registering():
    assert roll_up([t(trunk_id="a"), t(trunk_id="b", connected=False)]).status == "registering"


def test_roll_up_registered_and_silent_is_unknown():
    assert roll_up([t(trunk_id="a"), t(trunk_id="b", connected=None, in_service=None)]).status == "unknown"


def test_deleted_instances_are_ignored():
    status = roll_up([t(trunk_id="a"), t(trunk_id="old", state="deleted", registers=[REFUSED])])
    assert status.status == "registered" and status.trunk_ids == ["a"]


def test_a_disabled_instance_is_unknown_not_waited_for():
    status = instance_status(t(connected=True, in_service=False, enabled=False))
    assert status.status == "unknown" and "disabled" in reason(status)
