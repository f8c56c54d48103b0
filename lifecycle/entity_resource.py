"""The resource side shared by every Genesys entity: declared outputs and secret inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from .entity_provider import COMMON_OUTPUTS, EntityProvider


class EntityResource(Resource):
    """A dynamic resource only has the outputs it declared (as None) among its properties; its
    secret inputs are wrapped as secrets and kept secret as outputs too.

    A subclass names its provider and the outputs it has beside its inputs and the common ones."""

    provider_class: ClassVar[type[EntityProvider]]
    own_outputs: ClassVar[tuple[str, ...]] = ()

    version: pulumi.Output[int]
    state: pulumi.Output[str]
    dateCreated: pulumi.Output[str]
    dateModified: pulumi.Output[str]
    selfUri: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        inputs: Mapping[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``inputs``: the provider's input properties by the names users write (any may be an Output)."""
        provider = self.provider_class()
        props = {k: pulumi.Output.secret(v) if k in provider.secret_inputs else v for k, v in inputs.items()}
        props.update(dict.fromkeys((provider.id_output, *COMMON_OUTPUTS, *self.own_outputs)))
        secrets = pulumi.ResourceOptions(additional_secret_outputs=sorted(provider.secret_inputs))
        super().__init__(provider, resource_name, props, pulumi.ResourceOptions.merge(secrets, opts))
