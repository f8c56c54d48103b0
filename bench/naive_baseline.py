"""The naive baseline: the seed's imperative ``ProvisionTrunk``, one trunk after another, in plain httpx.

Per trunk, as the seed does it: a fresh token, the SIP profile read (to check the codecs), POST the edge,
POST its status webhook, a fixed sleep (2 s) for registration to happen, then the audit query. No
retries, no pacing, no token reuse: what the program is measured against. ``deprovision`` is the
cleanup counterpart (a fresh token, DELETE the webhook, DELETE the edge, per trunk).

It deliberately imports nothing from ``providers/``. Run it alone with
``python -m bench.naive_baseline --url http://127.0.0.1:8787 --trunks 3``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from typing import Any

import httpx

EDGES = "/api/v2/telephony/providers/edges"
SIP_PROFILES = "/api/v2/telephony/providers/sipprofiles"
WEBHOOKS = "/api/v2/webhooks"
EVENTS_QUERY = "/api/v2/analytics/events/query"
STATUS_EVENTS = [
    "telephony:edge:status:changed",
    "telephony:edge:registration:success",
    "telephony:edge:registration:failure",
]
AUDIT_EVENTS = ["audit:edge:created", "telephony:edge:registration:success", "telephony:edge:registration:failure"]
SEED_SLEEP_SECONDS = 2.0


class BaselineError(RuntimeError):
    """A call of the baseline failed (it does not retry: that is the point)."""


@dataclass
class Provisioned:
    name: str
    edge_id: str
    webhook_id: str | None
    registration_status: str | None


def _check(reply: httpx.Response, what: str) -> dict[str, Any]:
    if reply.status_code >= 400:
        raise BaselineError(f"{what}: HTTP {reply.status_code} {reply.text[:300]}")
    return reply.json() if reply.content else {}


def fetch_token(http: httpx.Client, client_id: str, client_secret: str) -> str:
    """Seed style: credentials as form fields."""
    reply = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
    )
    return _check(reply, "token")["access_token"]


def provision_trunk(
    http: httpx.Client, trunk: dict[str, Any], client_id: str, client_secret: str, sleep: float
) -> Provisioned:
    """The seed's ProvisionTrunk for one trunk."""
    auth = {"Authorization": f"Bearer {fetch_token(http, client_id, client_secret)}"}
    profile = _check(http.get(f"{SIP_PROFILES}/{trunk['sipProfileId']}", headers=auth), "SIP profile")
    unsupported = [c for c in trunk["codecs"] if c not in profile.get("codecs", [])]
    if unsupported:
        raise BaselineError(f"trunk {trunk['name']}: codecs {unsupported} not in profile {profile.get('name')}")
    registration = {"type": "REGISTER", "port": 5060, **trunk["registration"]}
    edge = _check(
        http.post(
            EDGES,
            headers=auth,
            json={
                "name": trunk["name"],
                "edgeGroupId": trunk["edgeGroupId"],
                "sipProfileId": trunk["sipProfileId"],
                "maxConcurrentSessions": trunk.get("maxConcurrentSessions", 100),
                "codecs": trunk["codecs"],
                "registration": registration,
            },
        ),
        "create edge",
    )
    webhook_id = None
    if trunk.get("webhook"):
        webhook = _check(
            http.post(
                WEBHOOKS,
                headers=auth,
                json={
                    "name": f"{trunk['name']} status",
                    "apiVersion": "v2",
                    "eventType": STATUS_EVENTS,
                    "filterCriteria": f"resourceIds:[{edge['id']}]",
                    "targetUri": trunk["webhook"]["targetUri"],
                    "enabled": True,
                },
            ),
            "create webhook",
        )
        webhook_id = webhook["id"]
    time.sleep(sleep)  # the seed waits a fixed time for registration instead of polling
    events = _check(
        http.post(
            EVENTS_QUERY,
            headers=auth,
            json={
                "type": "events",
                "filter": f"resourceIds:[{edge['id']}] AND eventTypes:[{','.join(AUDIT_EVENTS)}]",
            },
        ),
        "audit query",
    ).get("events", [])
    outcomes = [e for e in events if e.get("eventType", "").startswith("telephony:edge:registration:")]
    status = None
    if outcomes:
        status = "registered" if outcomes[-1]["eventType"].endswith("success") else "failed"
    return Provisioned(trunk["name"], edge["id"], webhook_id, status)


def provision(
    base_url: str,
    trunks: list[dict[str, Any]],
    client_id: str,
    client_secret: str,
    sleep: float = SEED_SLEEP_SECONDS,
) -> list[Provisioned]:
    """Every trunk, sequentially, as the seed's loop does."""
    done: list[Provisioned] = []
    with httpx.Client(base_url=base_url, timeout=30.0, trust_env=False) as http:
        for trunk in trunks:
            done.append(provision_trunk(http, trunk, client_id, client_secret, sleep))
    return done


def deprovision(base_url: str, provisioned: list[Provisioned], client_id: str, client_secret: str) -> None:
    """The delete counterpart: per trunk a fresh token, DELETE webhook, DELETE edge (404 counts as gone)."""
    with httpx.Client(base_url=base_url, timeout=30.0, trust_env=False) as http:
        for item in provisioned:
            auth = {"Authorization": f"Bearer {fetch_token(http, client_id, client_secret)}"}
            if item.webhook_id:
                reply = http.delete(f"{WEBHOOKS}/{item.webhook_id}", headers=auth)
                if reply.status_code not in (204, 404):
                    _check(reply, "delete webhook")
            reply = http.delete(f"{EDGES}/{item.edge_id}", headers=auth)
            if reply.status_code not in (204, 404):
                _check(reply, "delete edge")


def _demo_trunks(count: int, prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "name": f"{prefix}{i}",
            "edgeGroupId": "3f1d2c4b-5a69-4e7f-8a1b-0c2d3e4f5a01",
            "sipProfileId": "9b8a7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c01",
            "maxConcurrentSessions": 100,
            "codecs": ["G711u", "G729"],
            "registration": {
                "host": "sip.carrier.example.com",
                "username": f"user-{prefix}{i}",
                "password": f"pw-{prefix}{i}-s3cret",
            },
            "webhook": {"targetUri": "http://127.0.0.1:9/hook"},
        }
        for i in range(count)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.naive_baseline", description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8787")
    ap.add_argument("--trunks", type=int, default=1)
    ap.add_argument("--prefix", default="naive-")
    ap.add_argument("--client-id", default="genesys-trunks-dev")
    ap.add_argument("--client-secret", default="dev-only-secret")
    ap.add_argument("--sleep", type=float, default=SEED_SLEEP_SECONDS)
    ap.add_argument("--keep", action="store_true", help="do not delete what was created")
    args = ap.parse_args(argv)
    started = time.monotonic()
    done = provision(args.url, _demo_trunks(args.trunks, args.prefix), args.client_id, args.client_secret, args.sleep)
    created = time.monotonic() - started
    if not args.keep:
        deprovision(args.url, done, args.client_id, args.client_secret)
    print(json.dumps({"created": [d.__dict__ for d in done], "create_seconds": round(created, 3)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
