"""What the doctor checks of the stack's status webhooks: the calls the program makes for them (read once
here, so their grant is judged by the org's answer)."""

from __future__ import annotations

from typing import Any

from inspection.check import Run
from inspection.findings import Finding
from inspection.permissions import Need

from . import api
from .api import Webhook, WebhookApi

WEBHOOK_WRITE = "scope webhook:write"


class WebhookCheck:
    queries: frozenset[str] = frozenset()

    def check(self, run: Run) -> list[Finding]:
        webhooks = run.reads.all(api.list_webhooks(1, 1), WebhookApi(run.client).list)
        if webhooks.ok and webhooks.value:
            run.reads.get(api.get_webhook(webhooks.value[0].id), Webhook.model_validate)
        return []

    def needs(self, run: Run) -> list[Need]:
        trunks = run.entries.get("trunks")
        unneeded = None
        if trunks is not None and not any(t.webhook for t in trunks):
            unneeded = "no trunk sets webhook"
        hook, hooks = api.get_webhook("-").template, api.list_webhooks(1, 1).template
        return [
            Need("POST", hooks, WEBHOOK_WRITE, ("up",), unneeded),
            Need("GET", hooks, WEBHOOK_WRITE, ("up",), unneeded),
            Need("GET", hook, WEBHOOK_WRITE, ("up", "refresh"), unneeded),
            Need("PUT", hook, WEBHOOK_WRITE, ("up",), unneeded),
            Need("DELETE", hook, WEBHOOK_WRITE, ("up", "destroy"), unneeded),
        ]

    def catalogue(self, run: Run) -> dict[str, Any]:
        return {}


CHECK = WebhookCheck()
