"""Publication: the branch freezes a year's results; later edits show as "变动" beside the published figure, never
changing it silently; republishing is explicit (a reason) and kept; the branch's members read what was published."""
import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from dangjian.meetings import services as meetings
from dangjian.meetings.models import Attendance
from dangjian.points.models import Publication

YEAR = timezone.localdate().year


def test_a_published_year_is_frozen_marks_later_changes_and_is_republished_only_with_a_reason(world, login):
    a1 = world.members.a1
    meeting = meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": "general_assembly", "topic": "年中党员大会", "held_on": datetime.date(YEAR, 1, 15), "status": "held"},
        attendance={m.pk: ("present", "") for m in a1})
    secretary = login(world.users.secretary)
    board = reverse("points:board", args=[world.orgs.a1.pk])
    assert secretary.post(reverse("points:publish", args=[world.orgs.a1.pk]), {"year": YEAR}).status_code == 302
    publication = Publication.objects.get()
    assert {r.points for r in publication.results.all()} == {Decimal(62)}
    # a record corrected after publication: the snapshot keeps 62, the board and the published page say 变动
    Attendance.objects.filter(meeting=meeting, member=a1[1]).update(status="absent")
    rows = {r.member.pk: r for r in secretary.get(board).context["rows"]}
    assert rows[a1[1].pk].points == 58 and rows[a1[1].pk].published.points == 62 and rows[a1[1].pk].changed
    assert not rows[a1[2].pk].changed
    page = secretary.get(reverse("points:published", args=[world.orgs.a1.pk])).content.decode()
    assert "62.0" in page and "现为 58.0" in page
    # republishing needs a reason, and keeps the earlier publication
    secretary.post(reverse("points:publish", args=[world.orgs.a1.pk]), {"year": YEAR})
    assert Publication.objects.count() == 1
    secretary.post(reverse("points:publish", args=[world.orgs.a1.pk]), {"year": YEAR, "note": "更正出勤记录"})
    latest = Publication.objects.first()
    assert Publication.objects.count() == 2 and latest.note == "更正出勤记录"
    assert latest.results.get(member=a1[1]).points == 58


def test_members_read_their_branchs_publication_and_nobody_elses(world, login):
    secretary = login(world.users.secretary)
    secretary.post(reverse("points:publish", args=[world.orgs.a1.pk]), {"year": YEAR})
    member = login(world.users.member)
    page = member.get(reverse("points:published", args=[world.orgs.a1.pk]))
    assert page.status_code == 200 and {r.member_id for r in page.context["results"]} == {m.pk for m in world.members.a1}
    assert "本支部积分公示" in member.get(reverse("points:me")).content.decode()
    assert member.post(reverse("points:publish", args=[world.orgs.a1.pk]), {"year": YEAR}).status_code == 404
    outsider = login(world.users.outsider)
    assert outsider.get(reverse("points:published", args=[world.orgs.a1.pk])).status_code == 404
    assert outsider.get(reverse("points:publish", args=[world.orgs.a1.pk])).status_code == 405


def test_a_quarter_is_published_as_the_year_so_far_and_later_quarters_do_not_mark_it_changed(world, login):
    """RULES.md: published quarterly or yearly. A quarter's publication is the year up to the quarter's end; a
    meeting in the next quarter is not a change to it; the year's publication stands apart (and 星级党小组 reads
    only the year's)."""
    from dangjian.points import groups

    a1 = world.members.a1
    for day in (datetime.date(YEAR, 1, 15), datetime.date(YEAR, 5, 10)):
        meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
            "kind": "general_assembly", "topic": f"党员大会{day}", "held_on": day, "status": "held"},
            attendance={m.pk: ("present", "") for m in a1})
    secretary = login(world.users.secretary)
    publish, board = (reverse(f"points:{n}", args=[world.orgs.a1.pk]) for n in ("publish", "board"))
    first = secretary.get(board, {"year": YEAR, "quarter": 1})
    assert {r.points for r in first.context["rows"]} == {Decimal(62)} and "星级分布" not in first.content.decode()
    assert secretary.post(publish, {"year": YEAR, "quarter": 1}).status_code == 302
    q1 = Publication.objects.get()
    assert q1.quarter == 1 and {r.points for r in q1.results.all()} == {Decimal(62)}
    page = secretary.get(reverse("points:published", args=[world.orgs.a1.pk]), {"year": YEAR, "quarter": 1})
    body = page.content.decode()
    assert f"{YEAR}年第1季度（累计）党员积分公示" in body and "变动" not in body.split("<tbody>")[1]
    assert {r.points for r in secretary.get(board, {"year": YEAR}).context["rows"]} == {Decimal(64)}
    assert secretary.get(board, {"year": YEAR}).context["publication"] is None  # the year is not published yet
    secretary.post(publish, {"year": YEAR})  # the year's first publication needs no reason
    assert Publication.objects.count() == 2 and not groups.latest_publications(YEAR).filter(quarter=1).exists()
    secretary.post(publish, {"year": YEAR, "quarter": 1})  # the quarter again: a reason is required
    assert Publication.objects.count() == 2
    assert secretary.get(board, {"year": YEAR, "quarter": 5}).context["form"].errors["quarter"]


def test_a_committee_sees_its_branches_publications_and_star_distribution_side_by_side(world, login):
    """各支部积分: A's two branches — A1 published (one member absent and below 60), A2 not yet; the page shows the
    published distribution per branch, marks A2 未公示, and the 党委 publishes A2 from there. B's admin sees none
    of it."""
    a1 = world.members.a1
    meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": "general_assembly", "topic": "党员大会", "held_on": datetime.date(YEAR, 2, 1), "status": "held"},
        attendance={m.pk: ("absent" if m == a1[3] else "present", "") for m in a1})
    login(world.users.secretary).post(reverse("points:publish", args=[world.orgs.a1.pk]), {"year": YEAR})
    admin = login(world.users.group_admin)
    url = reverse("points:branches", args=[world.orgs.a.pk])
    page = admin.get(url, {"year": YEAR})
    rows = {r.branch: r for r in page.context["rows"]}
    assert rows[world.orgs.a1].by_stars == [1, 3, 0, 0, 0, 0] and rows[world.orgs.a1].members == 4
    assert rows[world.orgs.a1].average == Decimal("61.0")  # (62 × 3 + 58) / 4
    assert rows[world.orgs.a2].publication is None and "未公示" in page.content.decode()
    assert "branch-chart" in page.content.decode()
    admin.post(reverse("points:publish_branches", args=[world.orgs.a.pk]), {"year": YEAR})
    rows = {r.branch: r for r in admin.get(url, {"year": YEAR}).context["rows"]}
    assert rows[world.orgs.a2].by_stars == [0, 3, 0, 0, 0, 0]
    assert login(world.users.outsider).get(url).status_code == 404
