"""The national defaults of the point rules (RULES.md "Scoring, stars and grading": base 60–70, items tied to
records; local practice, all configurable). Attending everything a branch is required to hold in a year — 4 党员大会,
12 党小组会, 4 党课, 12 主题党日, the 组织生活会 and the 民主评议 — earns 40, so the year ends at 100."""
from decimal import Decimal

DEFAULTS = [
    # source, meeting kind, item, category, points, cap, cap period, basis
    ("base", "", "基础分", "basic", "60", None, "", "RULES.md：基础分 60–70 分"),
    ("present", "general_assembly", "参加支部党员大会", "life", "2", None, "", "《支部工作条例》：党员大会一般每季度召开1次"),
    ("present", "group", "参加党小组会", "life", "1", "1", "month", "《支部工作条例》：党小组会一般每月召开1次"),
    ("present", "lecture", "参加党课", "study", "1", None, "", "党课一般每季度至少1次"),
    ("present", "theme_day", "参加主题党日", "life", "1", "1", "month", "《支部工作条例》：每月相对固定1天开展主题党日"),
    ("present", "life_meeting", "参加组织生活会", "life", "2", None, "", "《支部工作条例》：组织生活会一般每年召开1次"),
    ("present", "evaluation", "参加民主评议党员", "life", "2", None, "", "《支部工作条例》：一般每年开展1次民主评议党员"),
    ("absent", "", "无故缺席组织生活", "deduction", "-2", None, "", "《党章》：党员必须参加党的组织生活"),
    ("host", "", "主持组织生活", "vanguard", "1", "3", "quarter", "本地做法：主持会议加分，每季度至多3分"),
    # on top of the meeting's own attendance point: the joint activity of a 联建共建 agreement that the member
    # attended (the activity's organization-life record), seeds 000 and 004
    ("lecturer", "lecture", "讲授党课", "study", "2", "4", "year", "《支部工作条例》：书记每年至少讲1次党课；本地做法：党员讲党课加分，每年至多4分"),
    ("cobuilding", "", "参加联建共建活动", "vanguard", "1", "2", "quarter", "本地做法：参加支部联建、共建活动加分，每季度至多2分"),
    # learning (issue 12): a course attended in a training class; a contest passed (60 or more, its first passing attempt)
    ("training", "", "参加教育培训课程", "study", "0.5", "3", "quarter", "《党员教育管理工作条例》；本地做法：参加培训课程加分，每季度至多3分"),
    ("quiz", "", "知识竞赛成绩合格", "study", "1", "3", "year", "本地做法：知识竞赛60分以上加分，每次竞赛计一次，每年至多3分"),
]

# Where each star begins (RULES.md "Scoring, stars and grading"): members by their year's points — below 60 不合格,
# ★ from 60, ★★ 70, ★★★ 80, ★★★★ 90, ★★★★★ 96; organizations (星级党小组) — below 60 后进, 60/65/75/85/95.
STAR_SCALES = {
    "member": (("60", "70", "80", "90", "96"), "RULES.md：<60 不合格，60–69 ★，70–79 ★★，80–89 ★★★，90–95 ★★★★，≥96 ★★★★★"),
    "group": (("60", "65", "75", "85", "95"), "RULES.md：≥95 ★★★★★，85–94 ★★★★，75–84 ★★★，65–74 ★★，60–64 ★，<60 后进"),
}


# Manual items, one rule per category: the most one item may give (negative: cost), whether evidence is needed,
# and from how many points (either way) the 党委 decides — the item then needs evidence too.
MANUAL_DEFAULTS = [
    # category, item, points category, most per item, needs evidence, 党委 from, basis
    ("commendation", "表彰奖励加分", "bonus", "10", True, "5", "本地做法：受表彰奖励加分，附表彰文件；5分及以上由党委审批"),
    ("vanguard", "先锋岗、责任区服务加分", "vanguard", "5", False, "5", "本地做法：党员先锋岗、责任区服务加分"),
    ("volunteer", "志愿服务加分", "volunteer", "5", False, "5", "本地做法：志愿服务加分"),
    ("discipline", "违纪违规扣分", "deduction", "-20", True, "5", "依纪依规处理的，附处理决定扣分；5分及以上由党委审批"),
]


def ensure_default_point_rules(PointRule):
    """Create the defaults that are missing (the data migrations call this, with the model as it was then — older
    ones without the manual rules' fields; so does the engine, cheaply)."""
    manual = "manual_category" in {f.name for f in PointRule._meta.get_fields()}
    for source, kind, item, category, points, cap, cap_period, basis in DEFAULTS:
        PointRule.objects.get_or_create(organization=None, source=source, meeting_kind=kind,
                                        **({"manual_category": ""} if manual else {}), defaults={"item": item, "category": category, "points": Decimal(points),
                                                  "cap": Decimal(cap) if cap else None, "cap_period": cap_period,
                                                  "basis": basis})
    if not manual:
        return
    for kind, item, category, points, evidence, committee, basis in MANUAL_DEFAULTS:
        PointRule.objects.get_or_create(organization=None, source="manual", meeting_kind="", manual_category=kind,
                                        defaults={"item": item, "category": category, "points": Decimal(points),
                                                  "needs_evidence": evidence, "committee_from": Decimal(committee),
                                                  "basis": basis})


def ensure_default_star_scales(StarScale):
    for of, (steps, basis) in STAR_SCALES.items():
        StarScale.objects.get_or_create(organization=None, of=of, defaults={
            **dict(zip(("one", "two", "three", "four", "five"), map(Decimal, steps))), "basis": basis})
