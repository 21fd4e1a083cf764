"""Recording a meeting: one transaction for the meeting, its organizations and its attendance."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from dangjian.core.views import ensure_in_scope
from dangjian.members.models import Member
from dangjian.orgs.models import OrgKind

from .models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingOrganization


def expected_attendees(kind, host, others=()):
    """Who should attend: 支委会 → the current committee; 党小组会 → the group; otherwise the members of
    every participating organization (a 联合主题党日 invites all of them)."""
    if kind == MeetingKind.COMMITTEE:
        committee = host.current_committee()
        ids = committee.seats.values("member_id") if committee else []
        return Member.objects.on_roll().filter(pk__in=ids)
    orgs = [host, *others]
    groups = [o.pk for o in orgs if o.kind == OrgKind.GROUP]
    units = [o.pk for o in orgs if o.kind != OrgKind.GROUP]
    return Member.objects.on_roll().filter(Q(organization_id__in=units) | Q(party_group_id__in=groups))


@transaction.atomic
def record_meeting(*, host, by, fields, others=(), attendance=None):
    """Create a meeting hosted by `host`. `attendance` maps member id → (status, reason); every id must be
    among the expected attendees, so nobody from outside can be attached."""
    meeting = Meeting(organization=host, recorded_by=by, **fields)
    meeting.full_clean(exclude=["recorded_by"])
    meeting.save()
    MeetingOrganization.objects.bulk_create([MeetingOrganization.of(meeting, o) for o in {host, *others}])
    save_attendance(meeting, attendance or {}, expected_attendees(meeting.kind, host, others))
    ensure_in_scope(Meeting, by, "add", meeting.pk)
    return meeting


def save_attendance(meeting, attendance, expected):
    allowed = set(expected.values_list("pk", flat=True))
    strangers = set(attendance) - allowed
    if strangers:
        raise ValidationError(_("出勤名单中有 %(n)d 人不属于应参会人员") % {"n": len(strangers)})
    rows = []
    for member_id, (status, reason) in attendance.items():
        if status not in AttendanceStatus.values:
            raise ValidationError(_("出勤状态无效"))
        if status == AttendanceStatus.LEAVE and not reason:
            raise ValidationError(_("请假须填写事由"))
        rows.append(Attendance(meeting=meeting, member_id=member_id, status=status, reason=reason or ""))
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(rows)


def attendance_summary(meeting):
    return dict(meeting.attendance.order_by().values_list("status").annotate(n=Count("id")))


def attendance_rate(member, year):
    """A member's attendance in a year: present / (present + leave + absent), in percent, or None."""
    counts = dict(
        Attendance.objects.filter(member=member, meeting__held_on__year=year, meeting__status="held")
        .order_by().values_list("status").annotate(n=Count("id"))
    )
    total = sum(counts.values())
    return (round(100 * counts.get(AttendanceStatus.PRESENT, 0) / total), total) if total else (None, 0)


def gradable(meeting):
    """Those graded at a 民主评议: the 正式党员 expected at it."""
    from dangjian.members.models import Status

    others = meeting.participants.exclude(pk=meeting.organization_id)
    return expected_attendees(meeting.kind, meeting.organization, others).filter(status=Status.FULL)


@transaction.atomic
def save_grades(meeting, grades):
    """grades: member id → grade. Returns warnings (优秀 should not exceed one third — a warning, not a block)."""
    from .models import EvaluationGrade, Grade

    allowed = set(gradable(meeting).values_list("pk", flat=True))
    if set(grades) - allowed:
        raise ValidationError(_("只能为应参加评议的正式党员评定等次（预备党员参加评议但不评定等次）"))
    if any(g not in Grade.values for g in grades.values()):
        raise ValidationError(_("评议等次无效"))
    EvaluationGrade.objects.filter(meeting=meeting).delete()
    EvaluationGrade.objects.bulk_create(EvaluationGrade(meeting=meeting, member_id=m, grade=g) for m, g in grades.items())
    return grade_warnings(meeting)


def grade_warnings(meeting):
    from .models import Grade

    counts = dict(meeting.grades.order_by().values_list("grade").annotate(n=Count("id")))
    total = sum(counts.values())
    excellent = counts.get(Grade.EXCELLENT, 0)
    if total and excellent * 3 > total:
        return [_("评为优秀的 %(e)d 人，超过参评人数 %(t)d 的三分之一，请核实") % {"e": excellent, "t": total}]
    return []
