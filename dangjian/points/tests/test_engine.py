"""Member points derived from the records: each source, caps across period boundaries, overrides by subtree, and
the SQL totals equal to the member's ledger line by line, for every member."""
import datetime
import random
from decimal import Decimal

from dangjian.factories import MemberFactory, make_org
from dangjian.meetings import services as meetings
from dangjian.members.models import Member
from dangjian.points import engine
from dangjian.points.models import PointRule, Source

YEAR = 2025


def hold(world, org, kind, on, marks, host=None, joint=(), lecturer=None):
    return meetings.record_meeting(host=org, by=world.users.group_admin, attendance=marks, others=joint, fields={
        "kind": kind, "topic": f"{kind} {on}", "held_on": on, "status": "held", "host": host,
        "lecturer_member": lecturer})


def totals(members):
    return engine.year_points(Member.objects.filter(pk__in=[m.pk for m in members]), YEAR)


def test_each_source_scores_its_records_once(world):
    me, other = world.members.a1[:2]
    hold(world, world.orgs.a1, "general_assembly", datetime.date(YEAR, 3, 5),
         {me.pk: ("present", ""), other.pk: ("absent", "")}, host=me)
    hold(world, world.orgs.a1, "lecture", datetime.date(YEAR, 4, 9), {me.pk: ("leave", "出差"), other.pk: ("present", "")})
    # a joint 主题党日 of A1 and A2: one attendance row per member, so it counts once
    hold(world, world.orgs.a1, "theme_day", datetime.date(YEAR, 5, 1), {me.pk: ("present", "")}, joint=[world.orgs.a2])
    hold(world, world.orgs.a1, "general_assembly", datetime.date(YEAR - 1, 12, 30), {me.pk: ("present", "")})  # last year
    got = totals([me, other])
    # me: base 60 + 党员大会 2 + host 1 + 主题党日 1 (leave: nothing); other: 60 − 2 absent + 党课 1
    assert got[me.pk] == Decimal(64) and got[other.pk] == Decimal(59)
    lines = engine.ledger(me, YEAR).lines
    assert [(line.source, line.points) for line in lines] == [
        (Source.BASE, 60), (Source.PRESENT, 2), (Source.HOST, 1), (Source.PRESENT, 1)]
    assert lines[1].record.kind == "general_assembly" and engine.ledger(other, YEAR).stars == 0


def test_caps_cut_within_their_period_and_not_across_it(world):
    me = world.members.a1[0]
    marks = {me.pk: ("present", "")}
    for day in (1, 15, 31):  # three 主题党日 in January: capped at 1 a month
        hold(world, world.orgs.a1, "theme_day", datetime.date(YEAR, 1, day), marks)
    hold(world, world.orgs.a1, "theme_day", datetime.date(YEAR, 2, 1), marks)  # February: a new month
    for month in (1, 2, 3, 3):  # hosting four times in the first quarter: capped at 3 a quarter
        hold(world, world.orgs.a1, "other", datetime.date(YEAR, month, 20 if month < 3 else 21), {}, host=me)
    hold(world, world.orgs.a1, "other", datetime.date(YEAR, 4, 1), {}, host=me)  # second quarter
    led = engine.ledger(me, YEAR)
    assert led.total == totals([me])[me.pk] == Decimal(60 + 2 + 3 + 1)
    cut = [line for line in led.lines if line.cut]
    assert len(cut) == 3 and all("上限" in line.note for line in cut)


def test_a_committee_overrides_the_rules_for_its_subtree_only(world):
    PointRule.objects.create(organization=world.orgs.a, source=Source.PRESENT, meeting_kind="general_assembly",
                             item="参加支部党员大会（A公司）", category="life", points=Decimal("3.5"))
    PointRule.objects.create(organization=world.orgs.a2, source=Source.BASE, item="基础分", category="basic",
                             points=Decimal("65"))
    a1, a2, b1 = world.members.a1[0], world.members.a2[0], world.members.b1[0]
    for org, m in ((world.orgs.a1, a1), (world.orgs.a2, a2), (world.orgs.b1, b1)):
        hold(world, org, "general_assembly", datetime.date(YEAR, 6, 1), {m.pk: ("present", "")})
    got = totals([a1, a2, b1])
    assert got == {a1.pk: Decimal("63.5"), a2.pk: Decimal("68.5"), b1.pk: Decimal(62)}
    assert engine.rules_for(world.orgs.a2)[(Source.BASE, "")].points == 65


def test_random_records_give_the_same_totals_in_sql_and_in_the_ledger(world):
    rng = random.Random(2025)
    b2 = make_org("第二生产党支部", parent=world.orgs.b, code="B2")
    PointRule.objects.create(organization=world.orgs.b, source=Source.PRESENT, meeting_kind="theme_day",
                             item="参加主题党日", category="life", points=Decimal("1.5"), cap=Decimal(2), cap_period="quarter")
    PointRule.objects.create(organization=world.orgs.a, source=Source.ABSENT, item="无故缺席", category="deduction",
                             points=Decimal(-3), cap=Decimal(5), cap_period="month")
    people = {world.orgs.a1: world.members.a1, world.orgs.a2: world.members.a2, world.orgs.b1: world.members.b1,
              b2: MemberFactory.create_batch(3, organization=b2)}
    kinds = ["general_assembly", "lecture", "theme_day", "life_meeting", "evaluation", "talk", "other"]
    for _i in range(60):
        org = rng.choice(list(people))
        on = datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        marks = {m.pk: (s, "事假" if s == "leave" else "") for m in people[org]
                 for s in [rng.choice(["present", "present", "absent", "leave"])]}
        kind = rng.choice(kinds)
        hold(world, org, kind, on, marks, host=rng.choice(people[org] + [None]),
             lecturer=rng.choice(people[org] + [None]) if kind == "lecture" else None)
    everyone = [m for ms in people.values() for m in ms]
    got = totals(everyone)
    # the whole-group reading (records first, not members first) gives the same totals
    assert engine.year_points(Member.objects.filter(pk__in=[m.pk for m in everyone]), YEAR, scan=True) == got
    for m in everyone:
        assert engine.ledger(m, YEAR).total == got.get(m.pk, 0), m.name
    assert len({got[m.pk] for m in everyone}) > 3  # the records made a difference
    # a quarter's figures (the year up to its end) agree the same way, and stop at the quarter
    until = engine.quarter_end(YEAR, 2)
    assert until == datetime.date(YEAR, 6, 30) and engine.quarter_end(YEAR, 4) == datetime.date(YEAR, 12, 31)
    half = engine.year_points(Member.objects.filter(pk__in=[m.pk for m in everyone]), YEAR, until=until)
    for m in everyone:
        led = engine.ledger(m, YEAR, until=until)
        assert led.total == half.get(m.pk, 0) and all(line.on <= until for line in led.lines), m.name
    assert half != got


def test_stars_follow_the_scale_of_the_nearest_organization(world, login):
    """RULES.md's defaults (60/70/80/90/96; organizations 60/65/75/85/95); a 党委 sets its own scale for its subtree
    on the rules page — its branches' boards use it, a sibling 党委's do not — and a scale whose stars do not rise
    is refused with a message."""
    from django.urls import reverse

    from dangjian.points.models import ScaleOf, StarScale

    scales = engine.Scales()
    points = (59.9, 60, 69.5, 70, 80, 90, 95.5, 96, 100)
    assert [scales.stars(Decimal(p)) for p in points] == [0, 1, 1, 2, 3, 4, 4, 5, 5]
    assert [engine.Scales(ScaleOf.GROUP).stars(Decimal(p)) for p in (59, 60, 65, 75, 85, 95)] == [0, 1, 2, 3, 4, 5]
    admin = login(world.users.group_admin)
    url = reverse("points:star_scale", args=[world.orgs.a.pk, "member"])
    page = admin.post(url, {"one": "60", "two": "65", "three": "65", "four": "90", "five": "95"})
    assert page.status_code == 200 and "应高于上一星级的起点" in page.content.decode()
    assert admin.post(url, {"one": "50", "two": "60", "three": "75", "four": "85", "five": "95"}).status_code == 302
    assert StarScale.objects.get(organization=world.orgs.a).basis.startswith(world.orgs.a.name)
    scales = engine.Scales()
    assert scales.stars(Decimal(55), world.orgs.a1.path) == 1 and scales.stars(Decimal(55), world.orgs.b1.path) == 0
    assert scales.stars(Decimal(95), world.orgs.a1.path) == 5 and scales.stars(Decimal(95), world.orgs.b1.path) == 4
    rules = admin.get(reverse("points:rules", args=[world.orgs.a1.pk])).content.decode()
    assert "神渭管运公司党委 的规定" in rules and "低于 50.0 分为不合格" in rules
    board = admin.get(reverse("points:board", args=[world.orgs.a1.pk]))  # 60 base, no records: ★★ under A's scale
    assert {r.stars for r in board.context["rows"]} == {2}
    assert {r.stars for r in admin.get(reverse("points:board", args=[world.orgs.b1.pk])).context["rows"]} == {1}
    assert admin.post(url, {"reset": "1"}).status_code == 302 and not StarScale.objects.filter(organization__isnull=False)
    # a member may read the rules but not change them
    assert login(world.users.secretary).get(url).status_code == 404


def test_a_co_building_activity_attended_earns_its_own_line_capped_per_quarter(world):
    """Source 参加联建共建活动: the member attended the meeting that records a co-building agreement's joint
    activity — one point each (default), at most 2 a quarter, beside the meeting's own attendance point."""
    from dangjian.cobuilding import services as cobuilding

    me, other = world.members.a1[:2]
    pairing = cobuilding.create_agreement(
        by=world.users.group_admin, organizations=[world.orgs.a1, world.orgs.b1], externals=[], targets=[],
        fields={"title": "A1与B1结对共建", "level": "branch", "starts_on": datetime.date(YEAR, 1, 1),
                "ends_on": datetime.date(YEAR, 12, 31)})
    parties = list(pairing.parties.all())
    for month in (4, 5, 6, 7):
        meeting = hold(world, world.orgs.a1, "other", datetime.date(YEAR, month, 8),
                       {me.pk: ("present", ""), other.pk: ("absent" if month == 4 else "leave", "事假")},
                       joint=[world.orgs.b1])
        cobuilding.record_activity(agreement=pairing, by=world.users.group_admin, parties=parties, meeting=meeting,
                                   title=f"联学{month}", held_on=meeting.held_on, category="study")
    hold(world, world.orgs.a1, "other", datetime.date(YEAR, 8, 8), {me.pk: ("present", "")})  # not co-building
    got = totals([me, other])
    # me: 60 + co-building 2 (Q2: April, May; June cut by the cap) + 1 (Q3: July); "other" kind earns no attendance point
    assert got[me.pk] == Decimal(63) and got[other.pk] == Decimal(58)  # 60 − 2 absent in April, leave is no loss
    lines = [line for line in engine.ledger(me, YEAR).lines if line.source == Source.COBUILDING]
    assert [(line.on.month, line.points) for line in lines] == [(4, 1), (5, 1), (6, 0), (7, 1)]
    assert lines[2].cut and "季度" in lines[2].note and lines[0].record.topic.startswith("other")


def test_a_member_who_lectures_a_party_class_earns_the_lecturer_line_capped_per_year(world, login):
    """Source 讲授党课: the 党课's lecturer recorded as a member of the organization (the meeting form offers them)
    earns 2 a 党课, at most 4 a year; an invited lecturer typed as a name earns nobody anything."""
    from django.urls import reverse

    me, other = world.members.a1[:2]
    client = login(world.users.secretary)
    url = reverse("meetings:record", args=[world.orgs.a1.pk, "lecture"])
    form = client.get(url).context["form"]
    assert me in form.fields["lecturer_member"].queryset
    response = client.post(url, {"status": "held", "topic": "党课：学习党章", "held_on": f"{YEAR}-03-02",
                                 "lecturer_member": me.pk, f"att_{me.pk}": "present", f"att_{other.pk}": "present"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    from dangjian.meetings.models import Meeting

    first = Meeting.objects.get(topic="党课：学习党章")
    assert first.lecturer_member == me and first.lecturer == me.name
    for month in (6, 9):
        hold(world, world.orgs.a1, "lecture", datetime.date(YEAR, month, 2), {me.pk: ("present", "")}, lecturer=me)
    hold(world, world.orgs.a1, "lecture", datetime.date(YEAR, 10, 2), {me.pk: ("present", "")})  # invited lecturer
    lines = [line for line in engine.ledger(me, YEAR).lines if line.source == Source.LECTURER]
    assert [(line.on.month, line.points) for line in lines] == [(3, 2), (6, 2), (9, 0)] and lines[2].cut
    # 60 + 4 党课 attended + 4 lecturing (the third cut by the year's cap)
    assert totals([me])[me.pk] == Decimal(68)
