"""三张名片 (issue 11): a brand's lifecycle decided only by the organization above, never skipping a stage, dated in
order and within the campaign's deadlines; evidence linked only from the owner's own records; the one-project rule;
品牌联建 read access that ends with the agreement; projects reviewed by the superior; the API with the same scope."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.brands import services
from dangjian.brands.models import Brand, Campaign, Milestone, Project, ProjectKind, Theme
from dangjian.brands.portfolio import build
from dangjian.meetings import services as meetings

D = datetime.date
TODAY = timezone.localdate()


def theme(name="促生产"):
    return Theme.objects.get(name=name)


def declare(world, org=None, name="党员先锋", campaign=None, on=None):
    return services.declare_brand(brand=Brand(organization=org or world.orgs.a1, name=name, connotation="内涵",
                                              theme=theme(), campaign=campaign, declared_on=on or TODAY - datetime.timedelta(days=60)),
                                  by=world.users.secretary)


def refused(**kwargs):
    with pytest.raises(ValidationError) as e:
        services.decide(**kwargs)
    return " ".join(e.value.messages)


def test_only_the_organization_above_moves_a_brand_one_stage_at_a_time_dated_in_order(world):
    brand = declare(world)
    day = brand.declared_on
    with pytest.raises(PermissionDenied):  # the branch never decides its own brand
        services.decide(brand=brand, to_stage="cultivating", on=day, comment="自己同意", by=world.users.secretary)
    with pytest.raises(PermissionDenied):  # another company's admin neither
        services.decide(brand=brand, to_stage="cultivating", on=day, comment="同意", by=world.users.outsider)
    admin = world.users.group_admin
    assert "不能跳过" in refused(brand=brand, to_stage="named", on=day, comment="直接命名", by=admin)
    assert "不能早于上一环节" in refused(brand=brand, to_stage="cultivating", on=day - datetime.timedelta(days=1),
                                         comment="同意", by=admin)
    assert "不能晚于今天" in refused(brand=brand, to_stage="cultivating", on=TODAY + datetime.timedelta(days=1),
                                     comment="同意", by=admin)
    assert "请填写意见" in refused(brand=brand, to_stage="cultivating", on=day, comment=" ", by=admin)
    services.decide(brand=brand, to_stage="cultivating", on=day, comment="同意列入培育", by=admin)  # the same day is fine
    services.decide(brand=brand, to_stage="accepted", on=day + datetime.timedelta(days=30), comment="验收通过", by=admin)
    services.decide(brand=brand, to_stage="named", on=day + datetime.timedelta(days=31), comment="命名", by=admin)
    assert "只能撤销" in refused(brand=brand, to_stage="accepted", on=TODAY, comment="x", by=admin)
    services.decide(brand=brand, to_stage="revoked", on=TODAY, comment="撤销", by=admin)
    assert "已撤销" in refused(brand=brand, to_stage="cultivating", on=TODAY, comment="x", by=admin)
    brand.refresh_from_db()
    decisions = list(brand.decisions.values_list("from_stage", "to_stage", "deciding_org__code"))
    assert decisions == [("declared", "cultivating", world.orgs.a.code), ("cultivating", "accepted", world.orgs.a.code),
                         ("accepted", "named", world.orgs.a.code), ("named", "revoked", world.orgs.a.code)]


def test_a_campaign_takes_declarations_from_its_subtree_within_its_window_and_accepts_by_its_deadline(world):
    start = TODAY - datetime.timedelta(days=100)
    campaign = Campaign.objects.create(organization=world.orgs.a, name="两化一创", starts_on=start,
                                       declare_by=start + datetime.timedelta(days=30),
                                       accept_by=start + datetime.timedelta(days=60), ends_on=TODAY)
    campaign.themes.set([theme("提素质")])
    with pytest.raises(ValidationError) as e:
        declare(world, campaign=campaign, on=start + datetime.timedelta(days=31))
    assert "不在申报期内" in str(e.value) and "主题为：提素质" in str(e.value)
    with pytest.raises(ValidationError) as e:  # B's branch is not under A
        services.declare_brand(brand=Brand(organization=world.orgs.b1, name="越界", connotation="x", theme=theme("提素质"),
                                           campaign=campaign, declared_on=start), by=world.users.outsider)
    assert "不在其范围内" in str(e.value)
    brand = services.declare_brand(brand=Brand(organization=world.orgs.a1, name="薪火", connotation="x",
                                               theme=theme("提素质"), campaign=campaign,
                                               declared_on=start + datetime.timedelta(days=30)), by=world.users.secretary)
    admin = world.users.group_admin
    services.decide(brand=brand, to_stage="cultivating", on=start + datetime.timedelta(days=31), comment="同意", by=admin)
    message = refused(brand=brand, to_stage="accepted", on=start + datetime.timedelta(days=61), comment="验收", by=admin)
    assert f"验收截止日期为 {start + datetime.timedelta(days=60)}" in message
    services.decide(brand=brand, to_stage="accepted", on=start + datetime.timedelta(days=60), comment="验收", by=admin)


def held_meeting(world, org, topic):
    return meetings.record_meeting(host=org, by=world.users.group_admin, fields={
        "kind": "theme_day", "topic": topic, "held_on": TODAY - datetime.timedelta(days=3), "status": "held"})


def test_evidence_is_linked_from_the_owners_own_records_only(world, login):
    brand = declare(world)
    own = held_meeting(world, world.orgs.a1, "A1主题党日")
    other = held_meeting(world, world.orgs.a2, "A2主题党日")
    client = login(world.users.secretary)
    url = reverse("brands:brand_evidence", args=[brand.pk])
    client.post(url, {"meeting": other.pk})  # another branch's meeting: not offered, refused
    assert not brand.evidence.exists()
    with pytest.raises(ValidationError):
        services.add_evidence(target=brand, by=world.users.group_admin, meeting=other)
    client.post(url, {"meeting": own.pk})
    assert list(brand.evidence.values_list("title", "on")) == [("主题党日：A1主题党日", own.held_on)]
    with pytest.raises(ValidationError):  # linked once
        services.add_evidence(target=brand, by=world.users.secretary, meeting=own)
    page = client.get(reverse("brands:brand", args=[brand.pk])).content.decode()
    assert "A1主题党日" in page and "A2主题党日" not in page
    assert login(world.users.outsider).get(reverse("brands:brand", args=[brand.pk])).status_code == 404


def test_one_project_per_branch_and_year_and_one_breakthrough_project_are_flagged(world):
    def project(org, kind="branch", title="项目"):
        return services.open_project(project=Project(organization=org, year=TODAY.year, kind=kind, title=title,
                                                     problem="问题", goal="目标", started_on=TODAY),
                                     by=world.users.group_admin)

    project(world.orgs.a1, ProjectKind.BREAKTHROUGH, "突破一")
    project(world.orgs.a1, ProjectKind.BREAKTHROUGH, "突破二")
    without, doubled = services.project_flags(world.orgs.group, TODAY.year)
    assert world.orgs.a1 not in without and {world.orgs.a2, world.orgs.b1} <= set(without)
    assert list(doubled) == [world.orgs.a1]
    p = build(world.orgs.group, Brand.objects.all(), Project.objects.all(), TODAY.year, TODAY)
    assert p.without_project_count == without.count() and [o.pk for o in p.doubled] == [world.orgs.a1.pk]


def test_a_project_moves_and_is_reviewed_by_the_superior_once_each(world):
    p = services.open_project(project=Project(organization=world.orgs.a1, year=TODAY.year, title="攻坚", problem="问题",
                                              goal="目标", started_on=TODAY - datetime.timedelta(days=100)),
                              by=world.users.secretary)
    with pytest.raises(PermissionDenied):
        services.move_project(project=p, to_status="running", on=TODAY, by=world.users.secretary)
    with pytest.raises(ValidationError):
        services.move_project(project=p, to_status="closed", on=TODAY, by=world.users.group_admin)  # 实施 first
    services.move_project(project=p, to_status="running", on=TODAY - datetime.timedelta(days=90), by=world.users.group_admin)
    with pytest.raises(PermissionDenied):
        services.review(project=p, kind="midyear", score=Decimal(90), comment="好", on=TODAY, by=world.users.secretary)
    with pytest.raises(ValidationError) as e:
        services.review(project=p, kind="midyear", score=Decimal("100.5"), comment="好", on=TODAY, by=world.users.group_admin)
    assert "0 至 100" in str(e.value)
    services.review(project=p, kind="midyear", score=Decimal(88), comment="推进有力", on=TODAY - datetime.timedelta(days=10),
                    by=world.users.group_admin)
    with pytest.raises(ValidationError):
        services.review(project=p, kind="midyear", score=Decimal(90), comment="再评", on=TODAY, by=world.users.group_admin)
    with pytest.raises(ValidationError) as e:
        services.review(project=p, kind="final", score=Decimal(90), comment="年终", on=TODAY - datetime.timedelta(days=11),
                        by=world.users.group_admin)
    assert "不能早于年中评估" in str(e.value)


def test_milestones_overdue_show_on_the_portfolio_and_remind_the_branch(world, login):
    from dangjian.reminders.services import reminders_for

    p = services.open_project(project=Project(organization=world.orgs.a1, year=TODAY.year, title="攻坚", problem="问题",
                                              goal="目标", started_on=TODAY - datetime.timedelta(days=100)),
                              by=world.users.secretary)
    late = Milestone.objects.create(project=p, title="验收", due_on=TODAY - datetime.timedelta(days=2))
    Milestone.objects.create(project=p, title="总结", due_on=TODAY + datetime.timedelta(days=60))
    page = login(world.users.group_admin).get(reverse("brands:portfolio", args=[world.orgs.group.pk]))
    assert page.context["p"].overdue == [late]
    titles = [r.title for r in reminders_for(world.users.secretary, TODAY) if r.kind == "brands"]
    assert titles == [f"项目“攻坚”的节点“验收”应于 {late.due_on} 完成，已逾期"]
    services.complete_milestone(milestone=late, on=TODAY, by=world.users.secretary)
    assert login(world.users.group_admin).get(reverse("brands:portfolio", args=[world.orgs.group.pk])).context["p"].overdue == []


def test_the_declaration_window_closing_reminds_branches_that_have_not_declared(world):
    from dangjian.reminders.services import reminders_for

    campaign = Campaign.objects.create(organization=world.orgs.group, name="一支部一品牌", starts_on=TODAY - datetime.timedelta(days=20),
                                       declare_by=TODAY + datetime.timedelta(days=3), accept_by=TODAY + datetime.timedelta(days=90),
                                       ends_on=TODAY + datetime.timedelta(days=120))
    mine = [r.title for r in reminders_for(world.users.secretary, TODAY) if r.kind == "brands"]
    assert mine == [f"“一支部一品牌”申报将于 {campaign.declare_by} 截止，本支部尚未申报品牌"]
    declare(world, campaign=campaign, on=TODAY)
    assert not [r for r in reminders_for(world.users.secretary, TODAY) if r.key.startswith("declare:")]


def test_a_jointly_built_brand_is_read_by_the_partner_while_the_agreement_is_in_force(world, login):
    from dangjian.cobuilding import services as cobuilding

    agreement = cobuilding.create_agreement(
        by=world.users.group_admin, fields={"title": "A1—B1 品牌联建", "level": "branch", "status": "in_force",
                                            "starts_on": D(TODAY.year, 1, 1), "ends_on": D(TODAY.year, 12, 31)},
        organizations=[world.orgs.a1, world.orgs.b1], externals=[], targets=[{"measure": "activity", "min_count": 1}])
    assert agreement.status == "in_force"
    joint, alone = declare(world, name="联建品牌"), declare(world, name="自建品牌")
    joint.agreements.add(agreement)
    partner = login(world.users.outsider)  # B's admin: B1 is the other party
    assert partner.get(reverse("brands:brand", args=[joint.pk])).status_code == 200
    assert partner.get(reverse("brands:brand", args=[alone.pk])).status_code == 404
    assert partner.get(reverse("brands:brand_edit", args=[joint.pk])).status_code == 404  # read-only
    assert partner.post(reverse("brands:decide", args=[joint.pk]), {"to_stage": "cultivating", "decided_on": TODAY,
                                                                     "comment": "x"}).status_code == 404
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users.outsider)
    assert [b["name"] for b in api.get("/api/brands/").json()["results"]] == ["联建品牌"]
    assert api.patch(f"/api/brands/{joint.pk}/", {"name": "篡改"}, format="json").status_code == 404
    agreement.status = "ended"
    agreement.save()
    assert login(world.users.outsider).get(reverse("brands:brand", args=[joint.pk])).status_code == 404


def test_the_api_declares_in_scope_and_keeps_the_stage_for_the_superior(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users.secretary)
    body = {"organization": world.orgs.a1.pk, "name": "接口品牌", "connotation": "内涵", "theme": theme().pk,
            "declared_on": str(TODAY), "stage": "named"}
    created = api.post("/api/brands/", body, format="json")
    assert created.status_code == 201 and created.json()["stage"] == "declared"
    assert api.post("/api/brands/", {**body, "name": "越界", "organization": world.orgs.a2.pk}, format="json").status_code == 400
    assert api.post("/api/brands/", {**body, "name": "远古", "declared_on": "1900-01-01"}, format="json").status_code == 400
    pk = created.json()["id"]
    assert api.patch(f"/api/brands/{pk}/", {"stage": "named", "slogan": "口号"}, format="json").json()["stage"] == "declared"
    other = services.open_project(project=Project(organization=world.orgs.a2, year=TODAY.year, title="A2", problem="p",
                                                  goal="g", started_on=TODAY), by=world.users.group_admin)
    refused = api.post("/api/milestones/", {"project": other.pk, "title": "节点", "due_on": str(TODAY)}, format="json")
    assert refused.status_code == 400 and not other.milestones.exists()
    mine = api.post("/api/projects/", {"organization": world.orgs.a1.pk, "year": TODAY.year, "title": "接口项目",
                                       "problem": "p", "goal": "g", "started_on": str(TODAY)}, format="json")
    assert mine.status_code == 201 and mine.json()["status"] == "approved"
    ok = api.post("/api/milestones/", {"project": mine.json()["id"], "title": "节点", "due_on": str(TODAY)}, format="json")
    assert ok.status_code == 201


def test_the_portfolio_counts_by_theme_and_stage_covers_branches_and_exports(world, login):
    import io

    from openpyxl import load_workbook

    b1 = declare(world)
    services.decide(brand=b1, to_stage="cultivating", on=TODAY, comment="同意", by=world.users.group_admin)
    declare(world, org=world.orgs.a2, name="二支部品牌")
    response = login(world.users.group_admin).get(reverse("brands:portfolio", args=[world.orgs.group.pk]))
    p = response.context["p"]
    assert [(t.name, row) for t, row, _n in p.themes] == [("促生产", [1, 1, 0, 0, 0])]
    assert p.branded == 1 and p.coverage == round(100 / p.branches, 1)
    sheet = login(world.users.group_admin).get(reverse("brands:export", args=[world.orgs.group.pk]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert {r[2] for r in rows if r[0] == "党建品牌"} == {"党员先锋", "二支部品牌"}
    # the secretary's portfolio of A1 holds only A1's
    mine = login(world.users.secretary).get(reverse("brands:portfolio", args=[world.orgs.a1.pk]))
    assert [b.name for b in mine.context["brands"]] == ["党员先锋"]
    assert login(world.users.secretary).get(reverse("brands:export", args=[world.orgs.group.pk])).status_code == 404


def test_the_branch_records_a_projects_business_indicators_and_updates_the_actual(world, login):
    p = services.open_project(project=Project(organization=world.orgs.a1, year=TODAY.year, title="攻坚", problem="问题",
                                              goal="目标", started_on=TODAY), by=world.users.secretary)
    client = login(world.users.secretary)
    url = reverse("brands:indicator_save", args=[p.pk])
    client.post(url, {"name": "原煤产量", "unit": "万吨", "baseline": "120", "target": "130"})
    client.post(url, {"name": "原煤产量", "unit": "万吨", "baseline": "120", "target": "130", "actual": "131.5"})
    client.post(url, {"name": "进尺", "target": "不是数字"})
    assert list(p.indicators.values_list("name", "actual")) == [("原煤产量", Decimal("131.50"))]
    assert "131.50" in client.get(reverse("brands:project", args=[p.pk])).content.decode()


def test_the_second_save_over_a_stale_brand_gets_a_conflict_not_an_overwrite(world):
    from django.test import Client

    brand = declare(world)
    first, second = Client(), Client()
    first.force_login(world.users.secretary)
    second.force_login(world.users.group_admin)
    fields = {"name": brand.name, "theme": brand.theme_id, "connotation": "内涵", "version": brand.version}
    first.post(reverse("brands:brand_edit", args=[brand.pk]), {**fields, "slogan": "第一人的口号"})
    stale = second.post(reverse("brands:brand_edit", args=[brand.pk]), {**fields, "slogan": "第二人的口号"})
    brand.refresh_from_db()
    assert brand.slogan == "第一人的口号" and brand.version == 2
    assert "已被他人修改" in stale.content.decode() and "第一人的口号" in stale.content.decode()
