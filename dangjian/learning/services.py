"""Training classes: who is in the audience, enrolment, attendance (sheet or QR), feedback kept anonymous, and the
yearly training hours held against RULES.md's minimums — one SQL statement, from the attendance rows."""
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.core.scope import user_can
from dangjian.members.models import Member
from dangjian.orgs.models import CommitteeMember, Organization

from .models import (COMMITTEE_MINIMUM_HOURS, MEMBER_MINIMUM_HOURS, Audience, Course, CourseAttendance, Enrolment,
                     Feedback, FeedbackReceipt)


def audience_members(training_class):
    """The members a class is for: everyone on the roll in the audience organizations' subtrees (the organizer's when
    none is named), or only those holding a seat on a current committee there (书记和委员)."""
    orgs = list(training_class.audience_orgs.all()) or [training_class.organization]
    under = Q(pk__in=[])
    for o in orgs:
        under |= Q(organization__path__startswith=o.path)
    members = Member.objects.on_roll().filter(under)
    if training_class.audience == Audience.COMMITTEES:
        members = members.filter(Exists(CommitteeMember.objects.filter(member=OuterRef("pk"), committee__ended_on__isnull=True)))
    return members


@transaction.atomic
def create_class(*, training_class, audience_orgs, by):
    if not user_can(by, CHANGE, training_class.organization):
        raise PermissionDenied
    if training_class.ends_on < training_class.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})
    training_class.created_by = by
    training_class.full_clean()
    training_class.save()
    training_class.audience_orgs.set(audience_orgs)
    if training_class.agreement_id:
        _as_cobuilding_activity(training_class, by)
    return training_class


def _as_cobuilding_activity(training_class, by):
    """A class run jointly under a co-building agreement counts as one of its activities (学习联抓), like a joint 主题党日."""
    from dangjian.cobuilding import services as cobuilding

    agreement = training_class.agreement
    cobuilding.record_activity(agreement=agreement, by=by, parties=list(agreement.parties.all()),
                               title=_("联合培训：%(t)s") % {"t": training_class.title}, held_on=training_class.starts_on,
                               category="study", is_exchange=True, summary=training_class.description[:500])


def enrol_audience(training_class):
    """Enrol everyone in the audience (again after the roster changed: those already enrolled stay as they are)."""
    ids = list(audience_members(training_class).values_list("pk", flat=True))
    Enrolment.objects.bulk_create([Enrolment(training_class=training_class, member_id=i) for i in ids], ignore_conflicts=True)
    return len(ids)


def add_course(*, training_class, title, lecturer, held_on, hours):
    if not training_class.starts_on <= held_on <= training_class.ends_on:
        raise ValidationError({"held_on": _("课程日期应在培训班期间（%(s)s 至 %(e)s）") % {
            "s": training_class.starts_on, "e": training_class.ends_on}})
    if not Decimal("0") < hours <= Decimal("12"):
        raise ValidationError({"hours": _("每门课程的学时应大于 0、不超过 12")})
    return Course.objects.create(training_class=training_class, title=title, lecturer=lecturer, held_on=held_on,
                                 hours=hours)


@transaction.atomic
def mark_attendance(*, course, present, among=None, today=None):
    """The sheet: of the enrolled members it showed (`among`, the recorder's scope; all when None), exactly those
    ticked attended; a QR sign-in time already kept stays, and rows of members the sheet did not show are untouched."""
    today = today or timezone.localdate()
    if course.held_on > today:
        raise ValidationError(_("课程尚未开始，不能登记出勤"))
    enrolled = Enrolment.objects.filter(training_class=course.training_class_id)
    if among is not None:
        enrolled = enrolled.filter(member__in=among)
    enrolled = set(enrolled.values_list("member_id", flat=True))
    wanted = {int(p) for p in present if str(p).isdigit()} & enrolled
    course.attendance.filter(member_id__in=enrolled).exclude(member_id__in=wanted).delete()
    have = set(course.attendance.values_list("member_id", flat=True))
    CourseAttendance.objects.bulk_create([CourseAttendance(course=course, member_id=m) for m in wanted - have])
    return len(wanted)


def check_in(*, course, member, now=None):
    """A QR sign-in: on the course's day, for an enrolled member; twice is once."""
    now = now or timezone.now()
    if timezone.localtime(now).date() != course.held_on:
        raise ValidationError(_("只能在课程当天签到（%(d)s）") % {"d": course.held_on})
    if not Enrolment.objects.filter(training_class=course.training_class_id, member=member).exists():
        raise ValidationError(_("您未报名参加本培训班"))
    row, created = CourseAttendance.objects.get_or_create(course=course, member=member, defaults={"checked_in_at": now})
    return row, created


def give_feedback(*, training_class, member, rating, content_rating, comment=""):
    """One feedback per participant who attended; stored without their name (the receipt is separate)."""
    if not CourseAttendance.objects.filter(course__training_class=training_class, member=member).exists():
        raise ValidationError(_("参加培训后才能评价"))
    try:
        with transaction.atomic():
            FeedbackReceipt.objects.create(training_class=training_class, member=member)
            return Feedback.objects.create(training_class=training_class, rating=rating, content_rating=content_rating,
                                           comment=comment.strip())
    except IntegrityError:
        raise ValidationError(_("您已评价过本培训班")) from None


def year_range(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def with_hours(members, year):
    """Members annotated with the year's training hours (from attendance), whether they sat on a committee that
    year (the committee's term, not today's seats), the minimum that applies and the shortfall — one statement."""
    first, last = year_range(year)
    attended = (CourseAttendance.objects.filter(member=OuterRef("pk"), course__held_on__range=(first, last))
                .order_by().values("member").annotate(h=Sum("course__hours")).values("h"))
    seat = CommitteeMember.objects.filter(member=OuterRef("pk"), committee__elected_on__lte=last).filter(
        Q(committee__ended_on__isnull=True) | Q(committee__ended_on__gte=first))
    money = DecimalField(max_digits=6, decimal_places=1)
    return (members.filter(joined_on__lte=last).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
            .annotate(hours=Coalesce(Subquery(attended, output_field=money), Value(Decimal(0)), output_field=money),
                      on_committee=Exists(seat))
            .annotate(minimum=Case(When(on_committee=True, then=Value(COMMITTEE_MINIMUM_HOURS)),
                                   default=Value(MEMBER_MINIMUM_HOURS)))
            .annotate(shortfall=Case(When(hours__lt=F("minimum"), then=F("minimum") - F("hours")), default=Value(0),
                                     output_field=money)))


def rollup(org, members, year):
    """[(organization, members, met, short, average hours)] per organization directly under `org`, for the caller's
    scoped `members`: the year's attendance aggregated once per member (those at or above the minimum that applies —
    56 for a committee seat that year, else 32) as an uncorrelated IN-list hashed once, then the counts per
    organization, and the hours per organization — not a subquery per member."""
    first, last = year_range(year)
    step = len(org.path) + Organization.steplen
    members = members.filter(organization__path__startswith=org.path, joined_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    attended = CourseAttendance.objects.filter(member__in=members.values("pk"), course__held_on__range=(first, last))
    seated = CommitteeMember.objects.filter(committee__elected_on__lte=last).filter(
        Q(committee__ended_on__isnull=True) | Q(committee__ended_on__gte=first)).values("member")
    # one aggregation of the year's attendance: the members at or above the minimum that applies to them
    reached = (attended.order_by().values("member").annotate(h=Sum("course__hours"))
               .filter(Q(h__gte=COMMITTEE_MINIMUM_HOURS) | Q(h__gte=MEMBER_MINIMUM_HOURS) & ~Q(member__in=seated))
               .values("member"))
    counts = (members.annotate(child=Substr("organization__path", 1, step)).order_by().values("child")
              .annotate(n=Count("pk"), met=Count("pk", filter=Q(pk__in=reached))).values_list("child", "n", "met"))
    totals = dict(attended.annotate(child=Substr("member__organization__path", 1, step)).order_by().values("child")
                  .annotate(t=Sum("course__hours")).values_list("child", "t"))
    found = {c: (n, m, totals.get(c) or Decimal(0)) for c, n, m in counts}
    orgs = {o.path: o for o in Organization.objects.filter(path__in=list(found))}
    return [(orgs[p], n, met, n - met, round(total / n, 1) if n else Decimal(0))
            for p, (n, met, total) in sorted(found.items()) if p in orgs]
