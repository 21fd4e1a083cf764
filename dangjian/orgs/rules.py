"""Structural rules for organizations, shown as warnings (RULES.md "Setting up organizations").

Counts come from one aggregate query over the subtree's members; nothing walks the tree in Python.
"""
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.dates import add_months
from dangjian.members.models import MemberTally, Status

from .models import OrgKind, Position

WARN = "warning"
INFO = "info"

# 选举条例: committee sizes by the organization's own kind — (normally from, normally to, at most).
COMMITTEE_SIZES = {OrgKind.COMMITTEE: (5, 9, 11), OrgKind.GENERAL_BRANCH: (5, 7, 7), OrgKind.BRANCH: (3, 5, 7)}
# 党章 / 选举条例: a 基层党委 serves 5 years; a 党总支 or 党支部 committee 3 (5 for village and community ones).
DEFAULT_TERM_YEARS = {OrgKind.COMMITTEE: 5}


def committee_size(kind):
    return COMMITTEE_SIZES.get(kind, COMMITTEE_SIZES[OrgKind.BRANCH])


def default_term_years(kind):
    return DEFAULT_TERM_YEARS.get(kind, 3)


@dataclass(frozen=True)
class Warning:
    level: str
    message: str


def member_counts(org):
    """(all members on roll, 正式党员) in the organization's subtree, from the member tally."""
    agg = MemberTally.objects.filter(organization__path__startswith=org.path).aggregate(
        total=Coalesce(Sum("n"), 0), full=Coalesce(Sum("n", filter=Q(status=Status.FULL)), 0))
    return agg["total"], agg["full"]


def structural_warnings(org, today=None, counts=None):
    """`counts`: member_counts(org), if already read."""
    today = today or timezone.localdate()
    warnings = []
    if org.is_dissolved:
        return [Warning(INFO, _("该组织已于 %(d)s 撤销") % {"d": org.dissolved_on})]
    total, full = counts or member_counts(org)
    committee = org.current_committee()
    seats = list(committee.seats.values_list("position", flat=True)) if committee else []

    if org.kind == OrgKind.BRANCH:
        # 支部条例 ch. 2 "组织设置": ≥3 正式党员 form a branch; fewer join a 联合党支部.
        if full < 3:
            warnings.append(
                Warning(WARN, _("正式党员不足3名（现有%(n)d名），按《支部工作条例》第二章应与邻近单位成立联合党支部") % {"n": full})
            )
        # 支部条例 ch. 2: normally no more than 50 members.
        if total > 50:
            warnings.append(
                Warning(WARN, _("党员人数%(n)d名，超过50名，可考虑设立党总支或分设党支部") % {"n": total})
            )
        # 支部条例 ch. 6 "党支部委员会建设": a committee from 7 正式党员; fewer → a secretary (and a deputy) only.
        if full >= 7 and (committee is None or len(seats) < 3):
            warnings.append(
                Warning(WARN, _("正式党员%(n)d名（7名以上），应设立支部委员会（3至5人）") % {"n": full})
            )
        if full < 7 and committee and any(
            p not in (Position.SECRETARY, Position.DEPUTY_SECRETARY) for p in seats
        ):
            warnings.append(
                Warning(WARN, _("正式党员不足7名（现有%(n)d名），不设支部委员会，只设书记和副书记") % {"n": full})
            )
    if org.kind == OrgKind.GENERAL_BRANCH and total >= 100:
        warnings.append(Warning(INFO, _("党员人数%(n)d名（100名以上），可设立基层党委") % {"n": total}))
    if org.kind == OrgKind.COMMITTEE and total < 100 and org.depth > 1:
        warnings.append(Warning(INFO, _("党员人数%(n)d名，不足100名，设立党委需经上级党组织批准") % {"n": total}))

    low, high, most = committee_size(org.kind)
    if committee and len(seats) >= 3 and not low <= len(seats) <= high:
        warnings.append(Warning(WARN, _("委员会成员%(n)d人，%(k)s委员会一般为%(lo)d至%(hi)d人（最多%(m)d人）") % {
            "n": len(seats), "k": org.get_kind_display(), "lo": low, "hi": high, "m": most}))
    if committee and Position.SECRETARY not in seats and org.kind != OrgKind.GROUP:
        warnings.append(Warning(WARN, _("书记职务空缺")))
    if committee:
        days = committee.days_to_due(today)
        if days < 0:
            warnings.append(
                Warning(WARN, _("本届委员会任期已于 %(d)s 届满，已超期%(n)d天，应及时换届") % {"d": committee.due_on, "n": -days})
            )
        elif committee.due_on <= add_months(today, 6):
            # 选举条例: the superior reminds about six months before the term ends.
            warnings.append(
                Warning(INFO, _("本届委员会将于 %(d)s 任期届满（还有%(n)d天），请做好换届准备") % {"d": committee.due_on, "n": days})
            )
    elif org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH) and full >= 3:
        if org.kind != OrgKind.BRANCH or full < 7:
            warnings.append(Warning(INFO, _("尚未登记委员会或书记")))
    return warnings
