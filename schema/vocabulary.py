"""Enumerations of the domain, with the Chinese words people use for each value.

Values are stored in the graph in English (stable codes); the Chinese labels are for spreadsheets,
reports and front ends. Loaders map what clerks type onto these values through ``ZH`` tables.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

_V = TypeVar("_V", bound=StrEnum)


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


class GridKind(StrEnum):
    LIFE = "life"              # 生活网格
    PRODUCTION = "production"  # 生产网格
    COMMERCIAL = "commercial"  # 商业网格
    EXCLUSIVE = "exclusive"    # 专属网格: a school, park, company


GRID_KIND_ZH: dict[str, GridKind] = {
    "生活网格": GridKind.LIFE, "生活": GridKind.LIFE, "综合网格": GridKind.LIFE,
    "生产网格": GridKind.PRODUCTION, "生产": GridKind.PRODUCTION,
    "商业网格": GridKind.COMMERCIAL, "商业": GridKind.COMMERCIAL,
    "专属网格": GridKind.EXCLUSIVE, "专属": GridKind.EXCLUSIVE,
}


class GridLevel:
    """1 = management area (管区, 一级网格), 2 = second-level grid (二级网格), 3 = micro-grid (微网格)."""

    MANAGEMENT_AREA = 1
    GRID = 2
    MICRO_GRID = 3


class PersonTag(StrEnum):
    """Tags of vulnerable or special persons. Sensitive personal information: shown only to those allowed."""

    LOW_INCOME = "lowIncome"                # 低保户
    FIVE_GUARANTEES = "fiveGuarantees"      # 五保户
    LIVING_ALONE = "livingAlone"            # 独居老人
    EMPTY_NEST = "emptyNest"                # 空巢老人
    LEFT_BEHIND_CHILD = "leftBehindChild"   # 留守儿童
    DISABLED = "disabled"                   # 残疾人
    VETERAN = "veteran"                     # 退役军人
    SERIOUSLY_ILL = "seriouslyIll"          # 大病/重病


def _words(table: dict[str, tuple[str, ...]], kind: type[_V]) -> dict[str, _V]:
    """``{value: (words …)}`` as ``{word: value}``: each value with the words offices write for it."""
    return {word: kind(value) for value, words in table.items() for word in words}


PERSON_TAG_ZH: dict[str, PersonTag] = _words({
    "lowIncome": ("低保户", "低保", "低保对象", "低保人员", "城乡低保", "农村低保", "城市低保", "低保家庭", "低收入",
                  "低收入户", "低边户", "低保边缘户"),
    # 特困人员 (特困供养) replaced 五保 in 2016; offices write both.
    "fiveGuarantees": ("五保户", "五保", "特困", "特困人员", "特困供养", "特困供养人员", "分散供养特困人员",
                       "集中供养特困人员", "五保对象", "孤寡"),
    "livingAlone": ("独居老人", "独居", "孤寡老人", "独居老年人", "空巢独居"),
    "emptyNest": ("空巢老人", "空巢", "留守老人", "空巢老年人"),
    "leftBehindChild": ("留守儿童", "留守", "困境儿童", "事实无人抚养儿童"),
    "disabled": ("残疾人", "残疾", "持证残疾人", "重度残疾人", "重度残疾", "残疾人员", "肢体残疾", "智力残疾",
                 "精神残疾", "视力残疾", "听力残疾", "言语残疾", "多重残疾"),
    "veteran": ("退役军人", "复员军人", "退伍军人", "退役士兵", "复退军人", "转业军人", "优抚对象", "军烈属"),
    "seriouslyIll": ("大病", "重病", "重病患者", "大病患者", "重大疾病", "大病救助", "重特大疾病"),
}, PersonTag)

# Tags that make a person "vulnerable" for the uncontacted-household and micro-wish questions.
VULNERABLE_TAGS: frozenset[PersonTag] = frozenset(PersonTag) - {PersonTag.VETERAN}


class PartyOrgKind(StrEnum):
    COMMITTEE = "committee"            # 党委
    BIG_COMMITTEE = "bigCommittee"     # 大党委
    GENERAL_BRANCH = "generalBranch"   # 党总支
    BRANCH = "branch"                  # 党支部
    GROUP = "group"                    # 党小组


class CaseKind(StrEnum):
    DISPUTE = "dispute"          # 矛盾纠纷
    PETITION = "petition"        # 信访
    HOTLINE = "hotline"          # 12345 热线工单
    ORDER = "order"              # 点单 (resident order)
    WISH = "wish"                # 微心愿
    SUPERVISION = "supervision"  # 村级监督
    PROJECT = "project"          # 微更新项目


# The letter that starts a generated case code; one per kind, so a code says what it is.
CASE_CODE_PREFIX: dict[CaseKind, str] = {
    CaseKind.DISPUTE: "D", CaseKind.PETITION: "X", CaseKind.HOTLINE: "H", CaseKind.ORDER: "O",
    CaseKind.WISH: "W", CaseKind.SUPERVISION: "S", CaseKind.PROJECT: "P",
}


class CaseStatus(StrEnum):
    REPORTED = "reported"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "inProgress"
    RESOLVED = "resolved"
    FOLLOWED_UP = "followedUp"  # 已回访: visited after resolution, before verification
    VERIFIED = "verified"
    CLOSED = "closed"
    REJECTED = "rejected"
    ESCALATED = "escalated"


OPEN_STATUSES: frozenset[CaseStatus] = frozenset(CaseStatus) - {
    CaseStatus.RESOLVED, CaseStatus.FOLLOWED_UP, CaseStatus.VERIFIED, CaseStatus.CLOSED, CaseStatus.REJECTED,
}


class EscalationLevel(StrEnum):
    """Who holds a case: escalation goes grid → village/community → town/street → county."""

    GRID = "grid"
    VILLAGE = "village"
    TOWN = "town"
    COUNTY = "county"


class MediationOutcome(StrEnum):
    SUCCESS = "success"   # 调解成功
    FAILURE = "failure"   # 调解不成
    PENDING = "pending"   # 调解中


MEDIATION_OUTCOME_ZH: dict[str, MediationOutcome] = _words({
    "success": ("调解成功", "成功", "已化解", "化解", "达成协议", "成功调解", "已调解成功", "达成调解协议", "签订协议",
                "已达成协议", "化解成功", "当场化解", "已调解", "调处成功", "已调处", "双方和解", "和解", "已解决",
                "息诉罢访", "已办结"),
    "failure": ("调解不成", "失败", "未化解", "调解失败", "调解未成功", "未达成协议", "不成功", "调解终止", "终止调解",
                "引导诉讼", "转入诉讼", "诉讼解决", "调解不成功"),
    # Handed on (to the judicial office, a court, the police): the case goes on elsewhere.
    "pending": ("调解中", "进行中", "处理中", "继续调解", "正在调解", "化解中", "移交司法所", "移交法院", "移交派出所",
                "移交相关部门", "移交上级", "已移交", "移交", "上报镇", "上报", "跟踪回访", "持续跟进"),
}, MediationOutcome)

# Statuses as ledgers and work-order systems write them.
CASE_STATUS_ZH: dict[str, CaseStatus] = _words({
    "reported": ("待受理", "未受理", "已登记", "登记", "待认领", "未认领", "未处理", "待处理", "新建", "待派单",
                 "待签收", "未开始", "已提交", "待审核"),
    "accepted": ("已受理", "受理", "已认领", "已签收", "签收", "待办理", "已接单", "接单"),
    "dispatched": ("已派单", "已派发", "派单", "已转办", "已移交", "移交", "已交办", "交办", "已分流", "已转交", "转办",
                   "已分派", "已指派"),
    "inProgress": ("办理中", "处理中", "调解中", "正在办理", "进行中", "化解中", "实现中", "未化解", "未办结", "在办",
                   "跟进中", "持续跟进", "正在处理", "处置中", "超期", "逾期", "已超期", "超期未办结", "督办中",
                   "稳控中", "认领中"),
    "resolved": ("已解决", "已处理", "已回复", "已反馈", "已答复", "待回访", "已处置", "处理完毕", "办理完毕"),
    "followedUp": ("已回访", "跟踪回访", "回访中"),
    "verified": ("已核实", "已评价", "回访满意", "已验收"),
    "closed": ("已办结", "办结", "已化解", "已完成", "已结案", "结案", "已实现", "已关闭", "已归档", "归档", "已终结",
               "调解成功", "化解成功", "已调解", "完成", "已办理", "办理完成", "已销号", "销号", "已解决并回访"),
    "rejected": ("已退回", "退回", "不予受理", "已驳回", "驳回", "无效工单", "已撤销", "撤销", "撤诉", "作废",
                 "已作废"),
    "escalated": ("已上报", "上报", "已升级", "移交司法所", "移交上级", "上报镇", "上报乡镇", "上报街道", "提级办理",
                  "移交法院", "移交派出所"),
}, CaseStatus)


POLITICAL_STATUS_ZH: dict[str, str] = {
    "中共党员": "partyMember", "党员": "partyMember", "中国共产党党员": "partyMember", "共产党员": "partyMember",
    "中共正式党员": "partyMember", "正式党员": "partyMember",
    "中共预备党员": "probationaryMember", "预备党员": "probationaryMember",
    "共青团员": "leagueMember", "团员": "leagueMember", "中国共产主义青年团团员": "leagueMember",
    "群众": "masses", "无": "masses", "普通群众": "masses",
    "民主党派": "democraticParty", "无党派人士": "nonPartisan", "无党派": "nonPartisan",
}

GRID_MEMBER_KIND_ZH: dict[str, str] = {
    "专职": "fullTime", "专职网格员": "fullTime", "全职": "fullTime", "全职网格员": "fullTime",
    "兼职": "partTime", "兼职网格员": "partTime",
    "专业": "professional", "专业网格员": "professional", "部门网格员": "professional",
}

class Satisfaction(StrEnum):
    """A resident's rating of work that is done (评单). No rating is no value, never a level of its own."""

    VERY_SATISFIED = "verySatisfied"            # 非常满意
    SATISFIED = "satisfied"                     # 满意
    BASICALLY_SATISFIED = "basicallySatisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"               # 不满意


SATISFACTION_ZH: dict[str, Satisfaction] = {
    "非常满意": Satisfaction.VERY_SATISFIED, "很满意": Satisfaction.VERY_SATISFIED,
    "满意": Satisfaction.SATISFIED, "比较满意": Satisfaction.SATISFIED,
    "基本满意": Satisfaction.BASICALLY_SATISFIED, "一般": Satisfaction.BASICALLY_SATISFIED,
    "不满意": Satisfaction.DISSATISFIED, "非常不满意": Satisfaction.DISSATISFIED, "很不满意": Satisfaction.DISSATISFIED,
    "不太满意": Satisfaction.DISSATISFIED,
}
# Written where a rating would be, meaning that there is none: stored as no rating, never counted as rated.
NO_RATING_ZH: frozenset[str] = frozenset({"未评价", "未回访", "无", "暂无", "未评", "/", "-", "无法联系", "未接通",
                                         "拒绝评价"})
# Ratings counted as satisfied in satisfaction rates (满意率).
SATISFIED: frozenset[Satisfaction] = frozenset(Satisfaction) - {Satisfaction.DISSATISFIED}

class VisitMode(StrEnum):
    """How a household was visited (走访方式)."""

    HOME = "home"      # 入户
    PHONE = "phone"    # 电话
    WECHAT = "wechat"  # 微信
    OTHER = "other"    # 其他


VISIT_MODE_ZH: dict[str, VisitMode] = {
    "入户": VisitMode.HOME, "入户走访": VisitMode.HOME, "上门": VisitMode.HOME, "走访": VisitMode.HOME,
    "电话": VisitMode.PHONE, "电话回访": VisitMode.PHONE, "微信": VisitMode.WECHAT, "视频": VisitMode.WECHAT,
    "其他": VisitMode.OTHER,
}

CONTACT_LIMIT = 20        # a party member contacts at most 20 households
CONTACT_EXEMPT_AGE = 70   # members aged 70+ are normally exempt
