"""A webhook's calls on the seed API, and what the API returns of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field, field_validator

from genesys_api import Call, Collection, Entity, GenesysClient, Page, Refreshed

from .settings import WebhookSpec

WEBHOOKS = "/api/v2/webhooks"
MAX_PAGE_SIZE = 500


class Webhook(Entity, Refreshed):
    name: str
    description: str | None = None
    api_version: str | None = None
    event_type: list[str] = Field(default_factory=list)
    filter_criteria: str = ""
    target_uri: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    enabled: bool | None = None

    @field_validator("filter_criteria", mode="before")
    @classmethod
    def _no_filter(cls, value: Any) -> Any:
        return "" if value is None else value


CALLS = Collection(WEBHOOKS)


def get_webhook(webhook_id: str) -> Call:
    return CALLS.get(webhook_id)


def list_webhooks(page_number: int, page_size: int) -> Call:
    return CALLS.list(page_number, page_size)


def create_webhook(spec: WebhookSpec) -> Call:
    return CALLS.create(webhook_body(spec))


def update_webhook(webhook_id: str, spec: WebhookSpec, version: int) -> Call:
    return CALLS.update(webhook_id, webhook_body(spec), version)


def delete_webhook(webhook_id: str) -> Call:
    return CALLS.delete(webhook_id)


def webhook_body(spec: WebhookSpec) -> dict[str, Any]:
    """The settings by their camelCase names, but for the one the seed calls ``eventType``."""
    body = spec.model_dump(by_alias=True, exclude_none=True)
    body["eventType"] = body.pop("eventTypes")
    return {**body, "apiVersion": "v2"}


class WebhookApi:
    """A webhook's operations over a ``GenesysClient``."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client

    def get(self, webhook_id: str) -> Webhook:
        return Webhook.model_validate(self.client.request_json(get_webhook(webhook_id)))

    def list(self) -> Iterator[Webhook]:
        return self.client.paged(
            list_webhooks, Page[Webhook].model_validate, self.client.page_size_up_to(MAX_PAGE_SIZE)
        )

    def create(self, spec: WebhookSpec) -> Webhook:
        """Create a webhook; ``OutcomeUnknownError`` when it may have been applied (look it up by name)."""
        return Webhook.model_validate(self.client.request_json(create_webhook(spec)))

    def update(self, webhook_id: str, spec: WebhookSpec, version: int | None = None) -> Webhook:
        """PUT with a known version, or GET it first; retried on a version conflict."""
        return self.client.update_versioned(
            "webhook",
            webhook_id,
            self.get,
            lambda v: Webhook.model_validate(self.client.request_json(update_webhook(webhook_id, spec, v))),
            known_version=version,
        )

    def delete(self, webhook_id: str) -> bool:
        """Delete the webhook; False when it was already gone."""
        return self.client.delete(delete_webhook(webhook_id))
