"""The `Webhook` dynamic resource: a subscription to Genesys events (`pulumi-python:dynamic/genesys:Webhook`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi

from . import created_here
from .entity_provider import EntityProvider
from .entity_resource import EntityResource
from .genesys_api import GenesysClient, WebhookSpec
from .genesys_api import Webhook as ApiWebhook
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
            # An earlier `up` may have created this webhook and been interrupted before Pulumi recorded it
            # (a pending create cleared by `pulumi refresh --clear-pending-creates`). One with our name and
            # target, subscribed to our edge, is that one: take it over. Genesys has no unique key for
            # webhooks, so a POST would duplicate it. (No look when this process has just created the edge:
            # no earlier webhook can name it.)
            leftover = self.landed(api, desired)
            if leftover is not None:
                return api.update_webhook(leftover.id, desired, version=leftover.version), {}
        return self.create_once(api, desired), {}

    def post(self, api: GenesysClient, desired: WebhookSpec) -> ApiWebhook:
        return api.create_webhook(desired)

    def landed(self, api: GenesysClient, desired: WebhookSpec) -> ApiWebhook | None:
        """Webhook names are not unique in Genesys, but one with this name, target and filter that was not
        there before our POST is the one it made."""
        return next(
            (
                w
                for w in api.list_webhooks()
                if w.name == desired.name
                and w.target_uri == desired.target_uri
                and w.filter_criteria == desired.filter_criteria
            ),
            None,
        )

    def api_get(self, api: GenesysClient, entity_id: str) -> ApiWebhook:
        return api.get_webhook(entity_id)

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], desired: WebhookSpec) -> ApiWebhook:
        return api.update_webhook(entity_id, desired, version=known_version(olds))

    def api_delete(self, api: GenesysClient, entity_id: str) -> bool:
        return api.delete_webhook(entity_id)


class Webhook(EntityResource, module="genesys", name="Webhook"):
    """A Genesys Cloud webhook. Its headers (often a receiver's credentials) are stored only as secrets."""

    webhookId: pulumi.Output[str]
    targetUri: pulumi.Output[str]
    eventTypes: pulumi.Output[list[str]]
    filterCriteria: pulumi.Output[str]
    version: pulumi.Output[int]
    state: pulumi.Output[str]
    dateCreated: pulumi.Output[str]
    dateModified: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        inputs: Mapping[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``inputs``: the properties of ``WebhookSpec`` by the names users write (any may be an Output)."""
        super().__init__(WebhookProvider(), resource_name, dict(inputs), opts=opts)
