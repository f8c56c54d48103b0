"""What one trunk is made of, in each API dialect: its config (the entity's settings and what only a stack
has) and the component that declares its resources. Each module's ``Section`` is what the registry lists."""

from .cloud_trunk import CLOUD_TRUNKS, CloudTrunkConfig, CloudTrunkStack
from .seed_trunk import TRUNKS, TrunkConfig, TrunkStack

__all__ = ["CLOUD_TRUNKS", "TRUNKS", "CloudTrunkConfig", "CloudTrunkStack", "TrunkConfig", "TrunkStack"]
