"""The path of deployed states' providers of this kind (see the package's docstring)."""

from entities.webhook.provider import Webhook, WebhookProvider

__all__ = ["Webhook", "WebhookProvider"]
