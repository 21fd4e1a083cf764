import datetime

import pytest

from dangjian.factories import make_committee, make_org
from dangjian.meetings import compliance, periods
from dangjian.meetings.models import Meeting, MeetingOrganization, Rule
from dangjian.orgs.models import Organization

TODAY = datetime.date(2026, 8, 20)  # inside Q3 2026
Q3 = periods.quarter(2026, 3)
Q2 = periods.quarter(2026, 2)


def hold(org, kind, day, *, others=(), lectured=False, status="held"):
    m = Meeting.objects.create(organization=org, kind=kind, topic="测试", held_on=day, status=status,
                               secretary_lectured=lectured)
    for o in {org, *others}:
        MeetingOrganization.objects.create(meeting=m, organization=o)
    return m


def verdicts(org, chosen, today=TODAY):
    return {r.rule.key: r for r in compliance.compliance_for(Organization.objects.get(pk=org.pk), chosen, today)}


def test_quarterly_assembly_is_due_inside_the_quarter_with_days_left(world):
    r = verdicts(world.orgs.a1, Q3)[("general_assembly", "")]
    assert r.status == "due"
    assert r.sentence == "第三季度尚未召开支部党员大会，距季度末还有 41 天"


def test_a_meeting_on_the_last_day_of_the_quarter_counts(world):
    hold(world.orgs.a1, "general_assembly", datetime.date(2026, 6, 30))
    assert verdicts(world.orgs.a1, Q2)[("general_assembly", "")].status == "met"
    assert verdicts(world.orgs.a1, Q3)[("general_assembly", "")].status == "due"


def test_a_past_quarter_without_the_meeting_is_overdue(world):
    r = verdicts(world.orgs.a1, Q2)[("general_assembly", "")]
    assert r.status == "overdue"
    assert "第二季度未召开支部党员大会" in r.sentence


def test_monthly_rules_need_every_month_of_the_quarter(world):
    for day in (datetime.date(2026, 7, 1), datetime.date(2026, 8, 10)):
        hold(world.orgs.a1, "theme_day", day)
    assert verdicts(world.orgs.a1, Q3)[("theme_day", "")].status == "met"  # every month so far
    september = verdicts(world.orgs.a1, Q3, today=datetime.date(2026, 9, 5))[("theme_day", "")]
    assert september.status == "due" and september.sentence == "9月尚未召开主题党日，距月末还有 25 天"
    hold(world.orgs.a1, "theme_day", datetime.date(2026, 9, 1))
    late = verdicts(world.orgs.a1, Q3, today=datetime.date(2026, 10, 5))[("theme_day", "")]
    assert late.status == "met"
    april_missing = verdicts(world.orgs.a1, Q2)[("theme_day", "")]
    assert april_missing.status == "overdue" and "4月、5月、6月未召开主题党日" in april_missing.sentence


def test_planned_meetings_do_not_count(world):
    hold(world.orgs.a1, "general_assembly", datetime.date(2026, 9, 10), status="planned")
    assert verdicts(world.orgs.a1, Q3)[("general_assembly", "")].status == "due"


def test_the_secretary_must_lecture_once_a_year(world):
    hold(world.orgs.a1, "lecture", datetime.date(2026, 3, 3))
    assert verdicts(world.orgs.a1, Q3)[("lecture", "secretary_lectured")].status == "due"
    hold(world.orgs.a1, "lecture", datetime.date(2026, 5, 3), lectured=True)
    r = verdicts(world.orgs.a1, Q3)[("lecture", "secretary_lectured")]
    assert r.status == "met" and "2026年已召开书记讲党课 1 次" in r.sentence


def test_a_joint_activity_counts_for_every_organization_that_took_part(world):
    hold(world.orgs.a1, "general_assembly", datetime.date(2026, 5, 4), others=[world.orgs.b1])
    assert verdicts(world.orgs.a1, Q2)[("general_assembly", "")].status == "met"
    assert verdicts(world.orgs.b1, Q2)[("general_assembly", "")].status == "met"
    assert verdicts(world.orgs.a2, Q2)[("general_assembly", "")].status == "overdue"


def test_an_organization_founded_mid_period_is_exempt_for_that_period(world):
    late = make_org("新成立支部", parent=world.orgs.a, founded_on=datetime.date(2026, 5, 15))
    assert verdicts(late, Q2)[("general_assembly", "")].status == "exempt"
    assert verdicts(late, Q3)[("general_assembly", "")].status == "due"


def test_a_dissolved_organization_is_exempt_for_the_period_it_ended_in(world):
    Organization.objects.filter(pk=world.orgs.a2.pk).update(dissolved_on=datetime.date(2026, 5, 31))
    assert verdicts(world.orgs.a2, Q2)[("general_assembly", "")].status == "exempt"


def test_committee_meetings_apply_only_where_there_is_a_committee(world):
    r = verdicts(world.orgs.a1, Q3)[("committee", "")]
    assert r.status == "n/a"
    make_committee(world.orgs.a1, world.members.a1[:3])
    r = verdicts(world.orgs.a1, Q3)[("committee", "")]
    assert r.status == "overdue" and "7月未召开支委会" in r.sentence


def test_an_override_in_a_subtree_wins_and_can_switch_a_rule_off(world):
    default = Rule.objects.get(organization=None, meeting_kind="lecture", condition="")
    Rule.objects.create(organization=world.orgs.a, meeting_kind="lecture", condition="", org_kind="branch",
                        period="quarter", min_count=1, enabled=False)
    assert ("lecture", "") not in verdicts(world.orgs.a1, Q3)
    assert ("lecture", "") in verdicts(world.orgs.b1, Q3)
    # a deeper override switches it back on, yearly, for A1 only
    Rule.objects.create(organization=world.orgs.a1, meeting_kind="lecture", condition="", org_kind="branch",
                        period="year", min_count=2, enabled=True)
    r = verdicts(world.orgs.a1, Q3)[("lecture", "")]
    assert r.rule.period == "year" and r.rule.min_count == 2
    assert default.period == "quarter"


def test_rollup_counts_branches_per_rule_in_sql(world, django_assert_max_num_queries):
    hold(world.orgs.a1, "general_assembly", datetime.date(2026, 5, 4), others=[world.orgs.b1])
    with django_assert_max_num_queries(12):
        rows = {r.key: r for r in compliance.rollup(world.orgs.group, Q2, Organization.objects.all(), TODAY)}
    assembly = rows[("general_assembly", "")]
    assert (assembly.met, assembly.due, assembly.overdue) == (2, 0, 1)
    failing = compliance.failing(world.orgs.group, Q2, Organization.objects.all(), ("general_assembly", ""), "overdue", TODAY)
    assert [o.code for o in failing] == ["A2"]


def test_rollup_respects_overrides_below_the_root(world):
    Rule.objects.create(organization=world.orgs.b, meeting_kind="general_assembly", condition="", org_kind="branch",
                        period="quarter", min_count=1, enabled=False)
    rows = {r.key: r for r in compliance.rollup(world.orgs.group, Q2, Organization.objects.all(), TODAY)}
    assert rows[("general_assembly", "")].total == 2  # B1 is no longer judged


@pytest.mark.parametrize("code,label", [("2026Q1", "2026年第一季度"), ("2026-02", "2026年2月"), ("2025", "2025年")])
def test_periods_parse_and_label(code, label):
    assert periods.parse(code, TODAY).label == label


def test_month_rule_spans_inside_a_year_are_twelve_months():
    assert len(periods.rule_spans("month", periods.year(2026))) == 12
    assert [s.code for s in periods.rule_spans("quarter", periods.month(2026, 5))] == ["2026Q2"]


def test_a_sentence_for_a_partial_period_claims_only_the_months_the_branch_existed(world):
    """Trust F: founded on 15 August — July is not "held", it is not required."""
    late = make_org("八月成立支部", parent=world.orgs.a, founded_on=datetime.date(2026, 8, 1))
    hold(late, "theme_day", datetime.date(2026, 8, 10))
    r = verdicts(late, Q3)[("theme_day", "")]
    assert r.status == "met"
    assert "7月" not in r.sentence.split("（")[0] and "8月" in r.sentence and "不作要求" in r.sentence


def test_a_joint_lecture_counts_as_the_secretarys_lecture_only_for_the_host(world):
    """Trust F: A1's secretary lectured at a 党课 held jointly with A2: A2's secretary has not lectured."""
    hold(world.orgs.a1, "lecture", datetime.date(2026, 5, 3), others=[world.orgs.a2], lectured=True)
    assert verdicts(world.orgs.a1, Q3)[("lecture", "secretary_lectured")].status == "met"
    assert verdicts(world.orgs.a2, Q3)[("lecture", "secretary_lectured")].status == "due"
    assert verdicts(world.orgs.a2, Q2)[("lecture", "")].status == "met"  # as a 党课 it counts for both


def test_a_committee_meeting_without_a_majority_of_members_does_not_count(world):
    """Trust F (支部条例): a 支委会 needs more than half of its members present."""
    from unittest.mock import patch

    from dangjian.meetings import services
    seats = list(world.members.a1)  # a committee of 4
    make_committee(world.orgs.a1, seats)
    day = datetime.date(2026, 7, 6)

    def record(present):
        marks = {m.pk: ("present" if i < present else "absent", "") for i, m in enumerate(seats)}
        with patch.object(services, "ensure_in_scope"):
            return services.record_meeting(host=world.orgs.a1, by=None, attendance=marks, fields={
                "kind": "committee", "topic": "支委会", "held_on": day, "status": "held"})

    half = record(2)  # 2 of 4: not more than half
    assert not half.participations.get().quorate
    july = periods.month(2026, 7)
    assert verdicts(world.orgs.a1, july, today=datetime.date(2026, 8, 20))[("committee", "")].status == "overdue"
    record(3)
    assert verdicts(world.orgs.a1, july, today=datetime.date(2026, 8, 20))[("committee", "")].status == "met"


def test_the_compliance_drill_down_download_needs_the_export_right(world, login):
    """Trust B1: a member may read their branch's compliance page, not download lists from it."""
    from django.urls import reverse

    url = reverse("meetings:failing", args=[world.orgs.a1.pk]) + "?rule=general_assembly:&status=due&format=xlsx"
    assert login(world.users.member).get(url).status_code == 404
    assert login(world.users.secretary).get(url).status_code == 200
