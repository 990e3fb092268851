"""Entry point of the ``gridgraph`` command: the group and its subcommands, each in a module of ``cli/``.

The commands import the libraries (``loaders``, ``queries``, ``api``, ``graph``); no library imports ``cli`` or
click (a test checks it).
"""

from __future__ import annotations

import sys

import click

from cli import db, load, query, remind, sample, serve, token
from cli.common import UserFacingError
from graph.settings import Settings, SettingsError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gridgraph")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """gridgraph: grid governance and contact households on a Neo4j graph."""
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as exc:
        raise UserFacingError(str(exc)) from None


for command in (db.db, db.migrate_command, sample.sample_command, load.load_command, serve.serve, token.token,
                query.query_command, query.cypher_command, remind.remind_command):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main(standalone_mode=True))


if __name__ == "__main__":  # python -m cli.main, as the console script does
    main()
