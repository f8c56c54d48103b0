"""Dynamic resources with the program's type tokens (`pulumi-python:dynamic/genesys:<Kind>`) whose provider
accepts any inputs and calls no API: what a policy pack sees of a resource, without the program's checks."""

from typing import Any

from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class NoCall(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=str(props.get("name")), outs=props)


class Webhook(Resource, module="genesys", name="Webhook"):
    def __init__(self, name: str, inputs: dict[str, Any]) -> None:
        super().__init__(NoCall(), name, inputs)


KINDS = {"Webhook": Webhook}
