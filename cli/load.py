"""``gridgraph load PATH... [--dry-run] [--report FILE.json]``: import spreadsheets into the graph."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.common import current_settings, friendly_errors
from graph.connect import open_database
from loaders.importer import DEFAULT_BATCH_SIZE, DEFAULT_WRITERS, Importer
from loaders.mapping import MappingError, load_mapping
from loaders.report import ImportReport, Issue

SHOWN_ISSUES = 20
SHOWN_ROWS = 3  # rows shown for each group of issues


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report everything; write nothing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full report (every rejected row and warning) to this JSON file.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=DEFAULT_BATCH_SIZE, show_default=True,
              help="Rows per write transaction.")
@click.option("--writers", type=click.IntRange(1, 16), default=DEFAULT_WRITERS, show_default=True,
              help="Write transactions run at once (batches that touch the same records still go in order).")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A TOML file mapping sheets to kinds, headers to fields and words to vocabulary terms.")
@friendly_errors
def load_command(paths: tuple[Path, ...], dry_run: bool, report_path: Path | None, batch_size: int,
                 writers: int, mapping_path: Path | None) -> None:
    """Import census workbooks, grid rosters and ledgers (.xlsx or .csv files, or folders of them).

    Each sheet's kind is recognised by its headers; sheets are imported in dependency order (grids, party
    organisations, census, units, contacts, ledgers). Running the same files again changes nothing.
    """
    try:
        mapping = load_mapping(mapping_path) if mapping_path is not None else None
    except MappingError as error:
        raise click.ClickException(f"{error} Correct the mapping file and run again.") from None
    settings = current_settings()
    console = Console(stderr=True)
    with open_database(settings, apply_migrations=True) as database, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def on_progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=total or None)
            progress.update(tasks[label], completed=done, total=total or None)

        report = Importer(database, settings, dry_run=dry_run, batch_size=batch_size, writers=writers,
                          progress=on_progress, spool=report_path.parent if report_path else None,
                          mapping=mapping).run(list(paths))
    print_summary(report)
    if report_path is not None:
        report.write_json(report_path)
        click.echo(f"Full report: {report_path}")
    if report.unreadable:
        raise SystemExit(2)


def print_summary(report: ImportReport) -> None:
    """The per file and sheet table, the first issues, and what could not be read."""
    console = Console(width=160)
    table = Table(title="Dry run: nothing was written" if report.dry_run else "Import", title_justify="left")
    for column in ("file", "sheet", "kind", "rows", "created", "updated", "unchanged", "rejected", "warnings"):
        table.add_column(column, justify="right" if column not in ("file", "sheet", "kind") else "left")
    for file in report.files:
        for sheet in file.sheets:
            table.add_row(file.file, sheet.sheet or "", sheet.kind or "not recognised", str(sheet.rows),
                          str(sheet.created), str(sheet.updated), str(sheet.unchanged), str(sheet.rejected),
                          str(sheet.warnings))
    console.print(table)
    totals = report.totals()
    click.echo(f"{totals['rows']} rows read: {totals['created']} created, {totals['updated']} updated, "
               f"{totals['unchanged']} unchanged, {totals['rejected']} rejected, {totals['warnings']} warnings "
               f"in {report.seconds:.1f} s.")
    if report.dry_run:
        print_sheet_mappings(report)
    print_grouped_issues(report)
    for file in report.unreadable:
        for error in (file.error or "").splitlines():
            click.echo(f"Error: could not read {error}", err=True)
    if report.unreadable:
        click.echo(f"{len(report.unreadable)} of {len(report.files)} files could not be read in full; the others "
                   "were imported.", err=True)


def print_sheet_mappings(report: ImportReport) -> None:
    """Per sheet, the kind chosen with its evidence and every column's field (and the unmapped ones)."""
    for file in report.files:
        for sheet in file.sheets:
            if sheet.kind is None:
                continue
            name = f"{file.file}" + (f" [{sheet.sheet}]" if sheet.sheet else "")
            click.echo(f"{name}: {sheet.kind} (header row {sheet.header_row}, evidence {sheet.evidence})")
            click.echo("  columns: " + (", ".join(f"{h} → {f}" for h, f in sheet.columns.items()) or "none"))
            if sheet.by_values:
                click.echo("  known by their values, not their header: " + ", ".join(sheet.by_values))
            if sheet.unmapped:
                click.echo("  not used: " + ", ".join(sheet.unmapped))


def print_grouped_issues(report: ImportReport) -> None:
    """Issues grouped by cause: severity, code, count, the first rows, and what to do (the first message)."""
    groups: dict[tuple[str, str], list[Issue]] = {}
    for issue in report.issues:
        groups.setdefault((issue.severity, issue.code), []).append(issue)
    order = {"rejected": 0, "warning": 1, "note": 2}
    for (severity, code), items in sorted(groups.items(), key=lambda g: (order.get(g[0][0], 3), -len(g[1]))):
        rows = sum(len(i.rows) or 1 for i in items)
        first = items[0]
        where = ", ".join(_where(i) for i in items[:SHOWN_ROWS])
        more = f" and {len(items) - SHOWN_ROWS} more" if len(items) > SHOWN_ROWS else ""
        # One cause, several wordings (e.g. a different sheet kind each): the first is an example.
        example = "" if all(i.message == first.message for i in items) else "e.g. "
        click.echo(f"  {severity} {code} ×{rows}: {example}{first.message}"
                   + (f" (value {first.value})" if first.value else ""))
        click.echo(f"      at {where}{more}")
    if len(report.issues) > SHOWN_ISSUES:
        click.echo("  Use --report FILE.json for every row.")


def _where(issue: Issue) -> str:
    parts = [Path(issue.file).name, f"[{issue.sheet}]" if issue.sheet else "", f"row {issue.row}" if issue.row else "",
             f"column {issue.column}" if issue.column else ""]
    return " ".join(p for p in parts if p)
