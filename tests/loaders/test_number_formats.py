"""A 户号 typed as 0058 in a cell formatted ``0000`` is stored by Excel as the number 58: it is read as 0058."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from graph.database import Database
from loaders.xlsx import Limits, Workbook
from tests.loaders.conftest import Load
from tests.loaders.workbooks import CENSUS_HEADERS, census_row, id_number


def padded_census(path: Path, numbers: list[tuple[float, str]]) -> Path:
    """A census whose 户号 cells hold numbers, each with its format (``'0000'``, ``'"000"'``, ``'General'``)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("东村")
    sheet.write_row(0, 0, CENSUS_HEADERS)
    for r, (number, code) in enumerate(numbers, start=1):
        row = census_row(None, f"张{r}", id_number(birth=f"19{50 + r}0101"), "户主", grid="G1-01-1")
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
        sheet.write_number(r, 0, number, workbook.add_format({"num_format": code}))
    workbook.close()
    return path


def test_zero_padded_formats_give_the_text_the_clerk_sees(tmp_path: Path) -> None:
    path = padded_census(tmp_path / "c.xlsx", [(58, "0000"), (7, '"000"'), (12, "0000;@"), (58, "General"),
                                               (123456, "0000"), (3, "0.00")])
    with Workbook(str(path), Limits()) as workbook:
        cells = [cells[0] for _, cells in list(workbook.rows(workbook.sheets[0]))[1:]]
    assert cells == ["0058", "007", "0012", 58.0, 123456.0, 3.0]


def test_households_keep_their_padding_through_an_import(load: Load, roster: Path, tmp_path: Path,
                                                         db: Database) -> None:
    census = padded_census(tmp_path / "东村人口信息采集表.xlsx", [(58, "0000"), (59, "0000")])
    report = load(roster, census)
    assert [i.code for i in report.issues if i.severity == "rejected"] == []
    assert [r["n"] for r in db.read("MATCH (h:Household) RETURN h.number AS n ORDER BY n")] == ["0058", "0059"]
