"""Small messy workbooks and CSV files, built the way clerks' sheets look: title rows, blank rows, merged
cells over a household, footers. Valid ID numbers are made with their real check character."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from schema.idnumber import check_character

ROSTER_HEADERS = ("网格编码", "网格名称", "层级", "上级网格", "网格类型", "区划代码", "网格长", "网格长电话", "网格员",
                  "网格员电话", "星级")
CENSUS_HEADERS = ("户号", "姓名", "性别", "民族", "身份证号", "出生日期", "与户主关系", "现住址", "政治面貌",
                  "联系电话", "所属网格", "所属单元", "人员类别", "备注")

ROSTER = [
    ("G1", "第一管区", "一级网格", "", "", "", "", "", "", "", ""),
    ("G1-01", "东村", "二级网格", "G1", "生活网格", "370781101201", "王网长", "13800000001", "赵一、钱二",
     "13800000002、13800000003", "三星"),
    ("G1-01-1", "东村第一微网格", "微网格", "G1-01", "生活网格", "", "", "", "", "", ""),
    ("G1-02", "西村", "2", "G1", "生产网格", "", "", "", "", "", "★★"),
]


def id_number(region: str = "370781", birth: str = "19880102", sequence: str = "123") -> str:
    """A valid 18-character ID number (odd sequence = male)."""
    first17 = region + birth + sequence
    return first17 + check_character(first17)


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]],
                   merges: dict[str, list[tuple[int, int, int, int, object]]] | None = None,
                   text_columns: dict[str, Sequence[int]] | None = None) -> Path:
    """Write ``sheets`` (rows as lists, ``None`` = blank cell) to an .xlsx; merges are (r0, c0, r1, c1, value)."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
        for r0, c0, r1, c1, value in (merges or {}).get(name, []):
            sheet.merge_range(r0, c0, r1, c1, value)  # type: ignore[arg-type]
    workbook.close()
    return path


def roster_workbook(path: Path) -> Path:
    """The grid roster of the tests: a management area, two villages, one micro-grid."""
    return write_workbook(path, {"网格": [ROSTER_HEADERS, *ROSTER]})


def census_row(household: str | None, name: str, id_no: str | None, relation: str, grid: str = "G1-01-1",
               **extra: object) -> list[object]:
    """One census row in CENSUS_HEADERS order; ``extra`` by header name."""
    values: dict[str, object] = {"户号": household, "姓名": name, "身份证号": id_no, "与户主关系": relation,
                                 "所属网格": grid, "民族": "汉族", "政治面貌": "群众", **extra}
    return [values.get(h) for h in CENSUS_HEADERS]


def census_workbook(path: Path, rows: Sequence[Sequence[object]], sheet: str = "东村",
                    title: bool = True, footer: bool = True,
                    merges: list[tuple[int, int, int, int, object]] | None = None) -> Path:
    """A census sheet: merged title row and a blank row above the header, a footer below the data.

    With ``title`` the header is on Excel row 3 and the first data row is Excel row 4.
    """
    top: list[Sequence[object]] = [["东村人口信息采集表"], []] if title else []
    bottom: list[Sequence[object]] = [[], ["填表人：王五", None, None, "填表日期：2024年5月1日"]] if footer else []
    all_merges = [(0, 0, 0, 6, "东村人口信息采集表")] if title else []
    return write_workbook(path, {sheet: [*top, CENSUS_HEADERS, *rows, *bottom]},
                          {sheet: all_merges + (merges or [])})


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str) -> Path:
    """A CSV file in ``encoding`` (e.g. 'gbk', 'utf-8-sig')."""
    import csv

    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path
