"""The generated sample: deterministic, valid where it should be, spoiled exactly where the manifest says."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from cli.main import cli
from loaders.sample import generate
from loaders.sample.census import CENSUS_HEADERS
from loaders.sample.identity import check_character, is_male_sequence, is_valid_id_number, legacy_id_number
from loaders.sample.ledgers import CONTACT_HEADERS

AS_OF = date(2025, 6, 30)
PARTY = ("中共党员", "中共预备党员")
VULNERABLE = ("低保户", "五保户", "独居老人", "空巢老人", "留守儿童", "残疾人")
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
COL = {name: i for i, name in enumerate(CENSUS_HEADERS)}


@pytest.fixture(scope="module")
def xlsx_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample-xlsx")
    generate(root, "village", seed=7, fmt="xlsx", as_of=AS_OF)
    return root


@pytest.fixture(scope="module")
def csv_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample-csv")
    generate(root, "village", seed=7, fmt="csv", as_of=AS_OF)
    return root


def manifest_of(root: Path) -> dict[str, Any]:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def read_sheet(root: Path, record: dict[str, Any]) -> list[list[Any]]:
    """All rows of a sheet or CSV file; row n as Excel shows it is at index n - 1."""
    path = root / record["file"]
    if path.suffix == ".xlsx":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(record["sheet"]).to_python(
            skip_empty_area=False)
        return [list(r) for r in rows]
    return list(csv.reader(io.StringIO(path.read_bytes().decode(record["encoding"]))))


def text(value: Any) -> str:
    """A read cell as the text the manifest records."""
    if isinstance(value, float):
        return f"{value:.14E}" if value > 1e15 else str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def normal_id(value: Any) -> str:
    """An ID number the way a loader normalises it (15-digit numbers converted)."""
    number = text(value).translate(_FULLWIDTH).replace(" ", "").replace("\u3000", "").upper()
    if len(number) == 15 and number.isdigit():
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_character(first17)
    return number


def data_rows(root: Path, record: dict[str, Any]) -> list[tuple[int, list[Any]]]:
    """(Excel row, values) of the rows holding data, merged cells filled down as a loader would."""
    rows = read_sheet(root, record)
    result = []
    previous: list[Any] = []
    for number in range(record["headerRow"] + 1, record["lastDataRow"] + 1):
        values = rows[number - 1] if number <= len(rows) else []
        if not any(text(v).strip() for v in values):
            continue
        if record["kind"] == "census" and previous:
            for column in (COL["户号"], COL["现住址"]):
                if values[column] in ("", None):
                    values[column] = previous[column]
        previous = values
        result.append((number, values))
    return result


def sheets_of(manifest: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [s for s in manifest["sheets"] if s["kind"] == kind]


def census(root: Path) -> list[tuple[dict[str, Any], int, list[Any]]]:
    manifest = manifest_of(root)
    return [(s, n, v) for s in sheets_of(manifest, "census") for n, v in data_rows(root, s)]


def defect_at(manifest: dict[str, Any]) -> dict[tuple[str, str | None, int], dict[str, Any]]:
    return {(d["file"], d["sheet"], d["row"]): d for d in manifest["defects"]}


def test_identity_numbers() -> None:
    assert check_character("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")
    assert legacy_id_number("11010519491231002X") == "110105491231002"
    assert not is_male_sequence("11010519491231002X")


def test_same_seed_same_files(xlsx_sample: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", "village", seed=7, fmt="xlsx", as_of=AS_OF)
    files = sorted(p.relative_to(xlsx_sample) for p in xlsx_sample.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file())
    for file in files:
        assert (xlsx_sample / file).read_bytes() == (tmp_path / "again" / file).read_bytes(), file
    generate(tmp_path / "other", "village", seed=8, fmt="xlsx", as_of=AS_OF)
    assert manifest_of(tmp_path / "other")["defects"] != manifest_of(xlsx_sample)["defects"]


def test_every_id_valid_except_the_deliberate_defects(xlsx_sample: Path) -> None:
    manifest = manifest_of(xlsx_sample)
    defects = defect_at(manifest)
    invalid = set()
    for sheet, row, values in census(xlsx_sample):
        number = normal_id(values[COL["身份证号"]])
        if not is_valid_id_number(number):
            invalid.add((sheet["file"], sheet["sheet"], row))
            continue
        code = defects.get((sheet["file"], sheet["sheet"], row), {}).get("code")
        if code != "sex_disagrees_with_id":
            assert is_male_sequence(number) == (values[COL["性别"]] == "男"), (row, number)
        birth = values[COL["出生日期"]]
        if isinstance(birth, date) or (isinstance(birth, str) and len(birth) == 10 and "-" in birth):
            written = birth if isinstance(birth, date) else date.fromisoformat(birth)
            if code != "birth_date_disagrees_with_id":
                assert f"{written:%Y%m%d}" == number[6:14], (row, number)
    rejected = {k for k, d in defects.items() if d["code"] in ("id_bad_check", "id_excel_float")}
    assert invalid == rejected
    assert rejected


def test_defects_are_where_the_manifest_says(xlsx_sample: Path) -> None:
    manifest = manifest_of(xlsx_sample)
    assert set(manifest["defectCounts"]) == {
        "id_lowercase_x", "id_fullwidth_digits", "id_embedded_spaces", "id_legacy_15", "id_bad_check",
        "id_excel_float", "date_excel_serial", "date_year_month_dot", "date_year_month_zh", "date_slash",
        "phone_plus86", "phone_spaces", "phone_dashes", "phone_wrong_length", "name_stray_spaces",
        "sex_disagrees_with_id", "birth_date_disagrees_with_id", "grid_unknown", "household_no_head",
        "household_two_heads", "person_in_two_villages", "contact_unknown_household"}
    records = {(s["file"], s["sheet"]): s for s in manifest["sheets"]}
    for defect in manifest["defects"]:
        record = records[defect["file"], defect["sheet"]]
        headers = CONTACT_HEADERS if record["kind"] == "partyContacts" else CENSUS_HEADERS
        cell = text(read_sheet(xlsx_sample, record)[defect["row"] - 1][headers.index(defect["column"])])
        if defect["code"] == "contact_unknown_household":
            assert defect["value"] in cell.split("、")
        else:
            assert cell == defect["value"], defect
    assert all(d["expect"] in ("normalised", "warning", "rejected", "conflict") for d in manifest["defects"])


def test_household_heads_and_movers(xlsx_sample: Path) -> None:
    manifest = manifest_of(xlsx_sample)
    heads: Counter[tuple[str, str]] = Counter()
    household_at: dict[tuple[str, str | None, int], tuple[str, str]] = {}
    by_id: dict[str, list[list[Any]]] = defaultdict(list)
    for sheet, row, values in census(xlsx_sample):
        key = (values[COL["所属网格"]][:11], values[COL["户号"]])
        heads[key] += values[COL["与户主关系"]] == "户主"
        household_at[sheet["file"], sheet["sheet"], row] = key
        by_id[normal_id(values[COL["身份证号"]])].append(values)
    for defect in manifest["defects"]:
        where = (defect["file"], defect["sheet"], defect["row"])
        if defect["code"] == "household_no_head":
            assert heads[household_at[where]] == 0
        elif defect["code"] == "household_two_heads":
            assert heads[household_at[where]] == 2
    assert sorted(heads.values()).count(1) == len(heads) - manifest["defectCounts"]["household_no_head"] \
        - manifest["defectCounts"]["household_two_heads"]
    moved = [rows for rows in by_id.values() if len(rows) == 2]
    assert len(moved) * 2 == manifest["defectCounts"]["person_in_two_villages"]
    for first, second in moved:
        assert first[COL["联系电话"]] != second[COL["联系电话"]]
        assert first[COL["所属网格"]][:11] != second[COL["所属网格"]][:11]


def test_counts_equal_what_the_files_contain(xlsx_sample: Path) -> None:
    manifest = manifest_of(xlsx_sample)
    counts = manifest["counts"]
    rows = census(xlsx_sample)
    assert len(rows) == counts["censusRows"] == sum(s["dataRows"] for s in sheets_of(manifest, "census"))
    assert len({normal_id(v[COL["身份证号"]]) for _, _, v in rows}) == counts["persons"]
    assert len({(v[COL["所属网格"]][:11], v[COL["户号"]]) for _, _, v in rows}) == counts["households"]

    def ledger(kind: str) -> list[list[Any]]:
        return [v for s in sheets_of(manifest, kind) for _, v in data_rows(xlsx_sample, s)]

    levels = Counter(r[2] for r in ledger("gridRoster"))
    assert levels == {"一级网格": counts["gridsLevel1"], "二级网格": counts["gridsLevel2"],
                      "微网格": counts["gridsLevel3"]}
    assert len(ledger("units")) == counts["units"]
    assert len(ledger("partyOrgs")) == counts["partyOrgs"]
    contacts = ledger("partyContacts")
    pairs = sum(len([n for n in str(r[4]).split("、") if n]) for r in contacts)
    assert pairs - manifest["defectCounts"]["contact_unknown_household"] == counts["contacts"]
    assert len({r[1] for r in contacts}) == counts["partyMembers"]
    assert len(ledger("disputes")) == counts["disputes"]
    assert len(ledger("hotline")) == counts["hotlineTickets"]
    assert len(ledger("wishes")) == counts["wishes"]


def test_layout_mess_is_recorded(xlsx_sample: Path) -> None:
    manifest = manifest_of(xlsx_sample)
    codes = Counter(r["code"] for r in manifest["layout"])
    assert {"title_row", "blank_row_above_header", "blank_row_in_data", "blank_row_below_data", "footer",
            "merged_cells"} <= set(codes)
    for record in manifest["layout"]:
        sheet = openpyxl.load_workbook(xlsx_sample / record["file"])[record["sheet"]]
        merged = {str(r) for r in sheet.merged_cells.ranges}
        row = [c.value for c in sheet[record["row"]]]
        if record["code"] == "merged_cells":
            assert set(record["ranges"]) <= merged
        elif record["code"] == "title_row":
            assert row[0] and any(r.startswith(f"A{record['row']}:") for r in merged)
        elif record["code"] == "footer":
            assert str(row[0]).startswith("填表人：")
        else:
            assert not any(row)
    synonyms = {h for s in sheets_of(manifest, "census") for h in s["headers"]} - set(CENSUS_HEADERS)
    assert {"公民身份号码", "手机号码", "出生年月", "网格"} <= synonyms
    assert len({s["file"] for s in sheets_of(manifest, "census")}) < len(sheets_of(manifest, "census"))


def test_families_have_consistent_ages(xlsx_sample: Path) -> None:
    households: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for _, _, values in census(xlsx_sample):
        number = normal_id(values[COL["身份证号"]])
        if is_valid_id_number(number):
            key = (values[COL["所属网格"]][:11], values[COL["户号"]])
            households[key].append((values[COL["与户主关系"]], number[6:14]))
    older = {"父亲", "母亲"}
    younger = {"子", "女", "孙子", "孙女", "儿媳"}
    for members in households.values():
        head = [born for relation, born in members if relation == "户主"]
        if len(head) != 1:
            continue
        for relation, born in members:
            if relation in older:
                assert born < head[0]
            elif relation in younger:
                assert born > head[0]


def test_party_contact_rules(xlsx_sample: Path) -> None:
    manifest = manifest_of(xlsx_sample)
    unknown = {(d["file"], d["sheet"], d["row"]): d["value"] for d in manifest["defects"]
               if d["code"] == "contact_unknown_household"}
    households: dict[str, set[str]] = defaultdict(set)
    vulnerable: set[tuple[str, str]] = set()
    party_ids = set()
    for _, _, values in census(xlsx_sample):
        key = (values[COL["所属网格"]][:11], values[COL["户号"]])
        households[key[0]].add(key[1])
        if any(t in VULNERABLE for t in str(values[COL["人员类别"]]).split("、")):
            vulnerable.add(key)
        if values[COL["政治面貌"]] in PARTY:
            party_ids.add(normal_id(values[COL["身份证号"]]))
    contacted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for sheet in sheets_of(manifest, "partyContacts"):
        for row, values in data_rows(xlsx_sample, sheet):
            numbers = {n for n in str(values[4]).split("、") if n} - {unknown.get((sheet["file"], sheet["sheet"], row))}
            assert numbers <= households[values[3]]
            contacted[values[1]] |= {(values[3], n) for n in numbers}
            if (sheet["file"], sheet["sheet"], row) in unknown:
                assert unknown[sheet["file"], sheet["sheet"], row] not in households[values[3]]
    assert set(contacted) == party_ids

    def age(number: str) -> int:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))

    active = [len(h) for m, h in contacted.items() if age(m) < 70]
    assert min(active) >= 5
    assert max(active) > 20                                              # overloaded
    assert any(h for m, h in contacted.items() if age(m) >= 70)         # exempt but still contacting
    assert any(not h for m, h in contacted.items() if age(m) >= 70)     # exempt
    everyone = {(v, n) for v, numbers in households.items() for n in numbers}
    uncontacted = everyone - set().union(*contacted.values())
    assert uncontacted & vulnerable
    assert len(uncontacted) == manifest["counts"]["uncontactedHouseholds"]


def test_ledgers_name_real_residents(xlsx_sample: Path) -> None:
    manifest = manifest_of(xlsx_sample)
    residents = {normal_id(v[COL["身份证号"]]): v[COL["姓名"]] for _, _, v in census(xlsx_sample)}
    for sheet in sheets_of(manifest, "disputes"):
        for _, values in data_rows(xlsx_sample, sheet):
            names, ids = values[3].split("、"), values[4].split("、")
            assert [residents[i] for i in ids] == names
            assert values[8] in ("调解成功", "调解不成", "调解中")
            assert values[9] in ("已化解", "调解中", "未化解", "已办结")
    for sheet in sheets_of(manifest, "wishes"):
        for _, values in data_rows(xlsx_sample, sheet):
            assert residents[values[4]] == values[3]


def test_csv_matches_xlsx_and_uses_the_recorded_encodings(xlsx_sample: Path, csv_sample: Path) -> None:
    as_xlsx, as_csv = manifest_of(xlsx_sample), manifest_of(csv_sample)
    assert as_csv["counts"] == as_xlsx["counts"]
    assert [(d["row"], d["code"]) for d in as_csv["defects"]] == [(d["row"], d["code"]) for d in as_xlsx["defects"]]
    encodings = set()
    for record in as_csv["sheets"]:
        data = (csv_sample / record["file"]).read_bytes()
        encodings.add(record["encoding"])
        assert data.startswith(b"\xef\xbb\xbf") == (record["encoding"] == "utf-8-sig")
        if record["encoding"] in ("gbk", "gb18030"):
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        assert len(data_rows(csv_sample, record)) == record["dataRows"]
    assert {"gbk", "utf-8-sig", "utf-8"} <= encodings
    rows = census(csv_sample)
    assert len({normal_id(v[COL["身份证号"]]) for _, _, v in rows}) == as_csv["counts"]["persons"]


def test_cli_writes_a_sample_and_refuses_a_full_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sample", str(tmp_path / "out"), "--scale", "village", "--seed", "3",
                                 "--as-of", "2025-06-30", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote ")
    assert manifest_of(tmp_path / "out")["format"] == "csv"
    again = runner.invoke(cli, ["sample", str(tmp_path / "out"), "--scale", "village"])
    assert again.exit_code == 1
    assert "is not empty" in again.output


@pytest.mark.slow
def test_a_town_has_the_shape_of_the_seeds(tmp_path: Path) -> None:
    manifest = generate(tmp_path, "town", seed=1, fmt="xlsx", as_of=AS_OF).to_json()
    counts = manifest["counts"]
    assert counts["gridsLevel1"] == 7 and counts["gridsLevel2"] == 90
    assert 22_000 <= counts["persons"] <= 28_000
    rows = census(tmp_path)
    political = Counter(v[COL["政治面貌"]] for _, _, v in rows)
    assert 0.06 <= (political["中共党员"] + political["中共预备党员"]) / len(rows) <= 0.08
    assert political["中共预备党员"] and political["共青团员"]
    assert Counter(v[COL["民族"]] for _, _, v in rows)["汉族"] / len(rows) > 0.95
    tags = Counter(t for _, _, v in rows for t in str(v[COL["人员类别"]]).split("、") if t)
    assert set(tags) == {*VULNERABLE, "退役军人"}
    per_grid: dict[str, set[str]] = defaultdict(set)
    for _, _, values in rows:
        per_grid[values[COL["所属网格"]]].add(values[COL["户号"]])
    sizes = [len(h) for h in per_grid.values() if len(h) > 5]
    assert 50 <= sorted(sizes)[len(sizes) // 2] <= 80
    assert manifest["counts"]["overloadedMembers"] and manifest["counts"]["exemptMembersWithContacts"]
