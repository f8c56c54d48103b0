"""The webhook: the seed dialect's subscription to an edge's status events (``settings``, ``api``, ``provider``)."""

from .api import Webhook as ApiWebhook
from .api import WebhookApi
from .provider import Webhook, WebhookProvider, same_webhook, webhooks
from .settings import WebhookBase, WebhookName, WebhookSpec

__all__ = [
    "ApiWebhook",
    "Webhook",
    "WebhookApi",
    "WebhookBase",
    "WebhookName",
    "WebhookProvider",
    "WebhookSpec",
    "same_webhook",
    "webhooks",
]
