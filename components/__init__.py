"""Pulumi components: what one Connect trunk is made of."""

from .trunk_config import ConfigError, TrunkConfig, parse_trunks
from .trunk_stack import TrunkStack

__all__ = ["ConfigError", "TrunkConfig", "TrunkStack", "parse_trunks"]
