"""Docs that cannot drift: every command and every option of ``gridgraph`` is in the README."""

from __future__ import annotations

import click

from cli.main import cli
from graph.settings import PROJECT_ROOT


def _commands(command: click.Command, path: list[str]) -> list[tuple[str, click.Command]]:
    if isinstance(command, click.Group):
        found: list[tuple[str, click.Command]] = []
        for name, sub in sorted(command.commands.items()):
            found += _commands(sub, [*path, name])
        return found
    return [(" ".join(["gridgraph", *path]), command)]


def test_readme_documents_every_command_and_option() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing: list[str] = []
    for name, command in _commands(cli, []):
        if f"`{name}" not in readme:
            missing.append(name)
        for param in command.params:
            if isinstance(param, click.Option):
                long_names = [o for o in param.opts if o.startswith("--")]
                missing += [f"{name} {o}" for o in long_names if f"`{o}`" not in readme]
    assert missing == []
