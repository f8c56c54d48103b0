"""The `Webhook` dynamic resource: a subscription to Genesys events (`pulumi-python:dynamic/genesys:Webhook`)."""

from __future__ import annotations

import re
from typing import Any

import pulumi

from genesys_api import GenesysClient, NotFoundError, WebhookSpec
from genesys_api import Webhook as ApiWebhook
from genesys_api.fields import settings_of

from . import created_here, org_listings
from .entity_provider import EntityProvider
from .entity_resource import EntityResource
from .values import known_version

#: The resources a filter subscribes to: `resourceIds:[a,b]`.
RESOURCE_IDS = re.compile(r"resourceIds:\[([^\]]*)\]")


class WebhookProvider(EntityProvider[WebhookSpec, ApiWebhook]):
    inputs_model = WebhookSpec
    settings_model = WebhookSpec
    secret_inputs = frozenset({"headers"})
    id_output = "webhookId"

    def api_create(self, api: GenesysClient, desired: WebhookSpec) -> tuple[ApiWebhook, dict[str, Any]]:
        subscribed = [i.strip() for ids in RESOURCE_IDS.findall(desired.filter_criteria) for i in ids.split(",")]
        if subscribed and not all(created_here.includes(i) for i in subscribed):
            # The webhook may exist already: made with the org's trunks before the stack took them over, or by
            # an earlier `up` interrupted before Pulumi recorded it (a pending create cleared by `pulumi refresh
            # --clear-pending-creates`). One with our name and target, subscribed to our edge, is that one:
            # take it over. Genesys has no unique key for webhooks, so a POST would duplicate it. (No look when
            # this process has just created the edge: no earlier webhook can name it.)
            existing = org_listings.webhooks.find(api, org_listings.ALL_WEBHOOKS, lambda w: same_webhook(w, desired))
            if existing is not None:
                try:
                    return self._take_over(api, existing, desired), {}
                except NotFoundError:
                    org_listings.webhooks.forget(existing.id)  # deleted since it was listed: create it
        created = self.create_once(api, desired)
        org_listings.webhooks.remember(org_listings.ALL_WEBHOOKS, created)
        return created, {}

    @staticmethod
    def _take_over(api: GenesysClient, existing: ApiWebhook, desired: WebhookSpec) -> ApiWebhook:
        """Written only when a setting differs (a webhook has nothing write-only), at the version listed."""
        if settings_of(WebhookSpec, existing) == desired.model_dump(by_alias=True):
            return existing
        updated = api.update_webhook(existing.id, desired, version=existing.version)
        org_listings.webhooks.remember(org_listings.ALL_WEBHOOKS, updated)
        return updated

    def post(self, api: GenesysClient, desired: WebhookSpec) -> ApiWebhook:
        return api.create_webhook(desired)

    def landed(self, api: GenesysClient, desired: WebhookSpec) -> ApiWebhook | None:
        """Webhook names are not unique in Genesys, but one with this name, target and filter that was not
        there before our POST is the one it made."""
        return next((w for w in api.list_webhooks() if same_webhook(w, desired)), None)

    def api_get(self, api: GenesysClient, entity_id: str) -> ApiWebhook:
        return api.get_webhook(entity_id)

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: WebhookSpec) -> ApiWebhook:
        updated = api.update_webhook(entity_id, desired, version=known_version(olds))
        org_listings.webhooks.remember(org_listings.ALL_WEBHOOKS, updated)
        return updated

    def api_delete(self, api: GenesysClient, entity_id: str) -> bool:
        deleted = api.delete_webhook(entity_id)
        org_listings.webhooks.forget(entity_id)
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
