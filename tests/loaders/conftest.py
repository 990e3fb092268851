"""Fixtures of the loader tests: import files into the emptied test database and look at the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import LiteralString

import pytest

from graph.database import Database
from graph.settings import Settings
from loaders.importer import Importer
from loaders.mapping import load_mapping
from loaders.report import ImportReport, Issue
from tests.loaders.workbooks import roster_workbook

Load = Callable[..., ImportReport]


@pytest.fixture
def load(db: Database, settings: Settings) -> Load:
    """``load(path, ..., dry_run=False, batch_size=..., writers=..., mapping=None)`` → the report of one run."""

    def run(*paths: Path, dry_run: bool = False, batch_size: int = 5000, writers: int = 2,
            mapping: Path | None = None) -> ImportReport:
        return Importer(db, settings, dry_run=dry_run, batch_size=batch_size, writers=writers,
                        mapping=load_mapping(mapping) if mapping else None).run(list(paths))

    return run


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return roster_workbook(tmp_path / "网格信息表.xlsx")


def issues(report: ImportReport, code: str) -> list[Issue]:
    return [i for i in report.issues if i.code == code]


def count(db: Database, query: LiteralString) -> int:
    return int(db.read(query)[0]["n"])
