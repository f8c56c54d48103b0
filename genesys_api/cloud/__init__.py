"""The Platform API (``cloud``) dialect of the client: BYOC carrier trunks as trunk base settings.

``mapping`` turns a trunk's user-level settings into template properties (pure functions), ``models`` are
the wire shapes, ``dialect`` the paths and bodies, ``status`` the registration roll-up from trunk
instances, and ``api.CloudTrunkApi`` the operations the providers call. A trunk's way through it::

    api = CloudTrunkApi(shared_client(settings))
    template = api.template(metabase_id)                 # once per metabase and process
    values = {**carrier_properties(host, port, transport), **credential_properties(user, secret, realm),
              KEY_CODECS: codecs_to_wire(codecs), **user_properties}
    problems = check_properties(template, values)        # at preview: unknown keys, types, allowed values
    spec = TrunkBaseSpec(name=name, inbound_site_id=site_id, properties=values)
    base = api.create_trunk_base(spec, template)         # OutcomeUnknownError: find_trunk_base_by_name
    status = api.registration(base.id)                   # poll until not registering
"""

from .api import DELETE_IN_USE_SECONDS, CloudTrunkApi, InUseError, NameTakenError
from .dialect import CloudDialect
from .mapping import (
    BYOC_PREFIX,
    CODEC_MIME,
    KEY_CODECS,
    KEY_PASSWORD,
    KEY_PROTOCOL,
    KEY_PROXIES,
    KEY_REALM,
    KEY_USERNAME,
    SECRET_KEYS,
    SETTING_OF_KEY,
    TRANSPORTS,
    UNOFFERED_CODECS,
    MappingError,
    carrier_from_properties,
    carrier_properties,
    check_properties,
    closest_keys,
    codecs_from_wire,
    codecs_to_wire,
    credential_properties,
    credentials_from_properties,
    instances,
    property_body,
    proxy_entry,
    setting_path,
    template_defaults,
)
from .models import (
    BYOC_CARRIER_METABASE,
    AuditLogMessage,
    Metabase,
    Site,
    Trunk,
    TrunkBase,
    TrunkBaseShape,
    TrunkBaseSpec,
    TrunkBaseTemplate,
    TrunkProperty,
)
from .status import InstanceStatus, RegistrationStatus, TrunkBaseStatus, instance_status, roll_up

__all__ = [
    "BYOC_CARRIER_METABASE",
    "CODEC_MIME",
    "DELETE_IN_USE_SECONDS",
    "KEY_CODECS",
    "KEY_PASSWORD",
    "KEY_PROTOCOL",
    "KEY_PROXIES",
    "KEY_REALM",
    "KEY_USERNAME",
    "SECRET_KEYS",
    "BYOC_PREFIX",
    "SETTING_OF_KEY",
    "TRANSPORTS",
    "UNOFFERED_CODECS",
    "AuditLogMessage",
    "CloudDialect",
    "CloudTrunkApi",
    "InUseError",
    "InstanceStatus",
    "MappingError",
    "Metabase",
    "NameTakenError",
    "RegistrationStatus",
    "Site",
    "Trunk",
    "TrunkBase",
    "TrunkBaseShape",
    "TrunkBaseSpec",
    "TrunkBaseStatus",
    "TrunkBaseTemplate",
    "TrunkProperty",
    "carrier_from_properties",
    "carrier_properties",
    "check_properties",
    "closest_keys",
    "codecs_from_wire",
    "codecs_to_wire",
    "credential_properties",
    "credentials_from_properties",
    "instance_status",
    "instances",
    "property_body",
    "proxy_entry",
    "setting_path",
    "roll_up",
    "template_defaults",
]
