"""Sheet kinds and their columns: the headers clerks write (with synonyms), finding the header row, and
recognising which kind a sheet is. A sheet that matches no kind is reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from loaders.values import to_halfwidth


@dataclass(frozen=True)
class Column:
    """One field of a sheet kind: its name in code, the header as the sample sheets write it, synonyms."""

    field: str
    header: str
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


@dataclass(frozen=True)
class SheetKind:
    """A kind of sheet: recognised when all ``signature`` fields are present; ``required`` must be too."""

    name: str
    label: str
    columns: tuple[Column, ...]
    signature: frozenset[str]
    required: frozenset[str]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


def _c(field: str, header: str, *synonyms: str) -> Column:
    return Column(field, header, synonyms)


_GRID = _c("grid", "所属网格", "网格", "所在网格", "网格名称", "网格编码", "所属网格编码", "所属网格名称")
_REPORTED = ("登记日期", "登记时间", "受理日期", "受理时间", "发生日期", "发生时间", "上报时间", "上报日期")

CENSUS = SheetKind(
    "census", "人口信息",
    (
        _c("household", "户号", "户编号", "户籍号"),
        _c("name", "姓名", "居民姓名", "人员姓名"),
        _c("sex", "性别"),
        _c("ethnicity", "民族"),
        _c("id_number", "身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码", "居民身份证号码"),
        _c("birth_date", "出生日期", "出生年月", "出生年月日"),
        _c("relation", "与户主关系", "与户主的关系", "家庭关系", "关系"),
        _c("address", "现住址", "住址", "家庭住址", "现居住地址", "居住地址"),
        _c("political_status", "政治面貌"),
        _c("phone", "联系电话", "手机号码", "联系方式", "手机号", "电话", "电话号码"),
        _GRID,
        _c("unit", "所属单元", "单元", "单元名称"),
        _c("tags", "人员类别", "人员类型", "特殊人群", "人群类别", "重点人群"),
        _c("note", "备注"),
    ),
    signature=frozenset({"name", "id_number", "household"}),
    required=frozenset({"name", "household", "grid"}),
)

GRIDS = SheetKind(
    "grids", "网格",
    (
        _c("code", "网格编码", "网格代码", "网格编号"),
        _c("name", "网格名称"),
        _c("level", "层级", "网格层级", "网格级别", "级别"),
        _c("parent", "上级网格", "上级网格编码", "上级网格代码", "上级"),
        _c("kind", "网格类型", "类型", "网格类别"),
        _c("region", "区划代码", "行政区划代码", "统计用区划代码"),
        _c("chief", "网格长", "网格长姓名"),
        _c("chief_phone", "网格长电话", "网格长联系电话", "网格长手机"),
        _c("members", "网格员", "网格员姓名", "专职网格员"),
        _c("member_phones", "网格员电话", "网格员联系电话", "网格员手机"),
        _c("member_kinds", "网格员类别", "网格员类型"),
        _c("member_departments", "网格员所属部门", "网格员部门", "所属部门"),
        _c("stars", "星级", "星级评定", "星级网格"),
    ),
    signature=frozenset({"code", "name"}),
    required=frozenset({"code", "name"}),
)

UNITS = SheetKind(
    "units", "单元",
    (
        _c("name", "单元名称", "单元", "单元名"),
        _c("code", "单元编码", "单元代码"),
        _GRID,
        _c("chief", "单元长", "单元长姓名"),
        _c("chief_phone", "单元长电话", "单元长联系电话"),
        _c("households", "包含户号", "户号", "所含户号", "包含户"),
    ),
    signature=frozenset({"name", "households"}),
    required=frozenset({"name", "grid", "households"}),
)

PARTY_ORGS = SheetKind(
    "party_orgs", "党组织",
    (
        _c("code", "组织编码", "党组织编码", "组织代码"),
        _c("name", "组织名称", "党组织名称"),
        _c("kind", "组织类型", "党组织类型", "组织类别"),
        _c("parent", "上级组织", "上级党组织", "上级组织编码"),
        _c("grid", "所在网格", "所属网格", "网格"),
    ),
    signature=frozenset({"code", "name"}),
    required=frozenset({"code", "name"}),
)

CONTACTS = SheetKind(
    "contacts", "党员联系户",
    (
        _c("member_name", "党员姓名", "联系党员", "党员"),
        _c("member_id", "党员身份证号", "党员身份证号码", "党员公民身份号码", "身份证号"),
        _c("party_org", "所属党组织", "党组织", "所在党支部", "所属支部"),
        _GRID,
        _c("households", "联系户号", "联系户", "联系户户号", "户号"),
        _c("since", "联系时间", "结对时间", "开始联系时间"),
    ),
    signature=frozenset({"member_name", "households"}),
    required=frozenset({"member_name", "member_id", "grid", "households"}),
)

DISPUTES = SheetKind(
    "disputes", "矛盾纠纷台账",
    (
        _c("code", "编号", "案件编号", "纠纷编号", "登记编号"),
        _c("reported", "登记日期", *_REPORTED[1:]),
        _GRID,
        _c("parties", "当事人", "当事人姓名", "纠纷当事人", "双方当事人"),
        _c("party_ids", "当事人身份证号", "当事人身份证号码", "当事人公民身份号码"),
        _c("category", "纠纷类型", "纠纷类别", "矛盾类型", "矛盾纠纷类型"),
        _c("title", "标题", "纠纷名称", "事项名称"),
        _c("description", "纠纷简要情况", "简要情况", "纠纷情况", "矛盾纠纷简要情况", "主要内容", "基本情况"),
        _c("mediator", "调解员", "调解人", "化解人", "调处人"),
        _c("outcome", "调解结果", "化解情况", "调处结果", "调解情况"),
        _c("status", "办理状态", "状态", "化解状态", "处理状态"),
        _c("closed", "办结日期", "办结时间", "化解日期", "结案日期"),
        _c("deadline", "办理时限", "化解时限", "截止日期"),
    ),
    signature=frozenset({"parties", "category"}),
    required=frozenset({"grid", "parties"}),
)

HOTLINE = SheetKind(
    "hotline", "12345工单",
    (
        _c("code", "工单编号", "工单号"),
        _c("reported", "来电时间", "受理时间", "来电日期", "派单时间", "登记时间"),
        _GRID,
        _c("category", "诉求类型", "工单类型", "问题类型", "诉求分类"),
        _c("description", "诉求内容", "来电内容", "工单内容", "问题描述"),
        _c("title", "标题", "工单标题"),
        _c("organization", "承办单位", "办理单位", "责任单位", "承办部门"),
        _c("deadline", "办理时限", "办结时限", "截止时间", "办理期限"),
        _c("urgency", "紧急程度", "缓急程度", "紧急度", "工单级别"),
        _c("status", "办理状态", "状态", "工单状态"),
        _c("closed", "办结时间", "办结日期", "完成时间"),
        _c("satisfaction", "满意度", "满意度评价", "评价"),
    ),
    signature=frozenset({"code", "description"}),
    required=frozenset({"code", "grid"}),
)

WISHES = SheetKind(
    "wishes", "微心愿",
    (
        _c("code", "编号", "心愿编号"),
        _c("reported", "登记日期", *_REPORTED[1:]),
        _GRID,
        _c("person", "心愿人", "心愿人姓名", "许愿人"),
        _c("person_id", "心愿人身份证号", "心愿人身份证号码"),
        _c("description", "心愿内容", "微心愿内容", "心愿"),
        _c("title", "标题"),
        _c("claimer", "认领人", "认领人姓名", "认领党员"),
        _c("claimed", "认领时间", "认领日期"),
        _c("status", "状态", "办理状态", "心愿状态"),
        _c("closed", "实现时间", "实现日期", "办结日期", "完成时间"),
        _c("deadline", "办理时限", "截止日期"),
    ),
    signature=frozenset({"person", "description"}),
    required=frozenset({"grid", "person", "description"}),
)

# The order sheets are imported in: what a sheet refers to is loaded before it.
KINDS: tuple[SheetKind, ...] = (GRIDS, PARTY_ORGS, CENSUS, UNITS, CONTACTS, DISPUTES, HOTLINE, WISHES)

_DECORATION = re.compile(r"[\s*＊:：]|[(（][^)）]*[)）]$")


def normalise_header(cell: object) -> str:
    """A header cell without spaces, ``*`` marks, colons or a trailing note in brackets (``身份证号(18位)``)."""
    text = to_halfwidth(str(cell or "")).replace("\u3000", "")
    previous = None
    while previous != text:
        previous, text = text, _DECORATION.sub("", text)
    return text


@dataclass(frozen=True)
class HeaderMatch:
    """A recognised header row: the kind, the row index (0-based), and field → column index."""

    kind: SheetKind
    row_index: int
    columns: dict[str, int]
    headers: tuple[str, ...]
    ignored: tuple[str, ...]


def match_kind(kind: SheetKind, cells: Sequence[object]) -> tuple[dict[str, int], list[str]]:
    """Map each header cell to a field of ``kind``: (field → column, headers not used)."""
    lookup = {name: column.field for column in kind.columns for name in column.names}
    mapped: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        header = normalise_header(cell)
        if not header:
            continue
        field = lookup.get(header)
        if field is not None and field not in mapped:
            mapped[field] = index
        else:
            ignored.append(header)
    return mapped, ignored


def find_header(rows: Sequence[Sequence[object]]) -> HeaderMatch | None:
    """The first row that carries a kind's signature headers, and that kind (the one matching most columns)."""
    for index, cells in enumerate(rows):
        best: HeaderMatch | None = None
        for kind in KINDS:
            mapped, ignored = match_kind(kind, cells)
            if not kind.signature <= mapped.keys():
                continue
            if best is None or len(mapped) > len(best.columns):
                headers = tuple(normalise_header(c) for c in cells)
                best = HeaderMatch(kind, index, mapped, headers, tuple(ignored))
        if best is not None:
            return best
    return None


def visible_headers(rows: Sequence[Sequence[object]]) -> list[str]:
    """The texts of the first row that has several non-empty cells (to say what a rejected sheet had)."""
    for cells in rows:
        texts = [normalise_header(c) for c in cells if normalise_header(c)]
        if len(texts) >= 2:
            return texts
    return []
