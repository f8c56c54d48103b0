"""genesys-trunks: the Connect trunks of one environment (one Pulumi stack per environment).

Reads the stack's API dialect (`genesys:dialect`), then each section of `genesys-trunks:*` the registry names
for it (`trunks`, and in the cloud dialect `outboundRoutes`), builds one component per entry and exports each
section keyed by name, for other stacks' StackReferences. The Genesys connection (`genesys:*`) is read by the
providers, not here. Each resource records only the program's own frames as its stack trace
(``lifecycle.stack_traces``): the state stays a quarter smaller.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi

from genesys_api import ConfigurationError, configured_dialect
from lifecycle.config import ConfigError, build_sections, parse_sections
from lifecycle.stack_references import check_stack_references
from lifecycle.stack_traces import record_program_frames_only
from registry import DIALECTS


def config_value(key: str) -> Any:
    """A `namespace:name` key of the stack config (the Genesys connection keys are read by the providers;
    the program reads only which dialect they select)."""
    namespace, name = key.split(":", 1)
    return pulumi.Config(namespace).get(name)


def config_object(key: str) -> Any:
    """A structured `namespace:name` key of the stack config (a section's list)."""
    namespace, name = key.split(":", 1)
    return pulumi.Config(namespace).get_object(name)


def main() -> None:
    record_program_frames_only(Path(__file__).parent)
    try:
        dialect = DIALECTS[configured_dialect(config_value)]
        entries = parse_sections(dialect.sections, config_object)
        check_stack_references(entries, pulumi.get_organization())
    except (ConfigError, ConfigurationError) as exc:
        raise pulumi.RunError(str(exc)) from None
    build_sections(dialect.sections, entries)


main()
