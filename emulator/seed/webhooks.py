"""Webhook subscriptions: CRUD with the same version rules as edges, each change audited."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..documents import new_doc
from ..errors import bad_request, not_found, version_mismatch
from ..paging import Page
from ..store import Store, Tx
from ..timeutil import now_iso
from .events import EventLog
from .validation import WebhookInput, validate_webhook

WEBHOOKS_PATH = "/api/v2/webhooks"


def _config_doc(hook: WebhookInput) -> dict[str, Any]:
    return {
        "name": hook.name,
        "description": hook.description,
        "apiVersion": hook.api_version,
        "eventType": list(hook.event_types),
        "filterCriteria": hook.filter_criteria,
        "targetUri": hook.target_uri,
        "headers": dict(hook.headers),
        "enabled": hook.enabled,
    }


class WebhookService:
    def __init__(self, store: Store, events: EventLog) -> None:
        self._store = store
        self._events = events

    def get(self, webhook_id: str) -> dict[str, Any]:
        with self._store.reading() as tx:
            return json.loads(self._load(tx, webhook_id)["doc"])

    def list(self, page: Page, *, name: str | None = None) -> dict[str, Any]:
        where = "state = 'active'"
        params: tuple[str, ...] = ()
        if name:
            where, params = where + " AND name_lower = ?", (name.lower(),)
        return self._store.page_of_docs("webhooks", where, params, page)

    def create(self, body: Any, client_id: str | None) -> dict[str, Any]:
        hook, _, errors = validate_webhook(body, update=False)
        if errors:
            raise bad_request(errors)
        assert hook is not None
        now = now_iso()
        hook_id = str(uuid.uuid4())
        doc = new_doc(hook_id, WEBHOOKS_PATH, now, _config_doc(hook))
        with self._store.transaction() as tx:
            tx.execute(
                "INSERT INTO webhooks (id, state, name_lower, doc) VALUES (?, 'active', ?, ?)",
                (hook_id, hook.name.lower(), json.dumps(doc)),
            )
            changed = sorted(k for k, v in _config_doc(hook).items() if v not in (None, "", {}))
            self._events.audit(tx, "webhook", "created", doc, client_id, changed)
        return doc

    def update(self, webhook_id: str, body: Any, client_id: str | None) -> dict[str, Any]:
        hook, version, errors = validate_webhook(body, update=True)
        with self._store.transaction() as tx:
            old = json.loads(self._load(tx, webhook_id)["doc"])
            if errors:
                raise bad_request(errors)
            assert hook is not None
            if version != old["version"]:
                raise version_mismatch()
            config = _config_doc(hook)
            changed = sorted(k for k, v in config.items() if old.get(k) != v)
            doc = {**old, **config, "version": old["version"] + 1, "dateModified": now_iso()}
            tx.execute(
                "UPDATE webhooks SET name_lower = ?, doc = ? WHERE id = ?",
                (hook.name.lower(), json.dumps(doc), webhook_id),
            )
            self._events.audit(tx, "webhook", "updated", doc, client_id, changed)
        return doc

    def delete(self, webhook_id: str, client_id: str | None) -> None:
        with self._store.transaction() as tx:
            doc = json.loads(self._load(tx, webhook_id)["doc"])
            doc.update(state="deleted", dateModified=now_iso())
            tx.execute("UPDATE webhooks SET state = 'deleted', doc = ? WHERE id = ?", (json.dumps(doc), webhook_id))
            self._events.audit(tx, "webhook", "deleted", doc, client_id, [])

    @staticmethod
    def _load(tx: Tx, webhook_id: str) -> Any:
        row = tx.one("SELECT doc FROM webhooks WHERE id = ? AND state = 'active'", (webhook_id,))
        if row is None:
            raise not_found("Webhook", webhook_id)
        return row
