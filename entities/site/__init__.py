"""A site (Platform API): read, never made; the catalogue that trunk bases and outbound routes name."""

from .api import Site, SiteApi, classifications, missing_site, sites

__all__ = ["Site", "SiteApi", "classifications", "missing_site", "sites"]
