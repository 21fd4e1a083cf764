"""Recording a meeting: one transaction for the meeting, its organizations and its attendance."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from dangjian.core.views import ensure_in_scope
from dangjian.members.models import Member, Status
from dangjian.orgs.models import OrgKind

from .models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingOrganization, MeetingStatus


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


def has_vote(kind, member_status):
    """Whether a person due at a meeting of `kind` votes there. 党章: only 正式党员 vote; at a 支委会 every
    committee member does."""
    return kind == MeetingKind.COMMITTEE or member_status == Status.FULL


def due_people(meeting, others=None):
    """Who the attendance form lists for an existing meeting.

    Once a meeting is held, those due are the ones stored with it (the roster of that day), plus the members
    of any organization newly added to a joint activity. A planned meeting is due from today's roster, plus
    anyone who already signed in."""
    stored = meeting.attendance.values("member_id")
    if others is None:
        others = list(meeting.participants.exclude(pk=meeting.organization_id))
    if meeting.pk and Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.HELD).exists():
        before = set(meeting.participations.values_list("organization_id", flat=True))
        added = [o for o in others if o.pk not in before]
        q = Q(pk__in=stored)
        if added:
            q |= Q(pk__in=expected_attendees(meeting.kind, meeting.organization, added)
                   .exclude(organization=meeting.organization).values("pk"))
        return Member.objects.filter(q)
    return Member.objects.filter(Q(pk__in=expected_attendees(meeting.kind, meeting.organization, others).values("pk"))
                                 | Q(pk__in=stored))


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
    """Replace the meeting's attendance with `attendance` (member id → (status, reason)).

    Whether each person had a vote is kept from the row first written for them (the fact of the meeting
    day); only people new to the list get it from their status now. A QR sign-in time is kept likewise."""
    allowed = dict(expected.values_list("pk", "status"))
    strangers = set(attendance) - set(allowed)
    if strangers:
        raise ValidationError(_("出勤名单中有 %(n)d 人不属于应参会人员") % {"n": len(strangers)})
    errors = {}
    for member_id, (status, reason) in attendance.items():
        if status not in AttendanceStatus.values:
            errors[member_id] = _("出勤状态无效")
        elif status == AttendanceStatus.LEAVE and not (reason or "").strip():
            errors[member_id] = _("请假须填写事由")
    if errors:
        raise AttendanceErrors(errors)
    known = {m: (voting, at) for m, voting, at in meeting.attendance.values_list("member_id", "voting", "checked_in_at")}
    rows = [Attendance(meeting=meeting, member_id=member_id, status=status,
                       reason=(reason or "").strip() if status == AttendanceStatus.LEAVE else "",
                       voting=known[member_id][0] if member_id in known else has_vote(meeting.kind, allowed[member_id]),
                       # a QR sign-in stays a fact of the meeting while the sheet still says present
                       checked_in_at=known[member_id][1] if member_id in known and status == AttendanceStatus.PRESENT
                       else None)
            for member_id, (status, reason) in attendance.items()]
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(rows)
    meeting.participations.update(quorate=is_quorate(meeting.kind, rows))


def is_quorate(kind, rows):
    """支部条例: a 支委会 needs more than half of the committee present to be valid (and to count)."""
    if kind != MeetingKind.COMMITTEE:
        return True
    present = sum(1 for r in rows if r.status == AttendanceStatus.PRESENT)
    return present * 2 > len(rows)


class AttendanceErrors(ValidationError):
    """Row-level attendance errors: member id → message, so each stands next to its row."""

    def __init__(self, by_member):
        self.by_member = by_member
        super().__init__(_("出勤登记有 %(n)d 处需要修改，见下方标出的人员") % {"n": len(by_member)})


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
    """Those graded at a 民主评议: the 正式党员 due at it — as stored with the held meeting, so a later
    conversion does not add a grade row to a past evaluation (预备党员 take part but are not graded)."""
    if meeting.status == MeetingStatus.HELD and meeting.attendance.exists():
        return Member.objects.filter(attendance__meeting=meeting, attendance__voting=True)
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
