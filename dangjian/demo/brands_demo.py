"""Demo 三张名片 (seeds 002–004): 渭化's "两化一创" campaign of 2019 with the sixteen brands seed 002 names at plausible
stages; this year's group-wide campaign with its declaration window closing; 济二矿 通防工区's "四轮驱动" brand and
its secretary's 突破项目 "两深入四不让六评比"; 铸钢党总支's "红色引擎 品质铸钢" built jointly under the 八联 agreement;
activity rooms to the 六有 with some items still missing; this year's projects in 神渭管运 (four branches without)."""
import datetime

from django.contrib.auth import get_user_model

from dangjian.brands.models import (Brand, Campaign, Decision, Evidence, Indicator, Milestone, Project, ProjectKind,
                                    Theme, Update)
from dangjian.cobuilding.models import Activity, Agreement
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.rooms.models import ChecklistItem, Inspection, InspectionResult, Room

SEED_002 = [  # (brand, theme, the stage it reached)
    ("人才“薪火”计划", "提素质", "named"), ("党员讲师大课堂", "提素质", "named"), ("“5S”党建", "提素质", "named"),
    ("能量充电站", "聚活力", "named"), ("卓越双赢计划", "促生产", "named"), ("海外筑梦者", "聚活力", "accepted"),
    ("党员服务站", "促生产", "named"), ("筑梦建家", "聚活力", "named"), ("服务零距离", "促生产", "named"),
    ("幸福当家人", "聚活力", "accepted"), ("党旗下的善建者", "促生产", "named"), ("党员先锋、情系祥鹏", "促生产", "named"),
    ("先锋领航员", "提素质", "cultivating"), ("筑美先锋队", "促生产", "revoked"), ("党旗下的善建标兵", "促生产", "named"),
]
ORDER = ["cultivating", "accepted", "named"]


def _decide(brand, stages, start, by, org):
    day = start
    for i, stage in enumerate(stages):
        day = day + datetime.timedelta(days=[45, 150, 30][min(i, 2)])
        Decision.objects.create(brand=brand, from_stage=brand.stage, to_stage=stage, decided_on=day, decided_by=by,
                                deciding_org=org, comment={"cultivating": "同意列入培育", "accepted": "经验收，创建成效明显",
                                                           "named": "命名为公司党建品牌", "revoked": "创建未达预期，撤销"}[stage])
        brand.stage = stage
    brand.save(update_fields=["stage"])


def load_brands(today):
    admin = get_user_model().objects.get(username="admin")
    Theme.ensure_defaults()
    themes = {t.name: t for t in Theme.objects.all()}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["G", "WH", "SW", "SW03", "JE", "JE05", "ZG", "MS"])}
    wh_branches = list(Organization.objects.filter(path__startswith=orgs["WH"].path, kind="branch").order_by("path"))

    lhyc = Campaign.objects.create(
        organization=orgs["WH"], name="“两化一创”党建品牌创建活动", starts_on=datetime.date(2019, 7, 1),
        declare_by=datetime.date(2019, 7, 31), accept_by=datetime.date(2020, 6, 30), ends_on=datetime.date(2020, 12, 31),
        description="党建争强，聚力攻坚：各单位结合实际申报党建品牌，经四个月集中创建后验收，呈现“党建提素质、党建聚活力、"
                    "党建促生产”的良好局面。", created_by=admin)
    lhyc.themes.set(themes.values())
    for i, (name, theme, reached) in enumerate(SEED_002):
        owner = wh_branches[i % len(wh_branches)]
        b = Brand.objects.create(organization=owner, campaign=lhyc, name=name, theme=themes[theme],
                                 declared_on=datetime.date(2019, 7, 10 + i % 15), created_by=admin,
                                 connotation=f"{owner.name}围绕“{theme}”，以“{name}”为载体，把党建工作融入中心工作。",
                                 measures="一、建立品牌创建工作机制；二、开展主题实践活动；三、总结提炼、推广经验。")
        path = ["revoked"] if reached == "revoked" else ORDER[:ORDER.index(reached) + 1]
        if reached == "revoked":
            path = ["cultivating", "revoked"]
        _decide(b, path, b.declared_on, admin, orgs["WH"])

    year = today.year
    group_campaign = Campaign.objects.create(
        organization=orgs["G"], name=f"{year}年“一支部一品牌”创建活动", starts_on=today - datetime.timedelta(days=40),
        declare_by=today + datetime.timedelta(days=5), accept_by=today + datetime.timedelta(days=120),
        ends_on=today + datetime.timedelta(days=180), created_by=admin,
        description="各党支部围绕提素质、聚活力、促生产申报党建品牌，由所属党委决定列入培育，年底验收命名。")
    group_campaign.themes.set(themes.values())

    # seed 003: 通防工区党支部's "四轮驱动" brand and the secretary's 突破项目
    je05 = orgs["JE05"]
    sldq = Brand.objects.create(
        organization=je05, campaign=group_campaign, name="四轮驱动", theme=themes["促生产"], created_by=admin,
        declared_on=today - datetime.timedelta(days=30), slogan="组织引动 模范带动 创新推动 考核驱动",
        connotation="做实组织引动聚“焦点”、模范带动抓“重点”、创新推动树“亮点”、考核驱动破“难点”，围绕矿井和区队的中心工作，"
                    "让党的旗帜飘起来，让党支部品牌亮起来。",
        measures="一、党员责任区、示范岗全覆盖；二、每月“六评比”；三、书记突破项目引领安全生产。")
    _decide(sldq, ["cultivating"], sldq.declared_on - datetime.timedelta(days=40), admin, orgs["JE"])
    for m in Meeting.objects.filter(organization=je05, status="held").order_by("-held_on")[:3]:
        Evidence.objects.create(brand=sldq, meeting=m, title=f"{m.get_kind_display()}：{m.topic}", on=m.held_on,
                                added_by=admin)
    people = list(Member.objects.on_roll().filter(organization=je05).order_by("pk")[:6])
    project = Project.objects.create(
        organization=je05, year=year, kind=ProjectKind.BREAKTHROUGH, title="开展“两深入四不让六评比”活动",
        theme=themes["促生产"], started_on=datetime.date(year, 2, 20), status="running", owner=people[0] if people else None,
        problem="党建工作与安全生产“两张皮”，党员在安全生产中的作用发挥不充分。",
        goal="实现党建工作与安全生产深度融合：党员身边无违章、无事故，党员责任区安全达标率100%。",
        measures="深入现场、深入职工；不让隐患进班组、不让违章上岗位……；每月六项评比。", created_by=admin)
    project.team.set(people[1:5])
    Indicator.objects.create(project=project, name="原煤产量", unit="万吨", baseline=120, target=130, actual=118)
    Indicator.objects.create(project=project, name="“三违”人次", unit="人次", baseline=36, target=10, actual=14)
    for title, due, done in [("制定活动方案、成立党员攻坚团队", datetime.date(year, 3, 10), datetime.date(year, 3, 8)),
                             ("年中评比与经验交流", datetime.date(year, 7, 15), datetime.date(year, 7, 20)),
                             ("党员责任区安全达标验收", today - datetime.timedelta(days=10), None),
                             ("年终总结与成果提炼", datetime.date(year, 12, 20), None)]:
        if due <= today or done is None:
            Milestone.objects.create(project=project, title=title, due_on=due, done_on=done if done and done <= today else None)
    Update.objects.create(project=project, on=datetime.date(year, 6, 30), by=admin,
                          text="上半年开展六评比6次，评出安全标兵12人；“三违”人次同比下降。")
    Project.objects.create(organization=je05, year=year, kind=ProjectKind.BRANCH, title="党员“一对一”安全帮教",
                           theme=themes["提素质"], started_on=datetime.date(year, 3, 1), status="running",
                           problem="新入职职工安全意识薄弱", goal="新职工一年内零违章", created_by=admin)

    # seed 004: 铸钢党总支's brand, built jointly under the 八联 agreement
    zg = orgs["ZG"]
    red = Brand.objects.create(
        organization=zg, name="红色引擎 品质铸钢", theme=themes["促生产"], created_by=admin, slogan="红色引擎 品质铸钢",
        declared_on=datetime.date(year, 2, 1),
        connotation="以党建为“红色引擎”，驱动铸钢产品质量提升：党员攻关、八联共建，把党的政治优势转化为质量优势。",
        measures="技术联攻、人才联育、品牌联建、服务联动。")
    _decide(red, ["cultivating", "accepted"], red.declared_on - datetime.timedelta(days=40), admin, orgs["MS"])
    bal = Agreement.objects.filter(title__startswith="铸钢党总支").first()
    if bal:
        red.agreements.add(bal)
        for a in Activity.objects.filter(agreement=bal, category__in=["brand", "talent"]):
            Evidence.objects.create(brand=red, activity=a, title=f"共建活动：{a.title}", on=a.held_on, added_by=admin)

    # 神渭管运: this year's projects (four branches without one: flagged) and SW03's brand, jointly with 合成氨车间
    sw_branches = list(Organization.objects.filter(path__startswith=orgs["SW"].path, kind="branch").order_by("path"))
    for i, b in enumerate(sw_branches[:8]):
        p = Project.objects.create(organization=b, year=year, title=["安全生产党员先锋岗", "管道巡检党员示范线",
                                                                     "节能降耗攻关", "“首站”标准化作业",
                                                                     "中间站无人值守攻关", "末站计量精度提升",
                                                                     "维修响应提速", "物资保供零延误"][i],
                                   theme=themes["促生产"], started_on=datetime.date(year, 3, 1), status="running",
                                   problem="生产经营中的难点问题", goal="年度目标完成", created_by=admin)
        Milestone.objects.create(project=p, title="年中推进会", due_on=datetime.date(year, 6, 30),
                                 done_on=datetime.date(year, 6, 28) if datetime.date(year, 6, 28) <= today else None)
        if b.code == "SW03":
            Milestone.objects.create(project=p, title="年度验收", due_on=today + datetime.timedelta(days=4))
    sw03 = orgs["SW03"]
    pair = Agreement.objects.filter(title__startswith="调度运行党支部").first()
    pipe = Brand.objects.create(
        organization=sw03, name="管道先锋", theme=themes["聚活力"], created_by=admin, slogan="一管输千里 党员当先锋",
        declared_on=today - datetime.timedelta(days=60),
        connotation="调度运行党支部以“管道先锋”为载体，党员在调度值守、应急处置中当先锋、作表率。",
        measures="党员责任岗、应急处置演练、与合成氨车间党支部结对共建。")
    _decide(pipe, ["cultivating"], pipe.declared_on - datetime.timedelta(days=45), admin, orgs["SW"])
    if pair:
        pipe.agreements.add(pair)
    for m in Meeting.objects.filter(organization=sw03, status="held", kind="theme_day").order_by("-held_on")[:2]:
        Evidence.objects.create(brand=pipe, meeting=m, title=f"{m.get_kind_display()}：{m.topic}", on=m.held_on,
                                added_by=admin)

    # rooms: the 六有 with some items still missing
    items = ChecklistItem.for_org(sw03)
    for org, name, address, area, met in [
            (sw03, "调度运行党员活动室", "调度中心三楼", 60, 4), (je05, "通防工区党员学习室", "工区办公楼二楼", 45, 6),
            (zg, "铸钢党建文化长廊", "铸造车间东侧", 120, 5)]:
        room = Room.objects.create(organization=org, name=name, address=address, area=area)
        check = Inspection.objects.create(room=room, inspected_on=today - datetime.timedelta(days=90),
                                          inspector="组织部 检查组", comment="整体较好" if met == 6 else "个别项目待完善",
                                          recorded_by=admin)
        InspectionResult.objects.bulk_create(InspectionResult(inspection=check, item=it, met=k < met)
                                             for k, it in enumerate(items))
        recent = Meeting.objects.filter(organization=org, status="held").order_by("-held_on").values_list("pk", flat=True)[:3]
        Meeting.objects.filter(pk__in=list(recent)).update(room=room, place=name)
    je_room = Room.objects.get(name="通防工区党员学习室")
    je_room.shared_with.set(Organization.objects.filter(path__startswith=orgs["JE"].path, kind="branch").exclude(pk=je05.pk)[:3])
    return lhyc, group_campaign
