"""The national defaults of the rulebook (支部条例 arts. 12–14; 党课 quarterly is common local practice)."""

DEFAULTS = [
    # meeting_kind, condition, org_kind, requires_committee, period, min_count, basis
    ("general_assembly", "", "branch", False, "quarter", 1, "《支部工作条例》第十二条：党员大会一般每季度召开1次"),
    ("committee", "", "branch", True, "month", 1, "《支部工作条例》第十二条：支部委员会会议一般每月召开1次"),
    ("group", "", "group", False, "month", 1, "《支部工作条例》第十二条：党小组会一般每月召开1次"),
    ("lecture", "", "branch", False, "quarter", 1, "党课一般每季度至少1次（常见的本地做法，可按组织关闭）"),
    ("lecture", "secretary_lectured", "branch", False, "year", 1, "《支部工作条例》第十二条：党支部书记每年至少讲1次党课"),
    ("theme_day", "", "branch", False, "month", 1, "《支部工作条例》第十二条：每月相对固定1天开展主题党日"),
    ("life_meeting", "", "branch", False, "year", 1, "《支部工作条例》第十三条：组织生活会一般每年召开1次"),
    ("evaluation", "", "branch", False, "year", 1, "《支部工作条例》第十四条：一般每年开展1次民主评议党员"),
]


def ensure_default_rules(Rule):
    """Create the defaults that are missing (the data migration calls this; so does the engine, cheaply,
    so a database emptied by a test flush or a careless admin still has a rulebook)."""
    for kind, cond, org_kind, committee, period, n, basis in DEFAULTS:
        Rule.objects.get_or_create(organization=None, meeting_kind=kind, condition=cond, defaults={
            "org_kind": org_kind, "requires_committee": committee, "period": period, "min_count": n, "basis": basis})
