"""The national defaults of the rulebook (《中国共产党支部工作条例（试行）》 chapter 5 "组织生活"; 党课 quarterly is
common local practice). Citations name the chapter: that is what we could check against the regulation's text,
and a wrong article number in front of an inspector is worse than none."""

DEFAULTS = [
    # meeting_kind, condition, org_kind, requires_committee, period, min_count, basis
    ("general_assembly", "", "branch", False, "quarter", 1, "《支部工作条例》第五章“组织生活”：党员大会一般每季度召开1次"),
    ("committee", "", "branch", True, "month", 1, "《支部工作条例》第五章“组织生活”：支部委员会会议一般每月召开1次"),
    ("group", "", "group", False, "month", 1, "《支部工作条例》第五章“组织生活”：党小组会一般每月召开1次"),
    ("lecture", "", "branch", False, "quarter", 1, "党课一般每季度至少1次（常见的本地做法，可按组织关闭）"),
    ("lecture", "secretary_lectured", "branch", False, "year", 1, "《支部工作条例》第五章“组织生活”：党支部书记每年至少讲1次党课"),
    ("theme_day", "", "branch", False, "month", 1, "《支部工作条例》第五章“组织生活”：党支部每月相对固定1天开展主题党日"),
    ("life_meeting", "", "branch", False, "year", 1, "《支部工作条例》第五章“组织生活”：组织生活会一般每年召开1次"),
    ("evaluation", "", "branch", False, "year", 1, "《支部工作条例》第五章“组织生活”：党支部一般每年开展1次民主评议党员"),
]


def ensure_default_rules(Rule):
    """Create the defaults that are missing (the data migration calls this; so does the engine, cheaply,
    so a database emptied by a test flush or a careless admin still has a rulebook)."""
    for kind, cond, org_kind, committee, period, n, basis in DEFAULTS:
        Rule.objects.get_or_create(organization=None, meeting_kind=kind, condition=cond, defaults={
            "org_kind": org_kind, "requires_committee": committee, "period": period, "min_count": n, "basis": basis})


def correct_citations(Rule):
    """The national defaults' citations as above (earlier ones named article numbers we could not verify)."""
    for kind, cond, _ok, _c, _p, _n, basis in DEFAULTS:
        Rule.objects.filter(organization=None, meeting_kind=kind, condition=cond).update(basis=basis)
