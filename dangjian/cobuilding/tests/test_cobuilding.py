import datetime

import pytest
from django.urls import reverse

from dangjian.cobuilding import progress, services
from dangjian.cobuilding.models import Agreement, Output
from dangjian.meetings.models import Meeting, MeetingOrganization
from dangjian.orgs.models import ExternalOrganization

YEAR_START, YEAR_END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)

# The seed 000 letter (神渭管运 ⇄ 渭化): ≥4 exchanges, ≥1 theory result, ≥4 joint systems a year.
SEED_000 = [
    {"measure": "exchange", "min_count": 4, "who": "jointly"},
    {"measure": "output", "output_kind": "theory", "min_count": 1, "who": "jointly"},
    {"measure": "output", "output_kind": "system", "min_count": 4, "who": "jointly"},
]


@pytest.fixture
def pairing(world):
    return services.create_agreement(
        by=world.users.group_admin,
        fields={"title": "神渭—渭化结对共建", "level": "committee", "starts_on": YEAR_START, "ends_on": YEAR_END,
                "status": "in_force"},
        organizations=[world.orgs.a, world.orgs.b], externals=[], targets=SEED_000)


def party(agreement, org):
    return agreement.parties.get(organization=org)


def by_title(agreement, today):
    return {p.target.measure + p.target.output_kind: p for p in progress.progress_for(agreement, today)}


def test_the_seed_letter_is_expressible_and_counts_joint_exchanges(world, pairing):
    a, b = party(pairing, world.orgs.a), party(pairing, world.orgs.b)
    for day in (datetime.date(2026, 3, 1), datetime.date(2026, 5, 1)):
        services.record_activity(agreement=pairing, by=world.users.group_admin, parties=[a, b], title="交流",
                                 held_on=day, category="study", is_exchange=True)
    # one side alone is not a joint exchange
    services.record_activity(agreement=pairing, by=world.users.group_admin, parties=[a], title="单方活动",
                             held_on=datetime.date(2026, 4, 1), category="study", is_exchange=True)
    p = by_title(pairing, datetime.date(2026, 6, 30))["exchange"]
    assert p.count == 2 and p.status == "on_track"  # 2 of 4 by mid-year
    late = by_title(pairing, datetime.date(2026, 10, 1))["exchange"]
    assert late.status == "behind"
    assert by_title(pairing, datetime.date(2027, 1, 5))["exchange"].status == "missed"


def test_outputs_count_by_kind_and_who(world, pairing):
    a = party(pairing, world.orgs.a)
    Output.objects.create(agreement=pairing, kind="theory", title="共建课题", produced_on=datetime.date(2026, 6, 1))
    Output.objects.create(agreement=pairing, kind="system", title="单方制度", produced_on=datetime.date(2026, 6, 1), party=a)
    p = by_title(pairing, datetime.date(2026, 7, 1))
    assert p["outputtheory"].status == "met"
    assert p["outputsystem"].count == 0  # made by one side only; the letter asks for joint systems


def test_each_side_targets_take_the_weaker_side(world, pairing):
    t = pairing.targets.create(measure="activity", category="service", min_count=2, who="each")
    a, b = party(pairing, world.orgs.a), party(pairing, world.orgs.b)
    for parties in ([a, b], [a], [a]):
        services.record_activity(agreement=pairing, by=world.users.group_admin, parties=parties, title="服务",
                                 held_on=datetime.date(2026, 2, 2), category="service")
    services.record_activity(agreement=pairing, by=world.users.group_admin, parties=[b], title="学习",
                             held_on=datetime.date(2026, 2, 2), category="study")
    count, per_party = progress.count_for(t)
    assert count == 1 and sorted(n for _name, n in per_party) == [1, 3]


def test_records_outside_the_agreement_year_do_not_count(world, pairing):
    a, b = party(pairing, world.orgs.a), party(pairing, world.orgs.b)
    for day in (datetime.date(2025, 12, 31), datetime.date(2027, 1, 1), datetime.date(2026, 1, 1)):
        services.record_activity(agreement=pairing, by=world.users.group_admin, parties=[a, b], title="跨年",
                                 held_on=day, category="study", is_exchange=True)
    assert by_title(pairing, datetime.date(2026, 6, 1))["exchange"].count == 1


def test_renewal_copies_parties_and_targets_into_next_year(world, pairing):
    new = services.renew(pairing, by=world.users.group_admin)
    assert new.starts_on == datetime.date(2027, 1, 1) and new.status == "draft"
    assert new.targets.count() == 3 and new.parties.count() == 2


def test_both_sides_see_the_agreement_and_outsiders_do_not(world, login, pairing):
    for persona in ("group_admin", "inspector", "outsider"):  # inspector holds A, outsider holds B: both parties
        assert login(getattr(world.users, persona)).get(reverse("cobuilding:detail", args=[pairing.pk])).status_code == 200
    only_a1 = services.create_agreement(
        by=world.users.group_admin, fields={"title": "支部结对", "level": "branch", "starts_on": YEAR_START,
                                            "ends_on": YEAR_END, "status": "in_force"},
        organizations=[world.orgs.a1, world.orgs.a2], externals=[], targets=SEED_000[:1])
    assert login(world.users.outsider).get(reverse("cobuilding:detail", args=[only_a1.pk])).status_code == 404
    assert login(world.users.inspector).post(reverse("cobuilding:renew", args=[only_a1.pk])).status_code == 404


def test_signing_needs_one_party_in_your_scope(world, login):
    client = login(world.users.secretary)
    data = {"title": "越权协议", "level": "branch", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "status": "draft",
            "org_codes": "A2,B1", "t0_measure": "activity", "t0_min_count": 2, "t0_who": "jointly"}
    response = client.post(reverse("cobuilding:create"), data)
    assert "至少一方须为您管辖范围内的党组织" in response.content.decode()
    data["org_codes"] = "A1,B1"
    assert client.post(reverse("cobuilding:create"), data).status_code == 302
    assert Agreement.objects.get(title="越权协议").parties.count() == 2


def test_an_external_partner_can_be_a_party(world):
    ext = ExternalOrganization.objects.create(name="眉山市某社区党委", owner=world.orgs.a)
    ag = services.create_agreement(by=world.users.group_admin,
                                   fields={"title": "八联共建", "level": "general_branch", "starts_on": YEAR_START,
                                           "ends_on": YEAR_END, "status": "in_force"},
                                   organizations=[world.orgs.a], externals=[ext], targets=SEED_000[:1])
    assert {p.name for p in ag.parties.all()} == {"神渭管运公司党委", "眉山市某社区党委"}


def test_a_joint_theme_day_counts_as_co_building_once_linked(world, login, pairing):
    m = Meeting.objects.create(organization=world.orgs.a1, kind="theme_day", topic="联合主题党日",
                               held_on=datetime.date(2026, 4, 27))
    for o in (world.orgs.a1, world.orgs.b1):
        MeetingOrganization.objects.create(meeting=m, organization=o)
    # the pairing is between A and B; A1/B1 are below them but are not parties, so the link needs party orgs
    branch_pair = services.create_agreement(
        by=world.users.group_admin, fields={"title": "支部结对", "level": "branch", "starts_on": YEAR_START,
                                            "ends_on": YEAR_END, "status": "in_force"},
        organizations=[world.orgs.a1, world.orgs.b1], externals=[], targets=[{"measure": "activity", "min_count": 1, "who": "jointly"}])
    assert list(services.linkable_meetings(branch_pair, world.users.group_admin)) == [m]
    client = login(world.users.group_admin)
    client.post(reverse("cobuilding:link_meeting", args=[branch_pair.pk, m.pk]))
    assert progress.progress_for(branch_pair, datetime.date(2026, 5, 1))[0].status == "met"
    assert not services.linkable_meetings(branch_pair, world.users.group_admin).exists()


@pytest.fixture
def review_setup(world):
    """A1 ⇄ B1 branch pairing in force for the current year; B1 holds a 主题党日 and an unrelated 谈心谈话."""
    from django.utils import timezone

    today = timezone.localdate()
    ag = services.create_agreement(
        by=world.users.group_admin, fields={"title": "A1—B1 结对", "level": "branch", "status": "in_force",
                                            "starts_on": datetime.date(today.year, 1, 1), "ends_on": datetime.date(today.year, 12, 31)},
        organizations=[world.orgs.a1, world.orgs.b1], externals=[],
        targets=[{"measure": "review", "min_count": 2, "who": "each"}])
    theme = Meeting.objects.create(organization=world.orgs.b1, kind="theme_day", topic="B1主题党日", held_on=today)
    talk = Meeting.objects.create(organization=world.orgs.b1, kind="talk", topic="B1谈心谈话", held_on=today)
    for m in (theme, talk):
        MeetingOrganization.objects.create(meeting=m, organization=world.orgs.b1)
    return ag, theme, talk


def test_an_agreement_grants_reading_the_other_sides_meetings_and_nothing_more(world, login, review_setup):
    from rest_framework.test import APIClient

    ag, theme, talk = review_setup
    secretary = login(world.users.secretary)  # A1's secretary: B1 is outside the tree scope
    assert secretary.get(reverse("meetings:detail", args=[theme.pk])).status_code == 200
    assert secretary.get(reverse("meetings:detail", args=[talk.pk])).status_code == 404  # not what the agreement covers
    assert secretary.get(reverse("meetings:edit", args=[theme.pk])).status_code == 404  # read, never write
    assert secretary.get(reverse("members:detail", args=[world.members.b1[0].pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(world.users.secretary)
    assert {m["topic"] for m in api.get("/api/meetings/").json()["results"]} == {"B1主题党日"}
    # A2's view is untouched: not a party
    assert login(world.users.group_admin).get(reverse("meetings:detail", args=[theme.pk])).status_code == 200


def test_the_grant_is_revoked_when_the_agreement_ends(world, login, review_setup):
    from rest_framework.test import APIClient

    ag, theme, _talk = review_setup
    ag.status = "ended"
    ag.save()
    assert login(world.users.secretary).get(reverse("meetings:detail", args=[theme.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(world.users.secretary)
    assert api.get(f"/api/meetings/{theme.pk}/").status_code == 404


def test_a_review_is_recorded_and_counted(world, login, review_setup):
    ag, theme, talk = review_setup
    client = login(world.users.secretary)
    response = client.post(reverse("cobuilding:review", args=[theme.pk]), {"rating": 4, "comment": "程序规范，记录完整"})
    assert response.status_code == 302
    assert client.post(reverse("cobuilding:review", args=[talk.pk]), {"rating": 5, "comment": "x"}).status_code == 404
    count, per_party = progress.count_for(ag.targets.get())
    assert sorted(n for _name, n in per_party) == [0, 1] and count == 0  # each side must review twice
    body = login(world.users.outsider).get(reverse("meetings:detail", args=[theme.pk])).content.decode()
    assert "程序规范，记录完整" in body  # B1's own admin sees the review of their meeting


def test_the_overview_shows_coverage_and_agreements_behind(world, login, review_setup):
    response = login(world.users.group_admin).get(reverse("cobuilding:overview"))
    assert response.context["paired"] == 2 and response.context["total"] == 3
    assert "<svg" in response.content.decode()


def test_year_end_evaluation_is_prefilled_and_closes_the_agreement(world, login, pairing):
    client = login(world.users.group_admin)
    page = client.get(reverse("cobuilding:evaluate", args=[pairing.pk])).content.decode()
    assert "交流 ≥4（共同）：完成 0 项" in page
    client.post(reverse("cobuilding:evaluate", args=[pairing.pk]), {"grade": "fair", "summary": "交流次数不足"})
    pairing.refresh_from_db()
    assert pairing.status == "evaluated" and pairing.evaluation.grade == "fair"


def test_activity_photos_and_output_files_are_checked_and_served_to_parties_only(world, login, pairing, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    a, b = party(pairing, world.orgs.a), party(pairing, world.orgs.b)
    client = login(world.users.group_admin)
    client.post(reverse("cobuilding:add_activity", args=[pairing.pk]), {
        "title": "联学", "held_on": "2026-03-03", "category": "study", "parties": [a.pk, b.pk],
        "photo": SimpleUploadedFile("合影.jpg", b"\xff\xd8\xff\xe0jpeg")})
    activity = pairing.activities.get()
    photo = activity.photos.get()
    client.post(reverse("cobuilding:add_activity", args=[pairing.pk]), {
        "title": "坏照片", "held_on": "2026-03-04", "category": "study", "parties": [a.pk],
        "photo": SimpleUploadedFile("x.jpg", b"not a jpeg")})
    assert not pairing.activities.filter(title="坏照片").exists()
    client.post(reverse("cobuilding:add_output", args=[pairing.pk]), {
        "kind": "theory", "title": "调研报告", "produced_on": "2026-05-05", "file": SimpleUploadedFile("r.pdf", b"%PDF-1.4")})
    out = pairing.outputs.get()
    assert login(world.users.outsider).get(reverse("cobuilding:photo", args=[photo.pk])).status_code == 200  # B is a party
    only = services.create_agreement(by=world.users.group_admin, fields={"title": "A内部", "level": "branch", "status": "in_force",
                                     "starts_on": YEAR_START, "ends_on": YEAR_END}, organizations=[world.orgs.a1, world.orgs.a2],
                                     externals=[], targets=SEED_000[:1])
    Output.objects.filter(pk=out.pk).update(agreement=only)
    assert login(world.users.outsider).get(reverse("cobuilding:output_file", args=[out.pk])).status_code == 404


def test_a_custom_target_counts_its_evidence(world, pairing):
    t = pairing.targets.create(measure="custom", min_count=1, who="either", note="共建一处党员活动阵地")
    Output.objects.create(agreement=pairing, kind="other", title="阵地挂牌", produced_on=datetime.date(2026, 9, 1))
    Output.objects.create(agreement=pairing, kind="theory", title="不计入", produced_on=datetime.date(2026, 9, 1))
    assert progress.count_for(t) == (1, []) and t.title.startswith("共建一处党员活动阵地")


def test_one_party_alone_cannot_put_an_agreement_in_force(world, login):
    """Trust B2: A's admin signs with B as 生效 — it stays a draft granting nothing until B's admin confirms."""
    from django.utils import timezone

    from dangjian.accounts import roles
    from dangjian.factories import UserFactory, grant

    today = timezone.localdate()
    a_admin = UserFactory(username="a_admin")
    grant(a_admin, world.orgs.a, roles.ORG_ADMIN)
    theme = Meeting.objects.create(organization=world.orgs.b1, kind="theme_day", topic="B1主题党日", held_on=today)
    MeetingOrganization.objects.create(meeting=theme, organization=world.orgs.b1)
    client = login(a_admin)
    response = client.post(reverse("cobuilding:create"), {
        "title": "A单方签订", "level": "committee", "starts_on": f"{today.year}-01-01", "ends_on": f"{today.year}-12-31",
        "status": "in_force", "org_codes": "A,B", "t0_measure": "exchange", "t0_min_count": 4, "t0_who": "jointly"})
    assert response.status_code == 302
    ag = Agreement.objects.get(title="A单方签订")
    assert ag.status == "draft" and ag.unconfirmed_parties().get().organization_id == world.orgs.b.pk
    assert client.get(reverse("meetings:detail", args=[theme.pk])).status_code == 404
    # nor can A put it in force on the edit page, or confirm for B, or edit B's contacts
    client.post(reverse("cobuilding:edit", args=[ag.pk]), {"status": "in_force"})
    b_party = ag.parties.get(organization=world.orgs.b)
    client.post(reverse("cobuilding:edit", args=[ag.pk]), {"status": "draft", f"contact_{b_party.pk}": "冒名"})
    assert client.post(reverse("cobuilding:confirm", args=[ag.pk, b_party.pk])).status_code == 403
    ag.refresh_from_db()
    b_party.refresh_from_db()
    assert ag.status == "draft" and b_party.contact != "冒名" and b_party.confirmed_at is None
    assert client.get(reverse("meetings:detail", args=[theme.pk])).status_code == 404
    # B's admin confirms: now it is in force and grants the review
    assert login(world.users.outsider).post(reverse("cobuilding:confirm", args=[ag.pk, b_party.pk])).status_code == 302
    ag.refresh_from_db()
    assert ag.status == "in_force"
    from dangjian.core.scope import forget_grants

    forget_grants(a_admin)
    assert login(a_admin).get(reverse("meetings:detail", args=[theme.pk])).status_code == 200


def test_review_grants_cost_a_constant_number_of_queries(world, django_assert_max_num_queries):
    """Production 7: one query per agreement was 2,010 queries for 1,000 agreements on every meeting page."""
    from django.utils import timezone

    from dangjian.cobuilding.access import review_grants, reviewable_q
    from dangjian.core.scope import forget_grants
    from dangjian.factories import make_org

    today = timezone.localdate()
    for i in range(15):
        partner = make_org(f"伙伴支部{i}", parent=world.orgs.b)
        services.create_agreement(
            by=world.users.group_admin, fields={"title": f"A1—伙伴{i}", "level": "branch",
                                                "starts_on": datetime.date(today.year, 1, 1),
                                                "ends_on": datetime.date(today.year, 12, 31)},
            organizations=[world.orgs.a1, partner], externals=[], targets=[{"measure": "review", "min_count": 1,
                                                                             "who": "each"}])
    forget_grants(world.users.secretary)
    with django_assert_max_num_queries(4):
        grants = review_grants(world.users.secretary)
    assert len(grants) == 15
    participations = reviewable_q(world.users.secretary).children[0][1]  # pk__in=<participation rows>
    assert str(participations.query).count("LIKE") == 15  # one per distinct subtree
