"""A cloud-dialect trunk of the stack, as the doctor reads it: through the program's own schema
(``components.cloud_trunk_config.CloudTrunkConfig``), so a stack the doctor reads is a stack `pulumi preview`
reads, with the same errors; and the template properties the trunk sends, each with its config path.
"""

from __future__ import annotations

from typing import Any

from components import ConfigError, parse_trunks
from components.cloud_trunk_config import CloudTrunkConfig
from genesys_api.cloud import KEY_CODECS, carrier_properties, codecs_to_wire, credential_properties

__all__ = ["CloudTrunkConfig", "read", "sent"]


def read(raw: Any) -> tuple[list[CloudTrunkConfig], list[str]]:
    """The trunks, or one line per problem (``trunks[1].carrier.transport: ...``) as preview reports it."""
    try:
        return parse_trunks(raw, schema=CloudTrunkConfig), []
    except ConfigError as exc:
        lines = [line.strip() for line in str(exc).splitlines()[1:]]
        return [], lines or [str(exc)]


def sent(trunk: CloudTrunkConfig) -> dict[str, Any]:
    """Every template property the trunk sends, by API key (``setting_path`` names the setting each comes
    from). The password is left out: no check needs it. A setting taken from another stack is not known here
    and is left out too."""
    values: dict[str, Any] = {KEY_CODECS: codecs_to_wire(trunk.codecs)}
    carrier = trunk.carrier
    if carrier is not None and carrier.host is not None:
        values.update(carrier_properties(carrier.host, carrier.port, carrier.transport))
    credentials = trunk.credentials
    if credentials is not None:
        values.update(credential_properties(credentials.username, None, credentials.realm))
    return {**values, **trunk.properties}
