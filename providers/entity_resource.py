"""The resource side shared by every Genesys entity: declared outputs and secret inputs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .entity_provider import COMMON_OUTPUTS, EntityProvider


class EntityResource(Resource):
    """A dynamic resource only has the outputs it declared (as None) among its properties; its
    secret inputs are wrapped as secrets and kept secret as outputs too."""

    def __init__(
        self,
        provider: EntityProvider,
        resource_name: str,
        inputs: dict[str, Any],
        extra_outputs: Iterable[str] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {k: pulumi.Output.secret(v) if k in provider.secret_inputs else v for k, v in inputs.items()}
        props.update(dict.fromkeys((provider.id_output, *COMMON_OUTPUTS, *extra_outputs)))
        secrets = pulumi.ResourceOptions(additional_secret_outputs=sorted(provider.secret_inputs))
        super().__init__(provider, resource_name, props, pulumi.ResourceOptions.merge(secrets, opts))
