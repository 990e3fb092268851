"""Workbooks in formats read by python-calamine (.xls, .xlsb, .ods), read in a child process with a memory cap.

Calamine loads a whole sheet into a dense grid sized by its last cell; when that allocation fails, Rust aborts
the process rather than raising. In a child process under an address-space limit, such a file ends the child
only: the import reports the file and goes on. Rows come back over a pipe as ``marshal`` records:

``("sheet", name, visible)`` a sheet of the workbook, in order; ``("over", name, message)`` a sheet over a cap;
``("merges", [(first row, last row, column)])`` vertical merges of the sheet being read (rows 1-based);
``("row", number, cells)``; ``("error", message)``; ``("end",)``.

Run as ``python -m loaders.guarded MODE PATH MEMORY ROWS COLUMNS CELL_CHARS [SHEET]`` with MODE ``heads`` (every
visible sheet with its first rows) or ``rows`` (one sheet, all rows).
"""

from __future__ import annotations

import marshal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

from loaders.xlsx import EXCEL_ERRORS, ExcelError, Limits, OverCap, WorkbookError, column_name

HEAD_ROWS = 30


def records(mode: str, path: Path, limits: Limits, memory: int, sheet: str | None = None) -> Iterator[tuple[Any, ...]]:
    """The child's records, decoded; raise :class:`WorkbookError` if the child fails or dies."""
    command = [sys.executable, "-m", "loaders.guarded", mode, str(path), str(memory), str(limits.rows),
               str(limits.columns), str(limits.cell_chars), *([sheet] if sheet is not None else [])]
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    ended = False
    try:
        while True:
            try:
                record = marshal.load(child.stdout)
            except (EOFError, ValueError, TypeError):
                break
            if record[0] == "end":
                ended = True
                break
            if record[0] == "error":
                raise WorkbookError(str(record[1]))
            yield _decoded(record)
    finally:
        child.stdout.close()
        code = child.wait()
    if not ended:
        raise WorkbookError(f"could not be read within {memory // (1 << 20):,} MB of memory (GRIDGRAPH_LOAD_READER_"
                            f"MEMORY; the reader stopped with status {code}): a sheet's cells reach too far, or a "
                            "value is too large. Open it in Excel or WPS, delete stray cells far from the data, and "
                            "save it as .xlsx.")


def _decoded(record: tuple[Any, ...]) -> tuple[Any, ...]:
    if record[0] != "row":
        return record
    cells = [_cell_in(value) for value in record[2]]
    return ("row", record[1], cells)


def _cell_in(value: object) -> object:
    if isinstance(value, tuple):
        tag, text = value
        if tag == "dt":
            return datetime.fromisoformat(text)
        if tag == "d":
            return date.fromisoformat(text)
        if tag == "e":
            return ExcelError(text)
        return text
    return value


def _cell_out(value: object, limits: Limits, where: str) -> object:
    if isinstance(value, datetime):
        return ("dt", value.isoformat())
    if isinstance(value, date):
        return ("d", value.isoformat())
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, str):
        if len(value) > limits.cell_chars:
            raise OverCap(f"{where} holds {len(value):,} characters, more than {limits.cell_chars:,} "
                          f"({limits.settings[2]}); shorten it, then import again.")
        if value in EXCEL_ERRORS:
            return ("e", value)
    return value


def _child(argv: list[str]) -> None:
    import resource

    mode, path, memory, rows, columns, cell_chars = argv[:6]
    sheet_name = argv[6] if len(argv) > 6 else None
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    limits = Limits(rows=int(rows), columns=int(columns), cell_chars=int(cell_chars))
    out = sys.stdout.buffer

    def send(*record: object) -> None:
        marshal.dump(cast(Any, record), out)

    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_path(path) as workbook:
            for meta in workbook.sheets_metadata:
                if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                    continue
                visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
                if mode == "heads":
                    send("sheet", meta.name, visible)
                if (mode == "heads" and not visible) or (mode == "rows" and meta.name != sheet_name):
                    continue
                sheet = workbook.get_sheet_by_name(meta.name)
                height, width = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
                if height > limits.rows or width > limits.columns:
                    send("over", meta.name, f"sheet {meta.name!r} reaches cell {column_name(width - 1)}{height}, "
                         f"more than {limits.rows:,} rows or {limits.columns:,} columns ({limits.settings[0]}, "
                         f"{limits.settings[1]}); it was not read. Delete the stray cells far from the data.")
                    continue
                offset = sheet.start[1] if sheet.start else 0  # rows start at row 1, columns at the first used
                if mode == "rows":
                    merges = sorted((r0 + 1, r1 + 1, c0) for (r0, c0), (r1, _c1) in (sheet.merged_cell_ranges or [])
                                    if r1 > r0)
                    send("merges", merges)
                for index, row in enumerate(sheet.iter_rows()):
                    if mode == "heads" and index >= HEAD_ROWS:
                        break
                    number = index + 1
                    cells = [""] * offset + [_cell_out(v, limits, f"sheet {meta.name!r} row {number}") for v in row]
                    send("row", number, cells)
                if mode == "rows":
                    break
        send("end")
    except OverCap as error:
        send("error", str(error))
    except Exception as error:  # calamine raises several unrelated types for damaged or foreign files
        send("error", f"cannot be read as a workbook ({type(error).__name__}: {error}). Open it in Excel or WPS "
                      "and save it again as .xlsx.")
    out.flush()


if __name__ == "__main__":
    _child(sys.argv[1:])
