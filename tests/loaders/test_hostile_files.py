"""Hostile and odd files: each one is reported for itself, clearly, and the rest of the import goes on.

Memory is measured in the importing process itself (the peak resident size of a ``gridgraph load`` subprocess), so
a file that makes a reader allocate by declared size, or an import that keeps every rejection, shows.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from graph.database import Database
from graph.settings import Settings
from loaders.importer import Importer
from loaders.readers import ReadError, SheetReader, discover, sheet_heads
from loaders.sniff import FileKind, NotASpreadsheet, sniff
from loaders.xlsx import ExcelError
from tests.loaders.conftest import Load, count, issues
from tests.loaders.hostile import far_cell_xlsx, inline_row, long_shared_string_xlsx, raw_xlsx
from tests.loaders.workbooks import CENSUS_HEADERS, census_row, id_number, roster_workbook, write_csv

PEAK_MB = 250  # the importing process, Python and the driver included (about 90 MB at rest)

# The peak of the process's own memory: VmHWM, since ru_maxrss also counts what the forking parent (this test
# process) held before the child's exec.
_MEASURED = ("import sys\nfrom cli.main import main\ntry:\n    main()\nfinally:\n"
             "    hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1]\n"
             "    print(f'peak-rss-kb={hwm}', file=sys.stderr)\n")


def measured_load(env: dict[str, str], *args: str, timeout: float = 600) -> tuple[int, str, float]:
    """Run ``gridgraph load ARGS`` in a subprocess: exit code, output, and the process's peak memory in MB."""
    result = subprocess.run([sys.executable, "-c", _MEASURED, "load", *args], env={**os.environ, **env},
                            capture_output=True, text=True, timeout=timeout, cwd=Path(__file__).parents[2])
    peak = next(int(line.split("=")[1]) for line in result.stderr.splitlines() if line.startswith("peak-rss-kb="))
    print(f"gridgraph load {' '.join(args)}: exit {result.returncode}, peak memory {peak / 1024:.0f} MB")
    return result.returncode, result.stdout + result.stderr, peak / 1024


def census_csv_rows() -> list[list[object]]:
    return [list(CENSUS_HEADERS), census_row("001", "张三", id_number(sequence="011"), "户主"),
            census_row(None, "李四", id_number(birth="19620202", sequence="022"), "配偶")]


# --- what a file is ----------------------------------------------------------------------------------------

def test_what_a_file_is_comes_from_its_bytes_not_its_name(tmp_path: Path) -> None:
    renamed = roster_workbook(tmp_path / "roster.xlsx").rename(tmp_path / "roster.csv")
    sniffed = sniff(renamed)
    assert sniffed.kind is FileKind.XLSX and sniffed.mismatch is not None and "named .csv" in sniffed.mismatch
    text = tmp_path / "names.xlsx"
    text.write_text("姓名\n张三\n", encoding="utf-8")
    with pytest.raises(NotASpreadsheet, match=r"named \.xlsx but holds text"):
        sniff(text)
    pdf = tmp_path / "scan.csv"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    with pytest.raises(NotASpreadsheet, match="a PDF document"):
        sniff(pdf)
    binary = tmp_path / "zeros.csv"
    binary.write_bytes(b"\x00" * 4096)
    with pytest.raises(NotASpreadsheet, match="not text"):
        sniff(binary)


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8-sig"), ("gbk", "gb18030"), ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
])
def test_text_encodings_are_told_from_a_sample(tmp_path: Path, encoding: str, expected: str) -> None:
    path = write_csv(tmp_path / "census.csv", census_csv_rows(), encoding)
    assert sniff(path).encoding == expected
    heads = sheet_heads(path)
    assert heads.sheets[0][1][1][1] == "张三"


def test_mixed_encodings_are_an_encoding_problem_naming_the_encodings(tmp_path: Path) -> None:
    rows = census_csv_rows()
    early = tmp_path / "early.csv"  # UTF-8 and GBK lines within the sample
    early.write_bytes(",".join(map(str, rows[0])).encode("utf-8") + b"\n"
                      + ",".join(str(v or "") for v in rows[1]).encode("gbk") + b"\n")
    with pytest.raises(ReadError, match=r"encoding problem.*tried UTF-8, UTF-16, GB18030") as caught:
        sheet_heads(early)
    assert "rename the headers" not in str(caught.value)
    late = tmp_path / "late.csv"  # UTF-8 for the whole sample, then a GBK row
    body = "\n".join(",".join(str(v or "") for v in rows[1]) for _ in range(2000)).encode("utf-8")
    late.write_bytes(",".join(rows[0]).encode() + b"\n" + body + b"\n" + "王五,男".encode("gbk") + b"\n")
    heads = sheet_heads(late)
    with SheetReader(heads.sheets[0][0]) as reader, pytest.raises(
            ReadError, match=r"late.csv: has an encoding problem: line 2,002 is not UTF-8, the encoding of the file's "
                             r"start, so the file mixes encodings \(tried UTF-8, UTF-16, GB18030 \(GBK\)\)"):
        for _ in reader.rows():
            pass
    gbk_first = tmp_path / "gbk_first.csv"  # GB18030 decodes UTF-8 bytes too, garbled: the line is caught anyway
    body = "\n".join(",".join(str(v or "") for v in rows[1]) for _ in range(2000)).encode("gbk")
    gbk_first.write_bytes(",".join(rows[0]).encode("gbk") + b"\n" + body + b"\n" + "王五,男,汉族".encode() + b"\n"
                          + body)
    heads = sheet_heads(gbk_first)
    assert heads.sheets[0][0].encoding == "gb18030"
    with SheetReader(heads.sheets[0][0]) as reader, pytest.raises(
            ReadError, match=r"line 2,002 is not GB18030 \(GBK\), the encoding of the file's start, so the file "
                             r"mixes encodings"):
        for _ in reader.rows():
            pass


def test_fifo_device_and_folder_named_as_files_are_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "census.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "sub" / "roster.xlsx"
    folder.mkdir(parents=True)
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.extend(discover([tmp_path, Path("/dev/zero"), fifo])),
                              daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "looking at a FIFO or a device must not wait"
    messages = [str(f) for f in found if isinstance(f, ReadError)]
    assert f"{fifo}: is a named pipe (FIFO), not a file; give the path of a saved .xlsx or .csv file." in messages
    assert "/dev/zero: is a device, not a file; give the path of a saved .xlsx or .csv file." in messages
    assert not [f for f in found if isinstance(f, Path)]  # the folder named roster.xlsx is not a file to read
    with pytest.raises(NotASpreadsheet, match="named pipe"):
        sniff(fifo)


# --- bounded reading ---------------------------------------------------------------------------------------

def test_a_far_cell_or_a_long_shared_string_is_reported_not_allocated(tmp_path: Path) -> None:
    far = far_cell_xlsx(tmp_path / "far.xlsx")
    assert far.stat().st_size < 2500
    heads = sheet_heads(far)
    assert heads.sheets == [] and heads.over == [(
        "Sheet1", "sheet 'Sheet1' cell XFD1048576 is beyond column ALL (1,000 columns, GRIDGRAPH_LOAD_MAX_COLUMNS); "
                  "it was not read. Delete the stray cells to the right of the data.")]
    long = long_shared_string_xlsx(tmp_path / "long.xlsx")
    assert long.stat().st_size < 32_000
    heads = sheet_heads(long)
    assert heads.sheets == [] and heads.over[0][1].startswith(
        "its shared strings hold a value of more than 132,092 bytes, longer than the 32,767 characters a cell may "
        "hold (GRIDGRAPH_LOAD_MAX_CELL_CHARS)")


def test_caps_come_from_the_settings(tmp_path: Path, settings: Settings) -> None:
    from loaders.readers import ReadLimits

    rows = "".join(inline_row(r, [("A" + str(r), "x" * 50), ("C" + str(r), "y")]) for r in range(1, 41))
    path = raw_xlsx(tmp_path / "book.xlsx", [("S", "visible", rows)])
    for changed, message in ((dict(load_max_rows=30), "has a row 31, more than 30 rows (GRIDGRAPH_LOAD_MAX_ROWS)"),
                             (dict(load_max_columns=2), "cell C1 is beyond column B (2 columns"),
                             (dict(load_max_cell_chars=40), "cell A1 holds 50 characters, more than 40")):
        limits = ReadLimits.from_settings(replace(settings, **changed))  # type: ignore[arg-type]
        heads = sheet_heads(path, limits, rows=100)
        assert heads.sheets == [] and message in heads.over[0][1], heads


def test_csv_cell_over_the_limit_is_an_error_at_its_row(tmp_path: Path) -> None:
    rows = [*census_csv_rows(), census_row(None, "王" * 40_000, None, "子女"), *census_csv_rows()[1:]]
    path = write_csv(tmp_path / "long.csv", rows, "utf-8")
    heads = sheet_heads(path, rows=2)
    with SheetReader(heads.sheets[0][0]) as reader, pytest.raises(
            ReadError, match=r"long.csv row 4: a cell holds more than 32,767 characters "
                             r"\(GRIDGRAPH_LOAD_MAX_CELL_CHARS\); rows from 4 on were not read"):
        assert [n for n, _ in reader.rows()] == [1, 2, 3]


def test_csv_line_too_long_or_too_wide_is_an_error_at_its_line(tmp_path: Path) -> None:
    commas = tmp_path / "commas.csv"
    commas.write_bytes(b"a,b\n1,2\n" + b"," * 3_000_000 + b"\n3,4\n")
    heads = sheet_heads(commas, rows=1)
    with SheetReader(heads.sheets[0][0]) as reader, pytest.raises(
            ReadError, match=r"commas.csv: line 3 is longer than 2,161,088 bytes, more than a row within the caps"):
        assert [n for n, _ in reader.rows()] == [1, 2]
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"a,b\n" + b"," * 1500 + b"x\n")
    with SheetReader(sheet_heads(wide, rows=1).sheets[0][0]) as reader, pytest.raises(
            ReadError, match=r"wide.csv row 2: has a value beyond column 1,000 \(GRIDGRAPH_LOAD_MAX_COLUMNS\)"):
        list(reader.rows())


def test_excel_error_values_come_out_as_such(tmp_path: Path) -> None:
    data = ('<row r="1"><c r="A1" t="e"><f>A9/0</f><v>#DIV/0!</v></c><c r="B1" t="e"><v>#N/A</v></c>'
            '<c r="C1"><v>3</v></c></row>')
    path = raw_xlsx(tmp_path / "errors.xlsx", [("S", "visible", data)])
    with SheetReader(sheet_heads(path).sheets[0][0]) as reader:
        [(number, cells)] = list(reader.rows())
    assert number == 1 and cells == ["#DIV/0!", "#N/A", 3.0]
    assert isinstance(cells[0], ExcelError) and isinstance(cells[1], ExcelError)


# --- the import goes on ------------------------------------------------------------------------------------

def test_hostile_files_are_each_reported_and_the_rest_is_imported(db: Database, test_env: dict[str, str],
                                                                  tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    roster_workbook(folder / "a_roster.xlsx")
    far_cell_xlsx(folder / "far.xlsx")
    long_shared_string_xlsx(folder / "long.xlsx")
    rows = census_csv_rows()
    write_csv(folder / "long_cell.csv", [*rows[:2], census_row("009", "王" * 200_000, None, "户主")], "utf-8")
    write_csv(folder / "unicode.csv", rows, "utf-16")
    mixed = folder / "mixed.csv"
    mixed.write_bytes(",".join(rows[0]).encode() + b"\n" + ",".join(str(v or "") for v in rows[1]).encode("gbk")
                      + b"\n" + "赵六,男".encode() + b"\n")
    (folder / "ole.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    os.mkfifo(folder / "pipe.csv")
    roster_workbook(tmp_path / "roster.xlsx").rename(folder / "renamed.csv")

    code, output, peak = measured_load(test_env, str(folder), "/dev/zero")
    assert code == 2, output
    assert f"could not read {folder / 'far.xlsx'} [Sheet1]: sheet 'Sheet1' cell XFD1048576 is beyond column" in output
    assert f"could not read {folder / 'long.xlsx'} [Sheet1]: its shared strings hold a value of more than" in output
    assert f"{folder / 'long_cell.csv'} row 3: a cell holds more than 32,767 characters" in output
    assert "Shorten the cell (or fix an unclosed quote before it), then import again. The data rows before it (1) " \
           "were imported." in output
    assert f"could not read {mixed}: has an encoding problem" in output and "tried UTF-8, UTF-16, GB18030" in output
    assert f"could not read {folder / 'ole.xls'}: cannot be read as a workbook" in output
    assert f"could not read {folder / 'pipe.csv'}: is a named pipe (FIFO)" in output
    assert "could not read /dev/zero: is a device" in output
    assert "file_type_mismatch" in output and "renamed.csv" in output
    assert "Traceback" not in output and "rename the headers" not in output.lower()
    assert count(db, "MATCH (g:Grid) RETURN count(g) AS n") == 4  # the roster, and the same one named .csv
    names = {r["name"] for r in db.read("MATCH (p:Person)-[:MEMBER_OF]->() RETURN p.name AS name")}
    assert {"张三", "李四"} <= names  # the UTF-16 census, and the rows before the long cell
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB"


@pytest.mark.slow
def test_a_million_junk_rows_keep_memory_flat_and_stream_the_report(db: Database, test_env: dict[str, str],
                                                                   tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    with junk.open("w", encoding="utf-8") as out:
        out.write(",".join(CENSUS_HEADERS) + "\n")
        line = "x,y,z,,1,,,,,,,,,\n"
        out.write(line * 1_000_000)
    report = tmp_path / "report.json"
    code, output, peak = measured_load(test_env, str(junk), "--report", str(report), timeout=1800)
    assert code == 0, output
    assert "1000000 rows read: 0 created, 0 updated, 0 unchanged, 1000000 rejected" in output
    with report.open(encoding="utf-8") as lines:  # read a line at a time: the report is large
        summary = json.loads("".join(iter(lines.readline, ' "issues": [\n')) + '"": 0}')
        issues_written = sum(1 for line in lines if line.startswith("  {"))
    assert summary["totals"]["rejected"] == 1_000_000
    assert issues_written == sum(summary["issueCounts"].values()) >= 1_000_000
    assert not list(tmp_path.glob(".gridgraph-issues-*"))  # the spool file is gone
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB"


def test_junk_rows_keep_memory_flat(db: Database, test_env: dict[str, str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    with junk.open("w", encoding="utf-8") as out:
        out.write(",".join(CENSUS_HEADERS) + "\n" + "x,y,z,,1,,,,,,,,,\n" * 100_000)
    report = tmp_path / "report.json"
    code, output, peak = measured_load(test_env, str(junk), "--report", str(report))
    assert code == 0, output
    assert "100000 rows read: 0 created, 0 updated, 0 unchanged, 100000 rejected" in output
    written = json.loads(report.read_text(encoding="utf-8"))
    assert len(written["issues"]) == sum(written["issueCounts"].values()) >= 100_000
    assert written["issuesComplete"] is True
    assert not list(tmp_path.glob(".gridgraph-issues-*"))
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB"


def test_excel_errors_empty_files_and_hidden_sheets_are_said(load: Load, roster: Path, tmp_path: Path,
                                                             db: Database) -> None:
    header = inline_row(1, [(f"{chr(65 + i)}1", h) for i, h in enumerate(CENSUS_HEADERS)])
    person = census_row("001", "张三", id_number(sequence="011"), "户主")
    cells = [(f"{chr(65 + i)}2", str(v)) for i, v in enumerate(person) if v]
    row2 = inline_row(2, cells).replace("</row>", '<c r="N2" t="e"><f>VLOOKUP(A2,X:Y,2,0)</f><v>#N/A</v></c></row>')
    row3 = ('<row r="3"><c r="A3" t="inlineStr"><is><t>002</t></is></c><c r="B3" t="e"><f>Sheet9!A1</f>'
            '<v>#REF!</v></c></row>')
    census = raw_xlsx(tmp_path / "census.xlsx", [("东村", "visible", header + row2 + row3)])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    hidden = raw_xlsx(tmp_path / "hidden.xlsx", [("人口", "hidden", header + inline_row(2, cells))])
    report = load(roster, census, empty, hidden)
    errors = issues(report, "excel_error")
    assert [(i.row, i.column, i.value) for i in errors] == [(2, "备注", "#N/A"), (3, "姓名", "#REF!")]
    assert "cell N2 holds the Excel error #N/A (a lookup (such as VLOOKUP) found no match)" in errors[0].message
    assert "cell B3 holds the Excel error #REF! (a formula refers to cells that were deleted)" in errors[1].message
    assert count(db, "MATCH (p:Person {name: '张三'}) RETURN count(p) AS n") == 1
    [nothing] = issues(report, "file_empty")
    assert nothing.file == str(empty) and "nothing was imported" in nothing.message
    [unseen] = issues(report, "sheets_hidden")
    assert unseen.file == str(hidden) and "'人口' are hidden" in unseen.message and "Unhide" in unseen.message
    assert report.totals()["warnings"] >= 4


def test_older_formats_are_read_in_a_guarded_process(load: Load, tmp_path: Path, db: Database,
                                                     settings: Settings) -> None:
    ods = _ods_roster(tmp_path / "roster.ods")
    report = Importer(db, replace(settings, load_reader_memory=1 << 30)).run([ods])
    assert report.unreadable == [], report.files
    assert count(db, "MATCH (g:Grid) RETURN count(g) AS n") == 4
    # A reader that dies (here: no room even to start) ends its child process only; the file is reported.
    starved = Importer(db, replace(settings, load_reader_memory=16 << 20)).run(
        [ods, roster_workbook(tmp_path / "r.xlsx")])
    [failed] = starved.unreadable
    assert failed.error is not None and failed.error.startswith(
        f"{ods}: could not be read within 16 MB of memory (GRIDGRAPH_LOAD_READER_MEMORY")
    assert [s.kind for f in starved.files for s in f.sheets] == ["grids"]


def _ods_roster(path: Path) -> Path:
    import zipfile

    from tests.loaders.workbooks import ROSTER, ROSTER_HEADERS

    def row(values: tuple[str, ...]) -> str:
        return "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' if v else
            "<table:table-cell/>" for v in values) + "</table:table-row>"

    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               '<office:spreadsheet><table:table table:name="网格">'
               + row(ROSTER_HEADERS) + "".join(row(r) for r in ROSTER)
               + "</table:table></office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                         'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                         'manifest:media-type="text/xml"/></manifest:manifest>')
    return path


def test_bom_sample_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"a,b\n" * 100_000)
    assert sniff(path, sample_bytes=1024).encoding == "utf-8-sig"
