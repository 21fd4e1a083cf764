"""A realistic year of 组织生活 for the demo group: most branches on schedule, some behind, a few joint activities."""
import datetime

from django.db.models import Count

from dangjian.meetings.models import Attendance, Meeting, MeetingOrganization
from dangjian.meetings.periods import month
from dangjian.meetings.services import is_quorate
from dangjian.members.models import Member
from dangjian.orgs.models import CommitteeMember, Organization, OrgKind

TOPICS = {
    "theme_day": ["学习贯彻党的二十届四中全会精神", "“党建引领·安全生产”主题党日", "重温入党誓词", "党员志愿服务进社区",
                  "学习《中国共产党支部工作条例》", "廉洁文化教育主题党日", "“我为群众办实事”实践活动"],
    "committee": ["研究本月党建工作安排", "讨论发展党员工作", "研究党费收缴情况", "部署安全生产与党建融合工作"],
    "group": ["学习党的创新理论", "讨论班组安全管理", "交流岗位建功经验"],
    "general_assembly": ["通报上季度支部工作", "讨论接收预备党员", "学习上级党委文件精神"],
    "lecture": ["新时代国企基层党建", "党史学习教育专题党课", "以高质量党建引领高质量发展"],
    "life_meeting": ["年度组织生活会"],
    "evaluation": ["年度民主评议党员"],
}
LEAVE_REASONS = ["出差", "倒班", "病假", "外出培训", "公休"]


def load_meetings(rng, today):
    branches = list(Organization.objects.filter(kind=OrgKind.BRANCH, code__regex=r"^(SW|WH|HM3|JE|MS|ZG)").order_by("path"))
    groups = {}
    for g in Organization.objects.filter(kind=OrgKind.GROUP).order_by("path"):
        groups.setdefault(g.path[:-Organization.steplen], []).append(g)
    members, confirmed = {}, {}
    for pk, org_id, group_id, confirmed_on in Member.objects.on_roll().values_list(
            "pk", "organization_id", "party_group_id", "confirmed_on"):
        members.setdefault(org_id, []).append(pk)
        confirmed[pk] = confirmed_on
        if group_id:
            members.setdefault(("g", group_id), []).append(pk)
    committee_sizes = dict(CommitteeMember.objects.filter(committee__ended_on__isnull=True)
                           .values_list("committee__organization_id").annotate(n=Count("id")))
    seats = {}
    for org_id, member_id in CommitteeMember.objects.filter(committee__ended_on__isnull=True).values_list(
            "committee__organization_id", "member_id"):
        seats.setdefault(org_id, []).append(member_id)

    plans = []  # (host, kind, day, topic, attendee ids, others, lectured)

    def plan(host, kind, day, attendees, others=(), lectured=False):
        if day <= today:
            plans.append((host, kind, day, rng.choice(TOPICS[kind]), attendees, others, lectured))

    def presider(org, attendees):
        """Who chairs (主持): the first seat of the committee (the secretary), else the first on the list."""
        chair = (seats.get(org.pk) or attendees or [None])[0]
        return chair if chair in attendees else (attendees[0] if attendees else None)

    months = [month(today.year, m) for m in range(1, today.month + 1)]
    for i, b in enumerate(branches):
        behind = i % 7 == 3  # about one branch in seven falls behind
        roll = members.get(b.pk, [])
        for m in months:
            skip = behind and rng.random() < 0.45
            day = m.start + datetime.timedelta(days=rng.randint(2, 24))
            if not skip:
                plan(b, "theme_day", day, roll)
            if committee_sizes.get(b.pk, 0) >= 3 and not (behind and rng.random() < 0.5):
                plan(b, "committee", m.start + datetime.timedelta(days=rng.randint(0, 6)), seats[b.pk])
            for g in groups.get(b.path, []):
                if not (behind and rng.random() < 0.5):
                    plan(g, "group", m.start + datetime.timedelta(days=rng.randint(5, 26)), members.get(("g", g.pk), []))
            if m.start.month in (3, 6, 9, 12) or m.start.month == today.month:
                if not (behind and rng.random() < 0.5):
                    plan(b, "general_assembly", m.start + datetime.timedelta(days=rng.randint(8, 20)), roll)
                    plan(b, "lecture", m.start + datetime.timedelta(days=rng.randint(10, 25)), roll,
                         lectured=m.start.month == 6 or (m.start.month == today.month and i % 2 == 0))
        last_year = datetime.date(today.year - 1, 12, rng.randint(10, 28))
        plan(b, "life_meeting", last_year, roll)
        plan(b, "evaluation", last_year + datetime.timedelta(days=1), roll)

    # 结对共建 joint activities (seed 000: 神渭管运 and 渭化; seed 004: 铸钢党总支 and its partners)
    by_code = {b.code: b for b in branches}
    for a, b, day in [("SW03", "WH02", datetime.date(today.year, 4, 27)), ("SW01", "WH01", datetime.date(today.year, 7, 1)),
                      ("ZG01", "MS01", datetime.date(today.year, 5, 20))]:
        if a in by_code and b in by_code:
            plan(by_code[a], "theme_day", day, members.get(by_code[a].pk, []) + members.get(by_code[b].pk, []),
                 others=[by_code[b]])

    meetings = [Meeting(organization=host, kind=kind, topic=topic, held_on=day, status="held",
                        place=rng.choice(["党员活动室", "三楼会议室", "调度中心会议室", "职工之家"]),
                        secretary_lectured=lectured, lecturer="支部书记" if lectured else "",
                        host_id=presider(host, attendees))
                for host, kind, day, topic, attendees, _others, lectured in plans]
    # one member of a branch that falls behind misses most meetings without leave: the board's one 不合格,
    # explained line by line by the deductions (Issue 双积分+双评星, demo data)
    behind = members.get(branches[3].pk, []) if len(branches) > 3 else []
    truant = behind[-1] if len(behind) > 1 else None
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    links, attendance = [], []
    for meeting, (host, kind, day, _t, attendees, others, _l) in zip(meetings, plans):
        rows = []
        for member_id in attendees:
            r = rng.random()
            status = "present" if r < 0.9 else ("leave" if r < 0.97 else "absent")
            if member_id == truant:
                status = "absent" if r < 0.8 else "present"
            # who had a vote, as recording stores it (services.has_vote): 正式党员 by that day; the whole 支委会
            voting = kind == "committee" or (confirmed[member_id] is not None and confirmed[member_id] <= day)
            rows.append(Attendance(meeting=meeting, member_id=member_id, status=status, voting=voting,
                                   reason=rng.choice(LEAVE_REASONS) if status == "leave" else ""))
        quorate = is_quorate(kind, rows)
        links += [MeetingOrganization(meeting=meeting, organization=o, quorate=quorate,
                                      **meeting.participation_facts(o.pk)) for o in (host, *others)]
        attendance += rows
    MeetingOrganization.objects.bulk_create(links, batch_size=2000)
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    return len(meetings), len(attendance)
