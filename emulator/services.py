"""The services a route or the admin API may reach, wired once per app from a :class:`Settings`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .auth import ClientRegistry, TokenService
from .cloud.audits import AuditLog
from .cloud.outbound_routes import OutboundRoutes
from .cloud.trunkbases import TrunkBaseService
from .cloud.trunks import REGISTRATION_KIND, TrunkInstances
from .faults import FaultConfig, Faults
from .ratelimit import RateLimiter
from .registration import RegistrationScheduler
from .requestlog import RequestLog
from .seed.delivery import DeliveryQueue
from .seed.edges import EdgeService
from .seed.events import EventLog
from .seed.webhooks import WebhookService
from .settings import RuntimeSettings, Settings
from .store import Store


@dataclass
class Services:
    """Everything a route or the admin API may reach, built once per app."""

    settings: Settings
    runtime: RuntimeSettings
    store: Store
    clients: ClientRegistry
    tokens: TokenService
    limiter: RateLimiter
    token_limiter: RateLimiter
    faults: Faults
    request_log: RequestLog
    events: EventLog
    deliveries: DeliveryQueue
    registrations: RegistrationScheduler
    edges: EdgeService
    webhooks: WebhookService
    audits: AuditLog
    trunkbases: TrunkBaseService
    trunks: TrunkInstances
    outbound_routes: OutboundRoutes

    def registration_completers(self) -> dict[str, Callable[[str], None]]:
        """Who settles a registration that falls due, by the kind of entity that registers."""
        return {"edge": self.edges.complete_registration, REGISTRATION_KIND: self.trunks.complete_registration}


def build_services(settings: Settings) -> Services:
    runtime = RuntimeSettings(settings)
    store = Store(settings.db)
    clients = ClientRegistry(settings)
    deliveries = DeliveryQueue(store, runtime)
    events = EventLog(store, deliveries)
    registrations = RegistrationScheduler(store, runtime)
    audits = AuditLog(store)
    trunks = TrunkInstances(store, registrations)
    faults = Faults(
        FaultConfig(latencyMs=settings.latency_ms, errorRate=settings.error_rate, dropRate=settings.drop_rate)
    )
    trunkbases = TrunkBaseService(store, audits, trunks)
    outbound_routes = OutboundRoutes(store, audits, trunkbases.live)
    trunkbases.named_by = outbound_routes.named_by
    return Services(
        settings=settings,
        runtime=runtime,
        store=store,
        clients=clients,
        tokens=TokenService(store, clients, runtime),
        limiter=RateLimiter(lambda: runtime.rate_limit_per_minute),
        token_limiter=RateLimiter(lambda: runtime.token_rate_limit_per_minute),
        faults=faults,
        request_log=RequestLog(),
        events=events,
        deliveries=deliveries,
        registrations=registrations,
        edges=EdgeService(store, events, registrations),
        webhooks=WebhookService(store, events),
        audits=audits,
        trunkbases=trunkbases,
        trunks=trunks,
        outbound_routes=outbound_routes,
    )
