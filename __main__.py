"""genesys-trunks: the Connect trunks of one environment (one Pulumi stack per environment).

Reads `genesys-trunks:trunks` from Pulumi.<stack>.yaml in the stack's API dialect (`genesys:dialect`),
builds one TrunkStack (that dialect's) per trunk and
exports a `trunks` output, keyed by trunk name, for other stacks' StackReferences.
The Genesys connection (`genesys:*`) is read by the providers, not here.
"""

from __future__ import annotations

from typing import Any

import pulumi

from components import ConfigError, parse_trunks
from components.dialects import PIECES
from components.stack_refs import check_stack_references
from providers.genesys_api import ConfigurationError
from providers.genesys_api.settings import configured_dialect


def config_value(key: str) -> Any:
    """A `namespace:name` key of the stack config (the Genesys connection keys are read by the providers;
    the program reads only which dialect they select)."""
    namespace, name = key.split(":", 1)
    return pulumi.Config(namespace).get(name)


def stack_outputs(trunk: Any, references: dict[str, pulumi.StackReference]) -> dict[str, pulumi.Output[Any]]:
    """Settings this trunk takes from other stacks' outputs; one StackReference per stack."""
    values: dict[str, pulumi.Output[Any]] = {}
    for path, ref in trunk.from_stacks.items():
        if ref.stack not in references:
            references[ref.stack] = pulumi.StackReference(ref.stack.replace("/", "-"), stack_name=ref.stack)
        values[path] = references[ref.stack].require_output(ref.output)
    return values


def main() -> None:
    config = pulumi.Config()
    try:
        pieces = PIECES[configured_dialect(config_value)]
        trunks: list[Any] = parse_trunks(config.get_object("trunks"), schema=pieces.config)
        check_stack_references({"trunks": trunks}, pulumi.get_organization())
    except (ConfigError, ConfigurationError) as exc:
        raise pulumi.RunError(str(exc)) from None

    references: dict[str, pulumi.StackReference] = {}
    stacks = {
        trunk.name: pieces.stack(trunk.name, trunk, stack_outputs=stack_outputs(trunk, references)) for trunk in trunks
    }
    pulumi.export("trunks", {name: stack.summary for name, stack in stacks.items()})


main()
