"""The `Webhook` dynamic resource: a subscription to Genesys events (`pulumi-python:dynamic/genesys:Webhook`)."""

from __future__ import annotations

import re
from typing import Any

import pulumi

from genesys_api import GenesysClient, settings_of
from lifecycle import created_here
from lifecycle.adoption import AdoptingProvider
from lifecycle.entity_resource import EntityResource
from lifecycle.listings import ALL, Listing
from lifecycle.values import known_version

from .api import Webhook as ApiWebhook
from .api import WebhookApi
from .settings import WebhookSpec

#: The resources a filter subscribes to: `resourceIds:[a,b]`.
RESOURCE_IDS = re.compile(r"resourceIds:\[([^\]]*)\]")
#: The org's webhooks, listed once per process for the webhooks that may exist already.
webhooks: Listing[ApiWebhook] = Listing(lambda api, _key: WebhookApi(api).list())


class WebhookProvider(AdoptingProvider[WebhookSpec, ApiWebhook]):
    inputs_model = WebhookSpec
    settings_model = WebhookSpec
    secret_inputs = frozenset({"headers"})
    id_output = "webhookId"
    listing = webhooks

    def looks_first(self, desired: WebhookSpec) -> bool:
        """The webhook may exist already: made with the org's trunks before the stack took them over, or by an
        earlier `up` interrupted before Pulumi recorded it (a pending create cleared by `pulumi refresh
        --clear-pending-creates`). Genesys has no unique key for webhooks, so a POST would duplicate it. No
        look when this process has just created the edge: no earlier webhook can name it."""
        subscribed = [i.strip() for ids in RESOURCE_IDS.findall(desired.filter_criteria) for i in ids.split(",")]
        return bool(subscribed) and not all(created_here.includes(i) for i in subscribed)

    def is_wanted(self, entity: ApiWebhook, desired: WebhookSpec) -> bool:
        return same_webhook(entity, desired)

    def take_over(
        self, api: GenesysClient, existing: ApiWebhook, desired: WebhookSpec, *, version: int | None
    ) -> ApiWebhook:
        """Written only when a setting differs (a webhook has nothing write-only), at the version listed."""
        if settings_of(WebhookSpec, existing) == desired.model_dump(by_alias=True):
            return existing
        return WebhookApi(api).update(existing.id, desired, version=version)

    def post(self, api: GenesysClient, desired: WebhookSpec) -> ApiWebhook:
        return WebhookApi(api).create(desired)

    def landed(self, api: GenesysClient, desired: WebhookSpec) -> ApiWebhook | None:
        """Webhook names are not unique in Genesys, but one with this name, target and filter that was not
        there before our POST is the one it made."""
        return next((w for w in WebhookApi(api).list() if same_webhook(w, desired)), None)

    def api_get(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> ApiWebhook:
        return WebhookApi(api).get(entity_id)

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: WebhookSpec) -> ApiWebhook:
        updated = WebhookApi(api).update(entity_id, desired, version=known_version(olds))
        webhooks.remember(ALL, updated)
        return updated

    def api_delete(self, api: GenesysClient, entity_id: str, props: dict[str, Any]) -> bool:
        deleted = WebhookApi(api).delete(entity_id)
        webhooks.forget(entity_id)
        return deleted


def same_webhook(webhook: ApiWebhook, desired: WebhookSpec) -> bool:
    """Whether ``webhook`` is the one ``desired`` describes: its name, target and filter."""
    return (
        webhook.name == desired.name
        and webhook.target_uri == desired.target_uri
        and webhook.filter_criteria == desired.filter_criteria
    )


class Webhook(EntityResource, module="genesys", name="Webhook"):
    """A Genesys Cloud webhook. Its headers (often a receiver's credentials) are stored only as secrets.

    ``inputs``: the properties of ``WebhookSpec`` by the names users write (any may be an Output)."""

    provider_class = WebhookProvider

    webhookId: pulumi.Output[str]
    targetUri: pulumi.Output[str]
    eventTypes: pulumi.Output[list[str]]
    filterCriteria: pulumi.Output[str]
