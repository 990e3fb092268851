"""Sheet kinds and their columns: the headers clerks write (with synonyms), finding the header row, and
recognising which kind a sheet is by the weight of evidence across its headers. A sheet that matches no kind
is reported with the kind that came closest and the headers it lacked, never guessed.

A header is compared after :func:`normalise_header`: half-width, without spaces or line breaks, ``*`` marks,
numbering (``1.姓名``, ``一、姓名``) or notes in brackets (``身份证号（18位）``, ``姓名（必填）``). A column's meaning
depends on the kind: ``姓名`` on a contact sheet is the party member, so each kind lists the words it reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from loaders.column_values import ValueClass, column_class
from schema.text import to_halfwidth


@dataclass(frozen=True)
class Column:
    """One field of a sheet kind: its name in code, the header as the README lists it, synonyms.

    ``multiple``: the field may span several columns (``联系户1``, ``联系户2`` …), whose values are joined.
    """

    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    multiple: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


@dataclass(frozen=True)
class SheetKind:
    """A kind of sheet: recognised when all ``signature`` fields are present; ``required`` must be too.

    ``alternatives`` lists fields any one of which satisfies ``required`` for another (a census row's grid may
    come from its village column instead). ``label`` is the kind as clerks name it.
    """

    name: str
    label: str
    columns: tuple[Column, ...]
    signature: frozenset[str]
    required: frozenset[str]
    alternatives: Mapping[str, frozenset[str]] = field(default_factory=dict)
    title_words: tuple[str, ...] = ()  # words of a sheet's, file's or title row's name that are evidence too
    # The field a column is when no synonym names its header but its values do (a column of ID numbers).
    by_values: Mapping[ValueClass, str] = field(default_factory=dict)

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    def recognised_by(self, present: set[str] | frozenset[str]) -> bool:
        """Whether ``present`` holds the signature (a field or one of its alternatives)."""
        return all(f in present or self.alternatives.get(f, frozenset()) & present for f in self.signature)

    def missing(self, present: set[str] | frozenset[str]) -> list[str]:
        """The required fields absent from ``present`` (a field counts as present when an alternative is)."""
        return sorted(f for f in self.required - present if not (self.alternatives.get(f, frozenset()) & present))


def _c(field: str, header: str, *synonyms: str, multiple: bool = False) -> Column:
    return Column(field, header, synonyms, multiple)


# Words shared by several kinds.
_GRID_WORDS = ("所属网格", "网格", "所在网格", "网格名称", "网格编码", "所属网格编码", "所属网格名称", "网格号",
               "网格编号", "所属微网格", "微网格", "所在微网格", "微网格名称", "所属网格微网格", "网格微网格", "网格名")
_GRID = _c("grid", *_GRID_WORDS)
_VILLAGE_WORDS = ("所属村", "村", "村居", "村名", "所属村居", "村社区", "所属村社区", "所属社区", "社区", "村委会",
                  "所属村委会", "行政村", "所在村", "所在村居", "所在社区", "村社区名称", "村名称", "社区名称",
                  "村居名称", "村委会名称", "所属行政村")
_VILLAGE = _c("village", *_VILLAGE_WORDS)
_TOWN = _c("town", "所属乡镇", "乡镇", "镇街", "乡镇街道", "所属镇街", "街道", "镇", "所属街道", "所在乡镇", "乡镇名称")
_REPORTED = ("登记日期", "登记时间", "受理日期", "受理时间", "发生日期", "发生时间", "上报时间", "上报日期", "排查日期",
             "排查时间", "发现时间", "创建时间", "录入时间")
_ID_WORDS = ("身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码", "居民身份证号码", "证件号",
             "公民身份证号码", "身份证件号码", "身份号码", "身份证编号", "公民身份证号")
_NAME_WORDS = ("姓名", "居民姓名", "人员姓名", "成员姓名", "家庭成员姓名", "名字", "人口姓名")
_PHONE_WORDS = ("联系电话", "手机号码", "联系方式", "手机号", "电话", "电话号码", "手机", "本人电话", "联系手机",
                "移动电话", "本人联系电话", "联系号码")

CENSUS = SheetKind(
    "census", "人口信息",
    (
        _c("household", "户号", "户编号", "户籍号", "家庭户号", "户代码", "户序号", "户编码", "家庭编号", "户口编号"),
        _c("name", *_NAME_WORDS),
        _c("sex", "性别"),
        _c("ethnicity", "民族", "族别"),
        _c("id_number", *_ID_WORDS),
        _c("birth_date", "出生日期", "出生年月", "出生年月日", "生日"),
        _c("head_name", "户主姓名", "户主"),
        _c("relation", "与户主关系", "与户主的关系", "家庭关系", "关系", "户内关系", "成员关系", "家庭成员关系",
           "与户主关系户主填本人"),
        _c("address", "现住址", "住址", "家庭住址", "现居住地址", "居住地址", "现居住地", "居住地", "现住地址",
           "家庭地址", "详细地址", "现居地址", "实际居住地址"),
        _c("political_status", "政治面貌", "政治身份"),
        _c("phone", *_PHONE_WORDS),
        _GRID,
        _VILLAGE,
        _TOWN,
        _c("unit", "所属单元", "单元", "单元名称", "所在单元", "单元编号", "单元号"),
        _c("tags", "人员类别", "人员类型", "特殊人群", "人群类别", "重点人群", "人员属性", "特殊人群类别", "标签",
           "人员标签", "困难类型", "特殊群体", "关爱对象类别", "重点人员类别", "人群分类"),
        _c("note", "备注", "备注说明"),
    ),
    signature=frozenset({"name", "id_number", "household"}),
    required=frozenset({"name", "household", "grid"}),
    alternatives={"grid": frozenset({"village"})},
    title_words=("人口", "户籍", "居民信息", "采集表", "普查", "户口", "家庭成员"),
    by_values={ValueClass.ID_NUMBER: "id_number", ValueClass.MOBILE: "phone"},
)

GRIDS = SheetKind(
    "grids", "网格",
    (
        _c("code", "网格编码", "网格代码", "网格编号", "网格号"),
        _c("name", "网格名称", "网格名", "网格", "微网格名称", "微网格"),
        _c("level", "层级", "网格层级", "网格级别", "级别"),
        _c("parent", "上级网格", "上级网格编码", "上级网格代码", "上级", "上级网格名称", "所属管区", "管区",
           "所属一级网格", "一级网格", "所属网格", "所属二级网格"),
        _c("kind", "网格类型", "类型", "网格类别"),
        _c("region", "区划代码", "行政区划代码", "统计用区划代码", "村区划代码", "村社区代码", "村代码", "村居代码"),
        _VILLAGE,
        _TOWN,
        _c("chief", "网格长", "网格长姓名"),
        _c("chief_id", "网格长身份证号", "网格长身份证号码", "网格长公民身份号码", "网格长身份证"),
        _c("chief_phone", "网格长电话", "网格长联系电话", "网格长手机", "网格长手机号", "网格长手机号码"),
        _c("members", "网格员", "网格员姓名", "专职网格员", "专职网格员姓名"),
        _c("member_ids", "网格员身份证号", "网格员身份证号码", "网格员公民身份号码", "网格员身份证"),
        _c("member_phones", "网格员电话", "网格员联系电话", "网格员手机", "网格员手机号", "网格员手机号码"),
        _c("member_kinds", "网格员类别", "网格员类型"),
        _c("member_departments", "网格员所属部门", "网格员部门", "所属部门"),
        _c("stars", "星级", "星级评定", "星级网格"),
    ),
    signature=frozenset({"name"}),
    required=frozenset({"code", "name"}),
    alternatives={"code": frozenset({"village"})},
    title_words=("网格信息", "网格划分", "网格员", "网格长", "花名册", "网格设置"),
)

UNITS = SheetKind(
    "units", "单元",
    (
        _c("name", "单元名称", "单元", "单元名", "单元编号", "单元号"),
        _c("code", "单元编码", "单元代码"),
        _GRID,
        _VILLAGE,
        _c("chief", "单元长", "单元长姓名"),
        _c("chief_id", "单元长身份证号", "单元长身份证号码", "单元长公民身份号码"),
        _c("chief_phone", "单元长电话", "单元长联系电话", "单元长手机", "单元长手机号"),
        _c("households", "包含户号", "户号", "所含户号", "包含户", "户号范围", "所辖户号", "联系户号", "包户户号",
           "包含户号范围", multiple=True),
    ),
    signature=frozenset({"name", "households"}),
    required=frozenset({"name", "grid", "households"}),
    alternatives={"grid": frozenset({"village"})},
    title_words=("单元",),
)

PARTY_ORGS = SheetKind(
    "party_orgs", "党组织",
    (
        _c("code", "组织编码", "党组织编码", "组织代码", "党组织代码", "组织编号"),
        _c("name", "组织名称", "党组织名称", "党支部名称", "支部名称"),
        _c("kind", "组织类型", "党组织类型", "组织类别", "党组织类别"),
        _c("parent", "上级组织", "上级党组织", "上级组织编码", "上级党组织名称", "上级组织名称"),
        _c("grid", "所在网格", "所属网格", "网格"),
        _VILLAGE,
    ),
    signature=frozenset({"name"}),
    required=frozenset({"name"}),
    title_words=("党组织", "支部设置", "党委"),
)

CONTACTS = SheetKind(
    "contacts", "党员联系户",
    (
        _c("member_name", "党员姓名", "联系党员", "党员", "联系党员姓名", "结对党员", "结对党员姓名", "包户党员",
           *_NAME_WORDS),
        _c("member_id", "党员身份证号", "党员身份证号码", "党员公民身份号码", "联系党员身份证号", "结对党员身份证号",
           *_ID_WORDS),
        _c("member_phone", "党员电话", "党员联系电话", "党员手机", "党员手机号", *_PHONE_WORDS),
        _c("party_org", "所属党组织", "党组织", "所在党支部", "所属支部", "所在党组织", "党支部", "支部",
           "所属党支部"),
        _GRID,
        _VILLAGE,
        _c("households", "联系户号", "联系户", "联系户户号", "户号", "联系户编号", "联系户户号列表", "结对户号",
           "结对户户号", "包联户号", "联系农户户号", "所联系户号", multiple=True),
        _c("head_name", "户主姓名", "联系户户主", "联系户户主姓名", "户主", "户主名称", "结对户户主姓名"),
        _c("since", "联系时间", "结对时间", "开始联系时间", "结对日期", "联系日期"),
    ),
    signature=frozenset({"member_name", "households"}),
    required=frozenset({"member_name", "households"}),
    alternatives={"households": frozenset({"head_name"})},
    title_words=("联系户", "联户", "结对", "包户", "联系群众"),
)

DISPUTES = SheetKind(
    "disputes", "矛盾纠纷台账",
    (
        _c("code", "编号", "案件编号", "纠纷编号", "登记编号", "事件编号", "台账编号"),
        _c("reported", "登记日期", *_REPORTED[1:]),
        _GRID,
        _VILLAGE,
        _c("parties", "当事人", "当事人姓名", "纠纷当事人", "双方当事人", "当事人双方", "涉及人员"),
        _c("party_ids", "当事人身份证号", "当事人身份证号码", "当事人公民身份号码"),
        _c("category", "纠纷类型", "纠纷类别", "矛盾类型", "矛盾纠纷类型", "矛盾纠纷类别", "事件类型"),
        _c("title", "标题", "纠纷名称", "事项名称", "事件名称"),
        _c("description", "纠纷简要情况", "简要情况", "纠纷情况", "矛盾纠纷简要情况", "主要内容", "基本情况",
           "矛盾纠纷基本情况", "纠纷内容", "事件描述", "情况描述"),
        _c("mediator", "调解员", "调解人", "化解人", "调处人", "调解员姓名", "调解人员", "包案人", "责任人"),
        _c("mediator_id", "调解员身份证号", "调解人身份证号", "调解员身份证号码", "调解人身份证号码"),
        _c("mediator_phone", "调解员电话", "调解人电话", "调解员联系电话", "调解人联系电话"),
        _c("outcome", "调解结果", "化解情况", "调处结果", "调解情况", "化解结果", "处理结果", "调处情况"),
        _c("status", "办理状态", "状态", "化解状态", "处理状态", "办结情况"),
        _c("closed", "办结日期", "办结时间", "化解日期", "结案日期", "化解时间", "调结日期"),
        _c("deadline", "办理时限", "化解时限", "截止日期"),
    ),
    signature=frozenset({"parties", "category"}),
    required=frozenset({"grid", "parties"}),
    alternatives={"grid": frozenset({"village"})},
    title_words=("矛盾", "纠纷", "调解"),
)

HOTLINE = SheetKind(
    "hotline", "12345工单",
    (
        _c("code", "工单编号", "工单号", "工单编码", "受理编号"),
        _c("reported", "来电时间", "受理时间", "来电日期", "派单时间", "登记时间", "创建时间", "工单创建时间"),
        _GRID,
        _VILLAGE,
        _c("caller", "来电人", "来电人姓名", "诉求人", "诉求人姓名", "反映人", "市民姓名"),
        _c("caller_phone", "来电号码", "来电人电话", "诉求人电话", "联系电话", "来电电话", "回访电话"),
        _c("category", "诉求类型", "工单类型", "问题类型", "诉求分类", "事项分类", "问题分类", "业务类别"),
        _c("description", "诉求内容", "来电内容", "工单内容", "问题描述", "反映内容", "来电诉求"),
        _c("title", "标题", "工单标题", "诉求标题"),
        _c("organization", "承办单位", "办理单位", "责任单位", "承办部门", "处置单位", "主办单位"),
        _c("deadline", "办理时限", "办结时限", "截止时间", "办理期限", "承办时限"),
        _c("urgency", "紧急程度", "缓急程度", "紧急度", "工单级别"),
        _c("status", "办理状态", "状态", "工单状态", "处理状态"),
        _c("closed", "办结时间", "办结日期", "完成时间", "办结"),
        _c("satisfaction", "满意度", "满意度评价", "评价", "回访满意度", "群众满意度"),
    ),
    signature=frozenset({"code", "description"}),
    required=frozenset({"code", "grid"}),
    alternatives={"grid": frozenset({"village"})},
    title_words=("12345", "工单", "热线"),
)

WISHES = SheetKind(
    "wishes", "微心愿",
    (
        _c("code", "编号", "心愿编号"),
        _c("reported", "登记日期", *_REPORTED[1:]),
        _GRID,
        _VILLAGE,
        _c("person", "心愿人", "心愿人姓名", "许愿人", "许愿人姓名", "心愿对象", "服务对象"),
        _c("person_id", "心愿人身份证号", "心愿人身份证号码", "许愿人身份证号"),
        _c("description", "心愿内容", "微心愿内容", "心愿", "微心愿", "心愿事项"),
        _c("title", "标题"),
        _c("claimer", "认领人", "认领人姓名", "认领党员", "认领党员姓名", "认领人员"),
        _c("claimer_id", "认领人身份证号", "认领人身份证号码", "认领党员身份证号"),
        _c("claimer_phone", "认领人电话", "认领人联系电话"),
        _c("claimed", "认领时间", "认领日期"),
        _c("status", "状态", "办理状态", "心愿状态", "实现情况"),
        _c("closed", "实现时间", "实现日期", "办结日期", "完成时间"),
        _c("deadline", "办理时限", "截止日期"),
    ),
    signature=frozenset({"person", "description"}),
    required=frozenset({"grid", "person", "description"}),
    alternatives={"grid": frozenset({"village"})},
    title_words=("心愿",),
)

STAFF = SheetKind(
    "staff", "网格员花名册",
    (
        _c("name", *_NAME_WORDS, "网格员姓名", "网格员", "网格长姓名"),
        _c("id_number", *_ID_WORDS),
        _c("phone", *_PHONE_WORDS),
        _c("sex", "性别"),
        _GRID,
        _VILLAGE,
        _TOWN,
        _c("role", "职务", "岗位", "网格职务", "担任职务", "网格员类别", "网格员类型", "人员身份", "身份", "职责",
           "网格角色", "角色"),
        _c("department", "所属部门", "工作单位", "单位", "部门", "派出单位"),
    ),
    signature=frozenset({"name", "role"}),
    required=frozenset({"name", "grid", "role"}),
    alternatives={"grid": frozenset({"village"})},
    title_words=("网格员", "花名册", "网格长", "网格力量"),
    by_values={ValueClass.ID_NUMBER: "id_number", ValueClass.MOBILE: "phone"},
)

# The order sheets are imported in: what a sheet refers to is loaded before it.
KINDS: tuple[SheetKind, ...] = (GRIDS, PARTY_ORGS, CENSUS, STAFF, UNITS, CONTACTS, DISPUTES, HOTLINE, WISHES)
KINDS_BY_NAME: dict[str, SheetKind] = {kind.name: kind for kind in KINDS}

_SPACES = re.compile(r"\s+")
_DECORATION = re.compile(r"[*＊:：#№]")
_BRACKETED = re.compile(r"[(（\[【<《][^)）\]】>》]*[)）\]】>》]")
_NUMBERING = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3}|[①-⑳])(?:[.、．)）]|(?=[^\d]))")


def normalise_header(cell: object) -> str:
    """A header cell as compared: half-width, without spaces, line breaks, ``*`` marks, colons, numbering
    (``1.姓名``) or notes in brackets (``身份证号(18位)``, ``姓名（必填）``)."""
    text = _SPACES.sub("", to_halfwidth(str(cell or "")))
    text = _DECORATION.sub("", text)
    stripped = _BRACKETED.sub("", text)
    if stripped:  # a header that is all brackets keeps its words
        text = stripped
    numbered = _NUMBERING.sub("", text, count=1)
    if numbered and not numbered.isdigit() and numbered != text and not _is_word(text):
        text = numbered
    return text


def _is_word(text: str) -> bool:
    # 一级网格, 二级网格, 十联户 … begin with a numeral that is part of the word.
    return text in _WORDS


def _lookup(kind: SheetKind) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in kind.columns:
        for name in column.names:
            table.setdefault(name, column.field)
    return table


_WORDS: frozenset[str] = frozenset(name for kind in KINDS for column in kind.columns for name in column.names)
_LOOKUPS: dict[str, dict[str, str]] = {kind.name: _lookup(kind) for kind in KINDS}
# How many kinds use a word: a word only one kind uses weighs more (户号 says less than 联系户号).
_KINDS_USING: dict[str, int] = {
    word: sum(1 for kind in KINDS if word in _LOOKUPS[kind.name]) for word in _WORDS}
# Columns that only number the rows: not worth a warning.
ROW_NUMBERS = frozenset({"序号", "序", "行号", "No", "NO", "no", "No.", "编号序号"})
_TRAILING_NUMBER = re.compile(r"^(.+?)\d{1,2}$")


@dataclass(frozen=True)
class HeaderMatch:
    """A recognised header row: the kind, the row index (0-based), and field → column index.

    ``extra`` holds the further columns of a field that spans several (``联系户1``, ``联系户2``).
    ``evidence`` is the weight of the headers that chose the kind, for ``--dry-run``.
    """

    kind: SheetKind
    row_index: int
    columns: dict[str, int]
    headers: tuple[str, ...]
    ignored: tuple[str, ...]
    extra: dict[str, tuple[int, ...]] = field(default_factory=dict)
    evidence: float = 0.0
    by_values: tuple[str, ...] = ()  # fields whose column was known by its values, not its header


@dataclass(frozen=True)
class Closest:
    """The kind a sheet came closest to, and the signature or required headers it lacked."""

    kind: SheetKind
    missing: tuple[str, ...]
    headers: tuple[str, ...]


def match_kind(kind: SheetKind, cells: Sequence[object], overrides: Mapping[str, str] | None = None,
               below: Sequence[Sequence[object]] = ()) -> ColumnMatch:
    """Map each header cell to a field of ``kind``.

    ``overrides`` maps normalised headers to fields (from a mapping file), before the synonyms. ``below`` are
    the rows under the header: a column no word names is the kind's field for what its values are
    (:attr:`SheetKind.by_values`), if that field has no column yet.
    """
    lookup = _LOOKUPS[kind.name]
    multiple = {c.field for c in kind.columns if c.multiple}
    fields = {c.field for c in kind.columns}
    found = ColumnMatch()
    unknown: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        header = normalise_header(cell)
        if not header:
            continue
        field_name = (overrides or {}).get(header)
        if field_name not in fields:
            field_name = lookup.get(header)
        if field_name is None:
            numbered = _TRAILING_NUMBER.match(header)
            candidate = lookup.get(numbered.group(1)) if numbered else None
            if candidate in multiple:
                field_name = candidate
        if field_name is not None and field_name not in found.mapped:
            found.mapped[field_name] = index
        elif field_name is not None and field_name in multiple:
            found.extra.setdefault(field_name, []).append(index)
        elif header not in ROW_NUMBERS and field_name is None:
            unknown.append((index, header))
        elif header not in ROW_NUMBERS:
            found.ignored.append(header)
    for index, header in unknown:
        known = (column_class(header, (row[index] for row in below if index < len(row)))
                 if kind.by_values and below else None)
        field_name = kind.by_values.get(known) if known is not None else None
        if field_name is not None and field_name not in found.mapped:
            found.mapped[field_name] = index
            found.by_values.append(field_name)
        else:
            found.ignored.append(header)
    return found


@dataclass
class ColumnMatch:
    """How a header row maps to a kind's fields: field → column, the headers not used, field → more columns
    (a field over several), and the fields known by their values."""

    mapped: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    extra: dict[str, list[int]] = field(default_factory=dict)
    by_values: list[str] = field(default_factory=list)


def _weight(kind: SheetKind, cells: Sequence[object], mapped: Mapping[str, int],
            by_values: Sequence[str] = ()) -> float:
    score = 0.0
    for field_name, index in mapped.items():
        header = normalise_header(cells[index])
        weight = (2.0 if field_name in kind.signature else 1.0) / max(1, _KINDS_USING.get(header, 1))
        score += weight / 2 if field_name in by_values else weight  # values say less than a header's word
    return score


def find_header(rows: Sequence[Sequence[object]], kinds: Sequence[SheetKind] = KINDS,
                overrides: Mapping[str, str] | None = None, title: str = "") -> HeaderMatch | None:
    """The first row that carries a kind's signature headers, and the kind with the most evidence there.

    ``title`` (the sheet's and file's names) and the rows above the header (a title row) are evidence too:
    ``姓名, 身份证号, 户号`` is a contact sheet under ``党员联系户登记表``. ``kinds`` narrows the choice (a
    mapping file that names the sheet's kind passes one)."""
    for index, cells in enumerate(rows):
        above = title + "".join(str(c) for row in rows[:index] for c in row if c)
        best: HeaderMatch | None = None
        for kind in kinds:
            match = match_kind(kind, cells, overrides, rows[index + 1:])
            mapped, ignored, extra = match.mapped, match.ignored, match.extra
            forced = len(kinds) == 1 and len(mapped) >= 2  # the mapping file says the kind
            if not kind.recognised_by(set(mapped)) and not forced:
                continue
            if len(mapped) < 2:
                continue  # one header is no evidence of a kind
            weight = _weight(kind, cells, mapped, match.by_values)
            if any(word in above for word in kind.title_words):
                weight += 1.5
            if best is None or weight > best.evidence:
                headers = tuple(normalise_header(c) for c in cells)
                best = HeaderMatch(kind, index, mapped, headers, tuple(ignored),
                                   {f: tuple(v) for f, v in extra.items()}, weight, tuple(match.by_values))
        if best is not None:
            return best
    return None


def closest_kind(rows: Sequence[Sequence[object]]) -> Closest | None:
    """For a sheet no kind matched: the kind whose headers it came closest to, and what that kind lacked."""
    best: tuple[float, Closest] | None = None
    for index, cells in enumerate(rows):
        for kind in KINDS:
            mapped = match_kind(kind, cells, below=rows[index + 1:]).mapped
            if not mapped:
                continue
            weight = _weight(kind, cells, mapped)
            lacking = [f for f in sorted(kind.signature | kind.required) if f not in mapped
                       and not (kind.alternatives.get(f, frozenset()) & mapped.keys())]
            if best is None or weight > best[0]:
                names = tuple(kind.column(f).header for f in lacking)
                best = (weight, Closest(kind, names, tuple(normalise_header(c) for c in cells if normalise_header(c))))
    return best[1] if best else None


def visible_headers(rows: Sequence[Sequence[object]]) -> list[str]:
    """The texts of the first row that has several non-empty cells (to say what a rejected sheet had)."""
    for cells in rows:
        texts = [normalise_header(c) for c in cells if normalise_header(c)]
        if len(texts) >= 2:
            return texts
    return []
