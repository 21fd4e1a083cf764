import datetime

from django.urls import reverse

from dangjian.factories import MemberFactory, make_committee, make_org
from dangjian.members.models import Status
from dangjian.orgs.models import Committee, OrgKind
from dangjian.orgs.rules import structural_warnings

TODAY = datetime.date(2026, 11, 23)


def messages(org):
    return " / ".join(w.message for w in structural_warnings(org, today=TODAY))


def branch_with(db, full, probationary=0):
    group = make_org("集团党委")
    branch = make_org("测试支部", parent=group)
    members = [MemberFactory(organization=branch) for _ in range(full)]
    for _ in range(probationary):
        MemberFactory(organization=branch, status=Status.PROBATIONARY, confirmed_on=None)
    return branch, members


def test_a_branch_needs_three_full_members(db):
    branch, _ = branch_with(db, full=2, probationary=3)
    assert "正式党员不足3名（现有2名）" in messages(branch)


def test_seven_full_members_need_a_committee(db):
    branch, _ = branch_with(db, full=7)
    assert "应设立支部委员会" in messages(branch)


def test_fewer_than_seven_full_members_have_no_committee(db):
    branch, members = branch_with(db, full=5)
    make_committee(branch, members[:3])
    assert "不设支部委员会" in messages(branch)


def test_a_secretary_alone_is_fine_for_a_small_branch(db):
    branch, members = branch_with(db, full=5)
    make_committee(branch, members[:1], positions=["secretary"])
    assert "不设支部委员会" not in messages(branch)


def test_a_committee_outside_three_to_five_is_flagged_for_a_branch(db):
    branch, members = branch_with(db, full=12)
    make_committee(branch, members[:6], positions=["secretary"] + ["other"] * 5)
    assert "委员会成员6人，党支部委员会一般为3至5人（最多7人）" in messages(branch)


def test_more_than_fifty_members_suggests_a_general_branch(db):
    branch, _ = branch_with(db, full=51)
    assert "超过50名" in messages(branch)


def test_a_term_past_its_due_date_is_overdue(db):
    branch, members = branch_with(db, full=8)
    make_committee(branch, members[:3], elected_on=datetime.date(2023, 1, 10), term_years=3)
    assert "已于 2026-01-10 届满" in messages(branch)


def test_a_term_due_within_six_months_is_announced(db):
    branch, members = branch_with(db, full=8)
    make_committee(branch, members[:3], elected_on=datetime.date(2024, 3, 1), term_years=3)
    assert "将于 2027-03-01 任期届满" in messages(branch)


def test_due_date_is_stored_from_term_length(db):
    branch, members = branch_with(db, full=8)
    c = make_committee(branch, members[:3], elected_on=datetime.date(2024, 2, 29), term_years=5)
    assert Committee.objects.get(pk=c.pk).due_on == datetime.date(2029, 2, 28)
    assert Committee.objects.due_before(datetime.date(2030, 1, 1)).count() == 1


def test_vacant_secretary_is_flagged(db):
    branch, members = branch_with(db, full=8)
    make_committee(branch, members[:3], positions=["organization", "publicity", "discipline"])
    assert "书记职务空缺" in messages(branch)


def test_counts_cover_the_whole_subtree_for_a_general_branch(db):
    group = make_org("集团党委")
    general = make_org("总支", parent=group, kind=OrgKind.GENERAL_BRANCH)
    b1 = make_org("支部一", parent=general)
    for _ in range(100):
        MemberFactory(organization=b1)
    assert "可设立基层党委" in messages(general)


def test_the_current_committee_can_be_corrected_mid_term(world, login):
    from django.urls import reverse

    a1 = world.members.a1
    c = make_committee(world.orgs.a1, a1[:3])
    client = login(world.users.secretary)
    page = client.get(reverse("orgs:committee_edit", args=[world.orgs.a1.pk]))
    assert page.context["form"].initial["seat_0_member"] == a1[0].pk
    response = client.post(reverse("orgs:committee_edit", args=[world.orgs.a1.pk]), {
        "term_number": c.term_number, "elected_on": c.elected_on.isoformat(), "term_years": 3,
        "seat_0_member": a1[0].pk, "seat_0_position": "secretary",
        "seat_1_member": a1[3].pk, "seat_1_position": "organization",  # 补选: a1[3] replaces a1[1]
        "seat_2_member": a1[2].pk, "seat_2_position": "publicity"})
    assert response.status_code == 302
    assert set(c.seats.values_list("member_id", flat=True)) == {a1[0].pk, a1[3].pk, a1[2].pk}
    assert Committee.objects.filter(organization=world.orgs.a1).count() == 1  # the same term, corrected


def test_only_those_who_manage_the_branch_may_correct_its_committee(world, login):
    from django.urls import reverse

    make_committee(world.orgs.a1, world.members.a1[:3])
    for persona in ("inspector", "member", "outsider"):
        assert login(getattr(world.users, persona)).get(reverse("orgs:committee_edit", args=[world.orgs.a1.pk])).status_code == 404


def test_a_party_committee_of_nine_is_normal_and_its_form_offers_eleven_seats_and_five_years(db):
    """Trust F (选举条例): sizes and terms follow the organization's own kind, not the branch's."""
    from dangjian.factories import UserFactory, grant
    from dangjian.accounts import roles
    from dangjian.orgs.forms import CommitteeForm

    group = make_org("集团党委")
    company = make_org("某公司党委", parent=group, kind=OrgKind.COMMITTEE)
    members = [MemberFactory(organization=company) for _ in range(12)]
    make_committee(company, members[:9], positions=["secretary"] + ["other"] * 8)
    assert "委员会成员" not in messages(company)
    admin = UserFactory(username="committee_admin")
    grant(admin, group, roles.ORG_ADMIN)
    form = CommitteeForm(user=admin, organization=company)
    assert len(form.seat_fields) == 11 and form.initial["term_years"] == 5
    data = {"term_number": 2, "elected_on": "2026-01-10", "term_years": 5}
    for i, m in enumerate(members[:10]):
        data[f"seat_{i}_member"], data[f"seat_{i}_position"] = m.pk, "secretary" if i == 0 else "other"
    form = CommitteeForm(data, user=admin, organization=company)
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["seats"]) == 10  # none silently dropped


def test_a_party_group_counts_its_members_in_the_tree(world, login):
    """Trust E: members belong to the branch and name their 党小组; the group's count follows that link."""
    from django.urls import reverse

    nodes = login(world.users.group_admin).get(reverse("orgs:children", args=[world.orgs.a1.pk])).context["nodes"]
    assert {n.code: n.member_count for n in nodes} == {"A1G": 4}


def test_the_org_pages_kept_member_counts_follow_the_roster(world, login):
    """The subtree's counts are kept under the roster generation: a member added is counted on the next view."""
    client = login(world.users.group_admin)

    def count_of_a():
        response = client.get(reverse("orgs:detail", args=[world.orgs.group.pk]))
        child = next(c for c in response.context["children"] if c.pk == world.orgs.a.pk)
        return child.member_count

    before = count_of_a()
    assert count_of_a() == before  # kept
    MemberFactory(organization=world.orgs.a2)
    assert count_of_a() == before + 1
