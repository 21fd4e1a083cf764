"""Co-building for the demo: the seed 000 结对子 letter (神渭管运 ⇄ 渭化) and seed 004's 八联 around 铸钢党总支."""
import datetime

from dangjian.cobuilding import services
from dangjian.cobuilding.models import Output, Party
from dangjian.orgs.models import ExternalOrganization, Organization


def load_cobuilding(user, today):
    year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    sw, wh = Organization.objects.get(code="SW"), Organization.objects.get(code="WH")
    letter = services.create_agreement(
        by=user, fields={"title": "神渭管运公司—渭化公司党建共创共建“结对子”目标责任书", "level": "committee",
                         "starts_on": year_start, "ends_on": year_end, "signed_on": datetime.date(today.year, 4, 27),
                         "status": "in_force"},
        organizations=[sw, wh], externals=[],
        targets=[{"measure": "exchange", "min_count": 4, "who": "jointly"},
                 {"measure": "output", "output_kind": "theory", "min_count": 1, "who": "jointly"},
                 {"measure": "output", "output_kind": "system", "min_count": 4, "who": "jointly"}])
    both = list(letter.parties.all())
    for day, title, cat in [(datetime.date(today.year, 4, 27), "党建共创共建“结对子”交流培训班", "study"),
                            (datetime.date(today.year, 7, 1), "联合开展“七一”主题党日", "activity"),
                            (datetime.date(today.year, 9, 18), "党务工作者互相观摩“三会一课”", "organization")]:
        services.record_activity(agreement=letter, by=user, parties=both, title=title, held_on=day, category=cat,
                                 is_exchange=True, summary="双方党务工作者、基层党支部书记及委员参加")
    for title, kind, day in [("《党建引领管道运输与煤化工协同发展》调研报告", "theory", datetime.date(today.year, 8, 10)),
                             ("联合党建工作例会制度", "system", datetime.date(today.year, 5, 20)),
                             ("党员互助帮带制度", "system", datetime.date(today.year, 6, 15))]:
        Output.objects.create(agreement=letter, kind=kind, title=title, produced_on=day)

    # seed 000: the branches observe and review each other's 三会一课 and 主题党日
    services.create_agreement(
        by=user, fields={"title": "调度运行党支部—合成氨车间党支部 结对共建", "level": "branch", "starts_on": year_start,
                         "ends_on": year_end, "signed_on": datetime.date(today.year, 4, 27), "status": "in_force"},
        organizations=[Organization.objects.get(code="SW03"), Organization.objects.get(code="WH02")], externals=[],
        targets=[{"measure": "review", "min_count": 2, "who": "each"},
                 {"measure": "activity", "min_count": 4, "who": "jointly"}])

    zg = Organization.objects.get(code="ZG")
    partners = list(ExternalOrganization.objects.filter(owner=zg))
    bal = services.create_agreement(
        by=user, fields={"title": "铸钢党总支“八联”共建（红纽带）", "level": "general_branch", "starts_on": year_start,
                         "ends_on": year_end, "status": "in_force"},
        organizations=[zg, Organization.objects.get(code="MS01")], externals=partners,
        targets=[{"measure": "activity", "min_count": 8, "who": "either"},
                 {"measure": "activity", "category": "talent", "min_count": 2, "who": "jointly"},
                 {"measure": "activity", "category": "service", "min_count": 2, "who": "each"}])
    parties = {p.name: p for p in Party.objects.filter(agreement=bal).select_related("organization", "external")}
    everyone = list(parties.values())
    for i, (cat, title) in enumerate([("organization", "支部共建签约"), ("brand", "“红色引擎 品质铸钢”品牌联建"),
                                      ("study", "党员联学：新时代国企基层党建"), ("talent", "技能大师工作室师带徒"),
                                      ("service", "走进社区义务服务"), ("culture", "企业文化联创展")]):
        services.record_activity(agreement=bal, by=user, parties=everyone if i % 2 == 0 else everyone[:2],
                                 title=title, held_on=datetime.date(today.year, 2 + i, 12), category=cat)
    return letter, bal
