"""Subcommands contributed by the other packages (load, sample, query, cypher, serve, token).

Each lives beside the library it drives; this list is the one place that wires them into the CLI.
"""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("loaders.sample.command", "sample_command"),
    ("loaders.cli", "load_command"),
    ("api.commands", "serve"), ("api.commands", "token"),
    ("queries.cli", "query_command"), ("queries.cli", "cypher_command"),
)


def available() -> list[click.Command]:
    commands: list[click.Command] = []
    for module_name, attribute in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        commands.append(getattr(module, attribute))
    return commands
