"""A webhook's settings (the seed dialect's subscription to an edge's events), defined once: the stack
config extends ``WebhookBase``, the ``Webhook`` resource takes ``WebhookSpec``, which is also its wire body."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from entities.edge_registration.events import EVENT_TYPES, STATUS_EVENTS
from genesys_api import Description, Flag, HeaderName, HeaderValue, Settings, Text, WebhookTarget

WebhookName = Annotated[Text, Field(min_length=1, max_length=200)]


class WebhookBase(Settings):
    """The webhook settings a stack's config states."""

    target_uri: WebhookTarget
    event_type: list[str] = Field(default_factory=lambda: list(STATUS_EVENTS), min_length=1, alias="eventTypes")
    headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)

    @field_validator("event_type")
    @classmethod
    def _known_event_types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in EVENT_TYPES]
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise ValueError(f"unknown event type(s) {names}; allowed: {', '.join(EVENT_TYPES)}")
        return value


class WebhookSpec(WebhookBase):
    """A webhook subscription: its settings, and the body of a create or an update."""

    name: WebhookName
    description: Description | None = None
    filter_criteria: Text = ""
    enabled: Flag = True
