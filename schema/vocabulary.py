"""Enumerations of the domain, with the Chinese words people use for each value.

Values are stored in the graph in English (stable codes); the Chinese labels are for spreadsheets,
reports and front ends. Loaders map what clerks type onto these values through ``ZH`` tables.
"""

from __future__ import annotations

from enum import StrEnum


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


PERSON_TAG_ZH: dict[str, PersonTag] = {
    "低保户": PersonTag.LOW_INCOME, "低保": PersonTag.LOW_INCOME,
    "五保户": PersonTag.FIVE_GUARANTEES, "五保": PersonTag.FIVE_GUARANTEES, "特困": PersonTag.FIVE_GUARANTEES,
    "独居老人": PersonTag.LIVING_ALONE, "独居": PersonTag.LIVING_ALONE,
    "空巢老人": PersonTag.EMPTY_NEST, "空巢": PersonTag.EMPTY_NEST,
    "留守儿童": PersonTag.LEFT_BEHIND_CHILD, "留守": PersonTag.LEFT_BEHIND_CHILD,
    "残疾人": PersonTag.DISABLED, "残疾": PersonTag.DISABLED,
    "退役军人": PersonTag.VETERAN, "复员军人": PersonTag.VETERAN,
    "大病": PersonTag.SERIOUSLY_ILL, "重病": PersonTag.SERIOUSLY_ILL,
}

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


MEDIATION_OUTCOME_ZH: dict[str, MediationOutcome] = {
    "调解成功": MediationOutcome.SUCCESS, "成功": MediationOutcome.SUCCESS, "已化解": MediationOutcome.SUCCESS,
    "化解": MediationOutcome.SUCCESS, "达成协议": MediationOutcome.SUCCESS,
    "调解不成": MediationOutcome.FAILURE, "失败": MediationOutcome.FAILURE, "未化解": MediationOutcome.FAILURE,
    "调解失败": MediationOutcome.FAILURE,
    "调解中": MediationOutcome.PENDING, "进行中": MediationOutcome.PENDING, "处理中": MediationOutcome.PENDING,
}

class Satisfaction(StrEnum):
    """A resident's rating of work that is done (评单). No rating is no value, never a level of its own."""

    VERY_SATISFIED = "verySatisfied"            # 非常满意
    SATISFIED = "satisfied"                     # 满意
    BASICALLY_SATISFIED = "basicallySatisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"               # 不满意


SATISFACTION_ZH: dict[str, Satisfaction] = {
    "非常满意": Satisfaction.VERY_SATISFIED, "很满意": Satisfaction.VERY_SATISFIED,
    "满意": Satisfaction.SATISFIED, "比较满意": Satisfaction.BASICALLY_SATISFIED,
    "基本满意": Satisfaction.BASICALLY_SATISFIED, "一般": Satisfaction.BASICALLY_SATISFIED,
    "不满意": Satisfaction.DISSATISFIED, "非常不满意": Satisfaction.DISSATISFIED, "很不满意": Satisfaction.DISSATISFIED,
}
# Written where a rating would be, meaning that there is none: stored as no rating, never counted as rated.
NO_RATING_ZH: frozenset[str] = frozenset({"未评价", "未回访", "无", "暂无", "未评", "/", "-"})
# Ratings counted as satisfied in satisfaction rates (满意率).
SATISFIED: frozenset[Satisfaction] = frozenset(Satisfaction) - {Satisfaction.DISSATISFIED}

CONTACT_LIMIT = 20        # a party member contacts at most 20 households
CONTACT_EXEMPT_AGE = 70   # members aged 70+ are normally exempt
