"""``gridgraph sample OUTDIR``: write a generated town's workbooks for the demo, the tests and the benchmarks."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click

from loaders.sample.generate import FORMATS, generate
from loaders.sample.scales import ScaleName


@click.command("sample")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--scale", type=click.Choice([s.value for s in ScaleName]), default=ScaleName.TOWN.value,
              show_default=True, help="village: 3 small villages (tests); town: ~25,000 persons; county: ~12 towns.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same files.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True,
              help="Workbooks, or CSV files (some GBK, some UTF-8 with BOM).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Reference date for ages and case dates (default: today).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Towns written in parallel (county scale).")
@click.option("--force", is_flag=True, help="Write into OUTDIR even if it is not empty.")
def sample_command(outdir: Path, scale: str, seed: int, fmt: str, as_of: datetime | None, jobs: int,
                   force: bool) -> None:
    """Write a generated town (census workbooks, grid roster, units, party contacts, case ledgers) with the
    mess of hand-kept sheets, and OUTDIR/manifest.json listing counts and every deliberate defect."""
    if outdir.exists() and any(outdir.iterdir()) and not force:
        raise click.ClickException(f"{outdir} is not empty; choose an empty folder or pass --force to write into it")
    started = time.perf_counter()
    try:
        manifest = generate(outdir, scale, seed, fmt, as_of.date() if as_of else None, jobs)
    except OSError as exc:
        raise click.ClickException(f"cannot write the sample to {outdir}: {exc.strerror or exc}; "
                                   "choose a folder you can write to") from None
    counts = manifest.counts
    click.echo(f"Wrote {len({s.file for s in manifest.sheets})} files to {outdir} in "
               f"{time.perf_counter() - started:.1f} s: {counts['persons']:,} persons in {counts['households']:,} "
               f"households, {counts['villages']} villages, {counts['partyMembers']:,} party members, "
               f"{counts['disputes'] + counts['hotlineTickets'] + counts['wishes']:,} cases, "
               f"{len(manifest.defects)} deliberate defects (see manifest.json).")
