"""Demo 发展党员 (Issue member lifecycle: "people at every stage, one overdue, one with an extended probation") in the
secretary's branch SW03: two 入党申请人 (one whose talk is overdue), a 积极分子 with mentors, a 发展对象 with
sponsors, and a 预备党员 admitted fourteen months ago whose probation was extended — on the roster already."""
import datetime

from django.contrib.auth import get_user_model

from dangjian.core.dates import add_months, add_years
from dangjian.members import idcard
from dangjian.members.models import Member, Status
from dangjian.members.pinyin import initials_of
from dangjian.orgs.models import Organization
from dangjian.recruitment.models import Candidate, StepRecord


def load_recruitment(today):
    branch = Organization.objects.get(code="SW03")
    secretary = get_user_model().objects.get(username="shuji")
    full = list(Member.objects.on_roll().filter(organization=branch, status=Status.FULL).order_by("pk")[:4])
    people = [
        ("张晓", datetime.date(1999, 4, 12), 2, [("application", 20)]),
        ("陈晨", datetime.date(2000, 9, 3), 4, [("application", 50)]),  # no talk within a month: overdue
        ("王磊", datetime.date(1996, 1, 20), 5, [("application", 430), ("talk", 420), ("activist", 240),
                                                ("activist_filed", 230), ("mentors", 230)]),
        ("刘洋", datetime.date(1995, 6, 8), 7, [("application", 800), ("talk", 790), ("activist", 600),
                                               ("activist_filed", 590), ("mentors", 590), ("assessment", 420),
                                               ("prospect", 40), ("prospect_filed", 35), ("sponsors", 30)]),
    ]
    made = 0
    for name, born, seq, steps in people:
        c = Candidate.objects.create(organization=branch, name=name, id_number=idcard.make_id_number("610102", born, seq),
                                     unit="神渭管运公司", created_by=secretary,
                                     stage={"activist": "activist", "prospect": "prospect"}.get(
                                         next((s for s, _d in reversed(steps) if s in ("activist", "prospect")), ""),
                                         "applicant"))
        for code, days in steps:
            r = StepRecord.objects.create(candidate=c, step=code, done_on=today - datetime.timedelta(days=days),
                                          recorded_by=secretary)
            if code == "mentors":
                r.people.set(full[:1])
            if code == "sponsors":
                r.people.set(full[1:3])
        made += 1
    # a 预备党员 admitted fourteen months ago, probation extended by six months
    admitted = add_months(today, -14)
    number = idcard.make_id_number("610102", datetime.date(1994, 2, 14), 8)
    member = Member.objects.create(name="赵静", name_initials=initials_of("赵静"), gender=idcard.gender_of(number),
                                   birth_date=idcard.birth_date_of(number), id_number=number, joined_on=admitted,
                                   status=Status.PROBATIONARY, organization=branch, unit="神渭管运公司",
                                   party_group=Organization.objects.filter(path__startswith=branch.path,
                                                                           kind="group").order_by("path").first())
    c = Candidate.objects.create(organization=branch, name="赵静", id_number=number, stage="probationary", member=member,
                                 created_by=secretary)
    timeline = [("application", add_months(admitted, -30)), ("talk", add_months(admitted, -29)),
                ("activist", add_months(admitted, -24)), ("activist_filed", add_months(admitted, -24)),
                ("mentors", add_months(admitted, -24)), ("assessment", add_months(admitted, -18)),
                ("assessment", add_months(admitted, -12)), ("prospect", add_months(admitted, -10)),
                ("prospect_filed", add_months(admitted, -10)),
                ("sponsors", add_months(admitted, -10)), ("vetting", add_months(admitted, -4)),
                ("training", add_months(admitted, -3)), ("committee_review", add_months(admitted, -2)),
                ("publicity", add_months(admitted, -2)), ("pre_review", add_months(admitted, -1)),
                ("volunteer_form", admitted - datetime.timedelta(days=10)), ("admission", admitted),
                ("approval", add_months(admitted, 1)), ("placement", add_months(admitted, 1)),
                ("oath", add_months(admitted, 2))]
    for code, on in timeline:
        r = StepRecord.objects.create(candidate=c, step=code, done_on=on, recorded_by=secretary,
                                      ends_on=on + datetime.timedelta(days=9) if code == "publicity" else None,
                                      hours=24 if code == "training" else None)
        if code == "sponsors":
            r.people.set(full[1:3])
    StepRecord.objects.create(candidate=c, step="extension", done_on=add_years(admitted, 1), recorded_by=secretary,
                              ends_on=add_months(add_years(admitted, 1), 6), note="支部大会决定延长预备期半年")
    return made + 1
