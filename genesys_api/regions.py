"""Genesys Cloud regions and their hosts.

Kept as data so a new region is one line, and so settings can list the accepted names in an error.
"""

from __future__ import annotations

from typing import NamedTuple

#: AWS-style region name -> Genesys Cloud domain (API host ``api.<domain>``, login host ``login.<domain>``).
REGION_DOMAINS: dict[str, str] = {
    "us-east-1": "mypurecloud.com",
    "eu-west-1": "mypurecloud.ie",
    "ap-southeast-2": "mypurecloud.com.au",
    "ap-northeast-1": "mypurecloud.jp",
    "eu-central-1": "mypurecloud.de",
    "us-west-2": "usw2.pure.cloud",
    "ca-central-1": "cac1.pure.cloud",
    "ap-northeast-2": "apne2.pure.cloud",
    "eu-west-2": "euw2.pure.cloud",
    "ap-south-1": "aps1.pure.cloud",
    "sa-east-1": "sae1.pure.cloud",
    "me-central-1": "mec1.pure.cloud",
    "ap-northeast-3": "apne3.pure.cloud",
    "eu-central-2": "euc2.pure.cloud",
    "mx-central-1": "mxc1.pure.cloud",
    "ap-southeast-1": "apse1.pure.cloud",
    "us-east-2": "use2.us-gov-pure.cloud",
}


class Hosts(NamedTuple):
    """Base URLs of one deployment: API calls go to ``api_url``, token requests to ``login_url``."""

    api_url: str
    login_url: str


def hosts_for_region(region: str) -> Hosts:
    """Hosts of a known region; ``KeyError`` for an unknown one (settings turns it into a clear error)."""
    domain = REGION_DOMAINS[region]
    return Hosts(api_url=f"https://api.{domain}", login_url=f"https://login.{domain}")
