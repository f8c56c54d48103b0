"""The `Webhook` dynamic resource: a subscription to Genesys events (`pulumi-python:dynamic/genesys:Webhook`)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlparse

import pulumi
from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import session
from .entity_provider import EntityProvider
from .entity_resource import EntityResource
from .genesys_api import EVENT_TYPES, GenesysClient, OutcomeUnknownError, WebhookSpec
from .genesys_api import Webhook as ApiWebhook
from .values import known_version

CREATE_ATTEMPTS = 3
#: The resources a filter subscribes to: `resourceIds:[a,b]`.
RESOURCE_IDS = re.compile(r"resourceIds:\[([^\]]*)\]")


def target_problem(uri: str) -> str | None:
    """Why a webhook target is not allowed: it must be an absolute https URL; plain http only to a
    loopback receiver (a local test listener), so events never cross a network unencrypted."""
    parsed = urlparse(uri)
    if parsed.scheme not in {"https", "http"} or not parsed.hostname:
        return "must be an absolute https:// URL (http:// is allowed only to 127.0.0.1, ::1 or localhost)"
    if parsed.scheme == "http" and not _is_loopback(parsed.hostname):
        return f"plain http is allowed only to a loopback address, not {parsed.hostname!r}; use https://"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebhookInputs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    eventTypes: list[str] = Field(min_length=1)
    filterCriteria: str = ""
    targetUri: str = Field(min_length=1, max_length=2000)
    headers: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True

    @field_validator("eventTypes")
    @classmethod
    def _known_event_types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in EVENT_TYPES]
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise ValueError(f"unknown event type(s) {names}; allowed: {', '.join(EVENT_TYPES)}")
        return value

    @field_validator("targetUri")
    @classmethod
    def _allowed_target(cls, value: str) -> str:
        problem = target_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    def spec(self) -> WebhookSpec:
        return WebhookSpec(
            name=self.name,
            description=self.description,
            event_type=self.eventTypes,
            filter_criteria=self.filterCriteria,
            target_uri=self.targetUri,
            headers=self.headers,
            enabled=self.enabled,
        )


class WebhookProvider(EntityProvider):
    inputs_model = WebhookInputs
    secret_inputs = frozenset({"headers"})
    id_output = "webhookId"

    def api_create(self, api: GenesysClient, inputs: dict[str, Any]) -> tuple[ApiWebhook, dict[str, Any]]:
        spec = WebhookInputs.model_validate(inputs).spec()
        subscribed = [i.strip() for ids in RESOURCE_IDS.findall(spec.filter_criteria or "") for i in ids.split(",")]
        if subscribed and not all(session.created_here(i) for i in subscribed):
            # An earlier `up` may have created this webhook and been interrupted before Pulumi recorded it
            # (a pending create cleared by `pulumi refresh --clear-pending-creates`). One with our name and
            # target, subscribed to our edge, is that one: take it over. Genesys has no unique key for
            # webhooks, so a POST would duplicate it. (No look when this process has just created the edge:
            # no earlier webhook can name it.)
            leftover = self._same(api, spec)
            if leftover is not None:
                return api.update_webhook(leftover.id, spec, version=leftover.version), {}
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return api.create_webhook(spec), {}
            except OutcomeUnknownError:
                # Webhook names are not unique in Genesys, but one with this name, target and filter that was
                # not there before our POST is the one it made.
                landed = self._same(api, spec)
                if landed is not None:
                    return landed, {}
                if attempt == CREATE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _same(api: GenesysClient, spec: WebhookSpec) -> ApiWebhook | None:
        return next(
            (
                w
                for w in api.list_webhooks()
                if w.name == spec.name
                and w.target_uri == spec.target_uri
                and (w.filter_criteria or "") == (spec.filter_criteria or "")
            ),
            None,
        )

    def api_get(self, api: GenesysClient, entity_id: str) -> ApiWebhook:
        return api.get_webhook(entity_id)

    def api_update(self, api: GenesysClient, entity_id: str, olds: dict[str, Any], news: dict[str, Any]) -> ApiWebhook:
        return api.update_webhook(entity_id, WebhookInputs.model_validate(news).spec(), version=known_version(olds))

    def api_delete(self, api: GenesysClient, entity_id: str) -> bool:
        return api.delete_webhook(entity_id)

    def entity_inputs(self, entity: ApiWebhook, props: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": entity.name,
            "description": entity.description,
            "eventTypes": list(entity.event_type),
            "filterCriteria": entity.filter_criteria or "",
            "targetUri": entity.target_uri,
            "headers": dict(entity.headers),
            "enabled": entity.enabled,
        }


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
        *,
        name: pulumi.Input[str],
        target_uri: pulumi.Input[str],
        event_types: pulumi.Input[list[pulumi.Input[str]]],
        filter_criteria: pulumi.Input[str] = "",
        headers: pulumi.Input[dict] | None = None,
        description: pulumi.Input[str] | None = None,
        enabled: pulumi.Input[bool] = True,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        inputs = {
            "name": name,
            "description": description,
            "eventTypes": event_types,
            "filterCriteria": filter_criteria,
            "targetUri": target_uri,
            "headers": headers or {},
            "enabled": enabled,
        }
        super().__init__(WebhookProvider(), resource_name, inputs, opts=opts)
