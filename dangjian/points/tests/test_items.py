"""Manual items: proposed with a reason and evidence, decided by someone else with scope (large ones by a 党委),
counted only once approved — and then in the totals and the ledger alike."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import roles
from dangjian.factories import UserFactory, grant
from dangjian.members.models import Member
from dangjian.points import engine, services
from dangjian.points.models import ItemStatus, ManualItem

TODAY = timezone.localdate()
PDF = b"%PDF-1.4 commendation"


def pdf(name="表彰决定.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def points_of(member):
    return engine.year_points(Member.objects.filter(pk=member.pk), TODAY.year)[member.pk]


def test_only_an_approved_item_counts_and_nobody_approves_their_own(world):
    me, secretary = world.members.me, world.users.secretary
    item = services.propose(member=me, by=secretary, category="vanguard", points=Decimal(3), on=TODAY,
                            reason="党员先锋岗：带头抢修")
    assert points_of(me) == 60  # pending: not counted
    with pytest.raises(PermissionDenied):
        services.decide(item=item, by=secretary, approve=True)
    other = UserFactory(username="a1_deputy")
    grant(other, world.orgs.a1, roles.BRANCH_COMMITTEE)
    services.decide(item=item, by=other, approve=True, note="属实")
    assert points_of(me) == 63 and engine.ledger(me, TODAY.year).total == 63
    line = [x for x in engine.ledger(me, TODAY.year).lines if x.source == "manual"][0]
    assert line.url == reverse("points:item", args=[item.pk]) and line.record_label == "党员先锋岗：带头抢修"
    with pytest.raises(ValidationError):  # decided once
        services.decide(item=item, by=world.users.group_admin, approve=False)
    rejected = services.propose(member=me, by=other, category="volunteer", points=Decimal(2), on=TODAY, reason="志愿服务")
    services.decide(item=rejected, by=secretary, approve=False)
    assert points_of(me) == 63


def test_a_large_item_is_decided_by_a_party_committee_and_needs_evidence(world):
    me, secretary = world.members.me, world.users.secretary
    with pytest.raises(ValidationError) as missing:
        services.propose(member=me, by=secretary, category="commendation", points=Decimal(5), on=TODAY, reason="集团表彰")
    assert "佐证材料" in str(missing.value)
    item = services.propose(member=me, by=secretary, category="commendation", points=Decimal(5), on=TODAY,
                            reason="集团表彰", evidence=pdf())
    deputy = UserFactory(username="a1_deputy")
    grant(deputy, world.orgs.a1, roles.BRANCH_COMMITTEE)
    assert not services.may_decide(deputy, item)  # a branch may not decide a large item
    with pytest.raises(PermissionDenied):
        services.decide(item=item, by=deputy, approve=True)
    assert not services.may_decide(world.users.outsider, item)  # B's 党委: not above A1
    assert not services.may_decide(world.users.inspector, item)  # A's inspector: may not change
    services.decide(item=item, by=world.users.group_admin, approve=True)
    assert points_of(me) == 65


@pytest.mark.parametrize("fields, field, message", [
    ({"category": "discipline", "points": "3"}, "points", "负数"),
    ({"category": "commendation", "points": "-3"}, "points", "正数"),
    ({"category": "commendation", "points": "0"}, "points", "不能为0"),
    ({"category": "commendation", "points": "99"}, "points", "不能超过"),
    ({"category": "commendation", "points": "2", "on": "2999-01-01"}, "on", "晚于今天"),
    ({"category": "discipline", "points": "-2"}, "evidence", "佐证材料"),
])
def test_a_bad_proposal_gets_a_message_on_its_field_and_saves_nothing(world, login, fields, field, message):
    client = login(world.users.secretary)
    data = {"category": "commendation", "on": TODAY.isoformat(), "reason": "事由", **fields}
    response = client.post(reverse("points:propose", args=[world.members.me.pk]), data)
    assert response.status_code == 200 and message in response.context["form"].errors[field][0]
    assert not ManualItem.objects.exists()


def test_evidence_is_checked_and_served_only_in_scope(world, login):
    client = login(world.users.secretary)
    url = reverse("points:propose", args=[world.members.me.pk])
    data = {"category": "discipline", "points": "-3", "on": TODAY.isoformat(), "reason": "无故缺岗"}
    fake = client.post(url, {**data, "evidence": pdf("处分.pdf", b"MZ\x90\x00 not a pdf")})
    assert "不符" in fake.context["form"].errors["evidence"][0]
    exe = client.post(url, {**data, "evidence": SimpleUploadedFile("x.exe", b"MZ")})
    assert "不支持" in exe.context["form"].errors["evidence"][0]
    assert client.post(url, {**data, "evidence": pdf("处分.pdf")}).status_code == 302
    item = ManualItem.objects.get()
    assert b"".join(client.get(reverse("points:evidence", args=[item.pk])).streaming_content) == PDF
    assert login(world.users.outsider).get(reverse("points:evidence", args=[item.pk])).status_code == 404
    # the member sees the item behind a line of their own ledger once decided, and cannot propose for themselves
    member = login(world.users.member)
    assert member.get(reverse("points:item", args=[item.pk])).status_code == 404
    services.decide(item=item, by=world.users.group_admin, approve=True)
    assert member.get(reverse("points:item", args=[item.pk])).status_code == 200
    assert b"".join(member.get(reverse("points:evidence", args=[item.pk])).streaming_content) == PDF
    assert member.get(url).status_code == 404


def test_the_approval_queue_lists_what_is_pending_and_says_who_may_decide(world, login):
    item = services.propose(member=world.members.me, by=world.users.secretary, category="volunteer", points=Decimal(1),
                            on=TODAY - datetime.timedelta(days=3), reason="社区志愿服务4小时")
    own = login(world.users.secretary).get(reverse("points:approvals", args=[world.orgs.a1.pk]))
    assert own.context["pending"] == [item] and not own.context["pending"][0].decidable
    admin = login(world.users.group_admin)
    queue = admin.get(reverse("points:approvals", args=[world.orgs.group.pk]))
    assert queue.context["pending"][0].decidable
    assert admin.post(reverse("points:item", args=[item.pk]), {"decision": "approve", "note": "同意"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED and item.decided_by == world.users.group_admin
    assert login(world.users.outsider).get(reverse("points:approvals", args=[world.orgs.a1.pk])).status_code == 404
    # deciding without the right is refused, not silently ignored
    other = services.propose(member=world.members.me, by=world.users.secretary, category="volunteer",
                             points=Decimal(1), on=TODAY, reason="义务献血")
    assert login(world.users.secretary).post(reverse("points:item", args=[other.pk]), {"decision": "approve"}).status_code == 403


def test_what_a_manual_item_needs_is_a_rule_of_its_category_set_by_the_committee(world, login):
    """Issue 双积分: a rule says whether evidence and approval are needed. 党委 A tightens 志愿服务 for its subtree
    (at most 3 a time, evidence required, the 党委 from 2) and switches 先锋岗 off; a branch of A proposes under the
    new rule, a branch of B under the defaults. An item already filed keeps the decider it was filed with."""
    from dangjian.points.models import PointRule

    admin = login(world.users.group_admin)
    volunteer = PointRule.objects.get(organization=None, source="manual", manual_category="volunteer")
    vanguard = PointRule.objects.get(organization=None, source="manual", manual_category="vanguard")
    filed = services.propose(member=world.members.a1[1], by=world.users.secretary, category="volunteer",
                             points=Decimal(2), on=TODAY, reason="社区志愿服务")
    assert not filed.large
    url = reverse("points:override", args=[world.orgs.a.pk, volunteer.pk])
    assert admin.get(url).context["form"].fields["points"].label == "单项最高分值"
    assert admin.post(url, {"enabled": "on", "points": "3", "needs_evidence": "on", "committee_from": "2"}).status_code == 302
    assert admin.post(reverse("points:override", args=[world.orgs.a.pk, vanguard.pk]), {"points": "5"}).status_code == 302
    rules = admin.get(reverse("points:rules", args=[world.orgs.a1.pk])).content.decode()
    assert "须附佐证" in rules and "2.0 分及以上党委审批" in rules
    me = world.members.me
    with pytest.raises(ValidationError) as e:
        services.propose(member=me, by=world.users.secretary, category="volunteer", points=Decimal(2), on=TODAY,
                         reason="志愿服务")
    assert "须上传佐证材料" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.propose(member=me, by=world.users.secretary, category="volunteer", points=Decimal(4), on=TODAY,
                         reason="志愿服务", evidence=pdf())
    assert "不能超过 3.0 分" in str(e.value)
    item = services.propose(member=me, by=world.users.secretary, category="volunteer", points=Decimal(2), on=TODAY,
                            reason="志愿服务", evidence=pdf())
    assert item.large and not ManualItem.objects.get(pk=filed.pk).large  # filed before: decided as then
    with pytest.raises(ValidationError):
        services.propose(member=me, by=world.users.secretary, category="vanguard", points=Decimal(1), on=TODAY,
                         reason="先锋岗")
    form = login(world.users.secretary).get(reverse("points:propose", args=[me.pk])).context["form"]
    assert "vanguard" not in dict(form.fields["category"].choices) and "volunteer" in dict(form.fields["category"].choices)
    # B's branch: the defaults (no evidence for 2 points of volunteering, 先锋岗 on)
    services.propose(member=world.members.b1[0], by=world.users.group_admin, category="vanguard", points=Decimal(2),
                     on=TODAY, reason="先锋岗")
