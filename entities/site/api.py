"""A site (Platform API): where a BYOC trunk takes its inbound calls and its media, and whose outbound routes
carry its calls out. The program reads sites; it never makes one."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from genesys_api import Call, Collection, Entity, GenesysClient, NotFoundError, Page, live, path_segment
from lifecycle.catalogue import Catalog, listed

EDGES = "/api/v2/telephony/providers/edges"
SITES = f"{EDGES}/sites"
MAX_PAGE_SIZE = 100


class Site(Entity):
    description: str | None = None
    media_model: str | None = None
    """``Cloud`` or ``Premises``."""
    managed: bool | None = None
    core_site: bool | None = None
    media_regions: list[str] = Field(default_factory=list)


CALLS = Collection(SITES)


def get_site(site_id: str) -> Call:
    return CALLS.get(site_id)


def list_sites(page_number: int, page_size: int, name: str | None = None) -> Call:
    return CALLS.list(page_number, page_size, name=name)


def get_classifications(site_id: str) -> Call:
    """The classifications of the site's number plans: what its outbound routes may carry."""
    path = f"{SITES}/{path_segment(site_id)}/numberplans/classifications"
    return Call("GET", path, f"{SITES}/{{id}}/numberplans/classifications")


class SiteApi:
    """A site's reads over a ``GenesysClient``."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client

    def get(self, site_id: str) -> Site:
        """The site; ``NotFoundError`` when it does not exist or was deleted."""
        call = get_site(site_id)
        return live(Site, self.client.request_json(call), call)

    def find(self, site_id: str) -> Site | None:
        """The site, or None when it does not exist (read now; ``sites`` reads it once per client)."""
        try:
            return self.get(site_id)
        except NotFoundError:
            return None

    def classifications(self, site_id: str) -> list[str]:
        """The site's number-plan classifications (``Emergency``, ``National``...; custom ones too)."""
        data = self.client.request_json(get_classifications(site_id))
        return [str(c) for c in data or []]

    def list(self, name: str | None = None) -> Iterator[Site]:
        """Live sites, every page lazily."""
        pages = self.client.paged(
            lambda n, size: list_sites(n, size, name),
            Page[Site].model_validate,
            self.client.page_size_up_to(MAX_PAGE_SIZE),
        )
        return (s for s in pages if not s.deleted)


sites: Catalog[Site] = Catalog("site", lambda api, site_id: SiteApi(api).get(site_id), lambda api: SiteApi(api).list())
#: Each site's classifications, read once per client (the site's own read says whether it exists).
classifications: Catalog[list[str]] = Catalog(
    "site classifications", lambda api, site_id: SiteApi(api).classifications(site_id), lambda api: []
)


def missing_site(api: GenesysClient, site_id: str) -> str:
    """Why a site id was refused, naming the org's sites."""
    return f"{site_id!r} is not a site of the org; it has: {listed(sites.known(api))}"
