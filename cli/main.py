"""Entry point of the ``gridgraph`` command and its shared context."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click

from graph.errors import GraphError
from graph.settings import Settings, SettingsError

F = TypeVar("F", bound=Callable[..., Any])


class UserFacingError(click.ClickException):
    """An error printed as ``Error: <message>`` with exit code 1."""


def friendly_errors(func: F) -> F:
    """Turn the library's domain errors into one clear line instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (GraphError, SettingsError) as exc:
            raise UserFacingError(str(exc)) from None

    return cast(F, wrapper)


def current_settings() -> Settings:
    ctx = click.get_current_context()
    settings = ctx.find_object(Settings)
    if settings is None:
        raise UserFacingError("internal: settings were not loaded")
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gridgraph")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """gridgraph: grid governance and contact households on a Neo4j graph."""
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as exc:
        raise UserFacingError(str(exc)) from None


def _register() -> None:
    from cli import db_commands

    cli.add_command(db_commands.db)
    cli.add_command(db_commands.migrate_command)
    from cli import remind

    cli.add_command(remind.remind_command)
    from cli import optional_commands

    for command in optional_commands.available():
        cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main(standalone_mode=True))
