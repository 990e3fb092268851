"""``gridgraph query`` (the named queries) and ``gridgraph cypher`` (guarded ad-hoc Cypher).

Both run as the operating-system user, who is recorded in the audit trail as the author.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from cli.common import current_settings, friendly_errors
from graph.connect import open_database
from graph.pii_key import sensitive_data
from queries.adhoc import run_adhoc
from queries.header import QuerySpec
from queries.identity import ID_NUMBER_PARAM
from queries.library import library
from queries.output import FORMATS, write_csv, write_json, write_table, write_xlsx

CLI_ROLE = "cli"


def _split(pairs: Sequence[str], option: str = "--param") -> list[tuple[str, str]]:
    parsed = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE (e.g. {option} scopePath=/A1/)",
                                     param_hint=option)
        parsed.append((key.strip(), value))
    return parsed


def _named_parameters(spec: QuerySpec, pairs: Sequence[str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for key, value in _split(pairs):
        param = spec.param(key)
        if key in raw:
            if param is None or param.type != "list<string>":
                raise click.BadParameter(f"{key} is given twice", param_hint="--param")
            raw[key] = f"{raw[key]},{value}"
        else:
            raw[key] = value
    return raw


def _emit(columns: list[str], headers: list[str], rows: list[list[Any]], fmt: str, output: Path | None,
          title: str) -> None:
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("xlsx is a binary file: give --output FILE.xlsx")
        write_xlsx(headers, rows, output, title)
        click.echo(f"wrote {len(rows)} rows to {output}", err=True)
        return
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "csv":
            write_csv(columns, rows, stream)
        elif fmt == "json":
            write_json(columns, rows, stream)
        else:
            write_table(columns, rows, stream, title)
    finally:
        if output:
            stream.close()
    if output:
        click.echo(f"wrote {len(rows)} rows to {output}", err=True)


def _describe(spec: QuerySpec) -> str:
    lines = [f"{spec.name} — {spec.title}", f"  {spec.description}", "  parameters:"]
    for param in spec.params:
        default = "required" if param.required else f"default {json.dumps(param.default, ensure_ascii=False)}"
        example = f", e.g. {param.example}" if param.example else ""
        lines.append(f"    {param.name} ({param.type}; {default}{example}): {param.description}")
    if any(p.name == "idHash" for p in spec.params):
        lines.append(f"    {ID_NUMBER_PARAM} (string): an ID number, looked up by its keyed hash instead of idHash")
    for group in spec.one_of:
        lines.append(f"  give at least one of: {', '.join(group)}")
    lines.append("  columns: " + ", ".join(f"{c.name} ({c.label})" for c in spec.columns))
    return "\n".join(lines)


@click.command("query")
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="Describe the named queries (or just NAME).")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query; repeat for more. idNumber=… looks a person up by ID number.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format; xlsx has Chinese column headers and needs --output.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@friendly_errors
def query_command(name: str | None, list_queries: bool, params: tuple[str, ...], fmt: str,
                  output: Path | None) -> None:
    """Run the named query NAME (see --list) against the graph."""
    queries = library()
    if list_queries:
        specs = [queries.get(name)] if name else list(queries)
        click.echo("\n\n".join(_describe(spec) for spec in specs))
        return
    if name is None:
        raise click.UsageError("give a query NAME, or --list to see them")
    spec = queries.get(name)
    raw = _named_parameters(spec, params)
    settings = current_settings()
    sensitive = sensitive_data(settings) if ID_NUMBER_PARAM in raw else None
    queries.bind(name, raw, sensitive)  # parameter errors before connecting
    with open_database(settings) as db:
        result = queries.run(db, name, raw, sensitive=sensitive, actor=getpass.getuser(), role=CLI_ROLE)
    rows = [[row[column] for column in result.columns] for row in result.rows]
    _emit(result.columns, [c.label for c in spec.columns], rows, fmt, output, spec.title)


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


@click.command("cypher")
@click.argument("statement")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter; the value is read as JSON when it parses (5, true, [\"a\"]), else as text.")
@click.option("--timeout", type=float, help="Time limit in seconds (at most GRIDGRAPH_CYPHER_TIMEOUT).")
@click.option("--max-rows", type=int, help="Row cap (at most GRIDGRAPH_CYPHER_MAX_ROWS).")
@click.option("--tags", "allow_tags", is_flag=True, help="Include person tags (sensitive) in the results.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@friendly_errors
def cypher_command(statement: str, params: tuple[str, ...], timeout: float | None, max_rows: int | None,
                   allow_tags: bool, fmt: str, output: Path | None) -> None:
    """Run a read-only Cypher STATEMENT ('-' reads it from standard input), audited as you."""
    text = sys.stdin.read() if statement == "-" else statement
    parameters = {key: _json_or_text(value) for key, value in _split(params)}
    settings = current_settings()
    timeout_ms = None if timeout is None else round(timeout * 1000)
    with open_database(settings) as db:
        result = run_adhoc(db, settings, text, parameters, actor=getpass.getuser(), role=CLI_ROLE,
                           timeout_ms=timeout_ms, max_rows=max_rows, allow_tags=allow_tags,
                           allow_keys=True, allow_audit=True)  # the operator of the database itself
    _emit(result.columns, result.columns, result.rows, fmt, output, "cypher")
    if result.truncated:
        click.echo(f"only the first {result.max_rows} rows are shown; more exist (narrow the query, or raise "
                   "--max-rows up to GRIDGRAPH_CYPHER_MAX_ROWS)", err=True)
