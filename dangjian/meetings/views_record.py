"""What happens to a recorded meeting: edit (until it locks), unlock by the superior, QR sign-in, votes,
attachments, and the year's ledger."""
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.files import serve_upload
from dangjian.core.versioning import StaleEdit, VersionField, claim_version
from dangjian.core.views import changelog_for, ensure_in_scope, report_conflict
from dangjian.orgs.models import Organization

from . import ledger, services
from .attachments import check_attachment
from .forms import MeetingForm
from .integrity import can_unlock
from .models import Attachment, Attendance, AttendanceStatus, Meeting, MeetingKind, Vote, VoteKind
from .votes import electorate, verdict


def _meeting(request, pk, action="view"):
    return get_object_or_404(Meeting.objects.visible_to(request.user, action).select_related("organization"), pk=pk)


def attendance_marks(request, people, meeting=None):
    """What the attendance form shows per person: the recorded status if there is one. A new meeting starts
    everyone at 出席 (the recorder sees and submits it); an existing one never marks present anyone the record
    does not (a sign-in sheet is not overwritten by the form's defaults)."""
    recorded = {m: (st, r) for m, st, r in meeting.attendance.values_list("member_id", "status", "reason")} if meeting else {}
    default = AttendanceStatus.ABSENT if meeting is not None else AttendanceStatus.PRESENT
    marks = {}
    for p in people:
        status, reason = recorded.get(p.pk, (default, ""))
        marks[p.pk] = (request.POST.get(f"att_{p.pk}", status), request.POST.get(f"reason_{p.pk}", reason))
    return marks


def attendance_rows(people, marks, error):
    row_errors = getattr(error, "by_member", {}) if error is not None else {}
    return [(p, marks[p.pk][0], marks[p.pk][1], row_errors.get(p.pk)) for p in people]


@login_required
def edit(request, pk):
    meeting = _meeting(request, pk, "change")
    if meeting.is_locked():
        messages.error(request, _("该记录已于 %(d)s 锁定，修改需由上级党组织解锁") % {"d": meeting.locks_on})
        return redirect(meeting)
    org = meeting.organization
    others = list(meeting.participants.exclude(pk=org.pk))
    attendees = services.due_people(meeting, others)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user, org=org, kind=meeting.kind,
                       attendees=attendees, initial={"other_orgs": ",".join(o.code for o in others)})
    form.fields["version"] = VersionField(initial=meeting.version)
    people = list(attendees.order_by("name_initials", "name").only("id", "name", "status"))
    marks = attendance_marks(request, people, meeting)
    error = None
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["other_orgs"] if "other_orgs" in form.cleaned_data else others
        due = services.due_people(meeting, chosen)  # before the participations change
        try:
            with transaction.atomic():
                claim_version(meeting, form.cleaned_data.get("version") or meeting.version)
                form.save()
                if "other_orgs" in form.cleaned_data:
                    meeting.participations.exclude(organization=org).delete()
                    for o in chosen:
                        meeting.participations.create(organization=o)
                if meeting.status == "held":
                    extra = due.exclude(pk__in=[p.pk for p in people])
                    for p in extra:
                        marks[p.pk] = (request.POST.get(f"att_{p.pk}", AttendanceStatus.ABSENT), "")
                    services.save_attendance(meeting, marks, due)
                ensure_in_scope(Meeting, request.user, "change", meeting.pk)
        except StaleEdit as e:
            report_conflict(form, e)
        except ValidationError as e:
            error = e
        else:
            messages.success(request, _("已保存：%(m)s") % {"m": meeting})
            return redirect(meeting)
    return render(request, "meetings/form.html", {
        "org": org, "form": form, "kind": meeting.kind, "kind_label": meeting.get_kind_display(),
        "rows": attendance_rows(people, marks, error), "statuses": AttendanceStatus.choices,
        "error": "；".join(error.messages) if error else None, "meeting": meeting})


@login_required
def unlock(request, pk):
    meeting = _meeting(request, pk)
    if not can_unlock(request.user, meeting):
        raise PermissionDenied
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, _("请填写解锁原因"))
        else:
            meeting.unlocked_until = timezone.localdate() + timezone.timedelta(days=7)
            meeting.unlocked_by = request.user
            meeting.unlock_reason = reason
            meeting.save(update_fields=["unlocked_until", "unlocked_by", "unlock_reason"])
            messages.success(request, _("已解锁 7 天，修改将记入变更记录"))
        return redirect(meeting)
    return render(request, "meetings/unlock.html", {"meeting": meeting})


CHECKIN_MAX_AGE = 120  # seconds a scanned code stays valid: the host's page shows a fresh one every 30 s


def checkin_link(request, meeting):
    """A signed, short-lived sign-in link: a forwarded or photographed code stops working within minutes."""
    if not meeting.checkin_token:
        meeting.checkin_token = secrets.token_urlsafe(16)
        meeting.save(update_fields=["checkin_token"])
    token = signing.TimestampSigner(salt="meetings.checkin").sign_object({"m": meeting.pk, "k": meeting.checkin_token})
    return request.build_absolute_uri(reverse("meetings:checkin", args=[token]))


def _qr_context(request, meeting):
    import segno

    url = checkin_link(request, meeting)
    return {"svg": segno.make(url, error="m").svg_inline(scale=8, dark="#1f2329"), "url": url}


@login_required
def qr(request, pk):
    """The host's screen: a QR code members scan to sign in, and the attendance list updating live."""
    meeting = _meeting(request, pk, "change")
    return render(request, "meetings/qr.html", {"meeting": meeting, **_qr_context(request, meeting),
                                                **_live_context(meeting)})


@login_required
def qr_code(request, pk):
    """The rotating code alone (htmx refreshes it on the host's page)."""
    meeting = _meeting(request, pk, "change")
    return render(request, "meetings/_qr.html", {"meeting": meeting, **_qr_context(request, meeting)})


def _live_context(meeting):
    due = services.due_people(meeting)
    present = set(meeting.attendance.filter(status=AttendanceStatus.PRESENT).values_list("member_id", flat=True))
    people = list(due.order_by("name_initials", "name").values_list("pk", "name"))
    return {"people": [(name, pk in present) for pk, name in people], "n_present": len(present), "n_due": len(people)}


@login_required
def live(request, pk):
    meeting = _meeting(request, pk, "change")
    return render(request, "meetings/_live.html", {"meeting": meeting, **_live_context(meeting)})


def _checkin_meeting(token):
    """The meeting a sign-in link names, or None if the link is forged, expired or replaced."""
    try:
        data = signing.TimestampSigner(salt="meetings.checkin").unsign_object(token, max_age=CHECKIN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return Meeting.objects.filter(pk=data.get("m"), checkin_token=data.get("k") or "\0").select_related(
        "organization").first()


@login_required
def checkin(request, token):
    """A member scanned the code: the page names the meeting only to those due at it, and signing in is a POST
    from that page (a link alone changes nothing). The meeting day only."""
    meeting = _checkin_meeting(token)
    member = getattr(request.user, "member", None)
    problem, due = None, False
    if meeting is None:
        problem = _("签到二维码已失效，请扫描主持人屏幕上的最新二维码")
    elif member is None:
        problem = _("当前账号未关联党员档案，无法签到")
    else:
        due = services.due_people(meeting).filter(pk=member.pk).exists()
        if not due:
            problem = _("您不在本次会议的应参会人员中")
        elif meeting.held_on != timezone.localdate():
            problem = _("签到仅限会议当天（%(d)s）") % {"d": meeting.held_on}
    done = False
    if problem is None and request.method == "POST":
        existing = Attendance.objects.filter(meeting=meeting, member=member).first()
        now = timezone.now()
        if existing is None:
            Attendance.objects.create(meeting=meeting, member=member, status=AttendanceStatus.PRESENT,
                                      voting=services.has_vote(meeting.kind, member.status), checked_in_at=now)
        elif existing.status != AttendanceStatus.PRESENT or existing.checked_in_at is None:
            existing.status, existing.reason = AttendanceStatus.PRESENT, ""
            existing.checked_in_at = existing.checked_in_at or now  # the first scan is the sign-in
            existing.save(update_fields=["status", "reason", "checked_in_at"])
        done = True
    return render(request, "meetings/checkin.html", {"meeting": meeting if due else None, "problem": problem,
                                                     "done": done})


@login_required
@require_POST
def add_vote(request, pk):
    meeting = _meeting(request, pk, "change")
    if meeting.kind not in (MeetingKind.GENERAL_ASSEMBLY, MeetingKind.COMMITTEE) or meeting.is_locked():
        raise PermissionDenied
    try:
        vote = Vote(meeting=meeting, kind=request.POST.get("kind", VoteKind.DECISION),
                    subject=request.POST.get("subject", "").strip(),
                    yes=int(request.POST.get("yes") or 0), no=int(request.POST.get("no") or 0),
                    abstain=int(request.POST.get("abstain") or 0),
                    seats=int(request.POST["seats"]) if request.POST.get("seats") else None,
                    candidates=int(request.POST["candidates"]) if request.POST.get("candidates") else None)
        if not vote.subject:
            raise ValueError
        vote.full_clean()
    except (ValueError, ValidationError):
        messages.error(request, _("请填写表决事项和各项票数（非负整数）"))
        return redirect(meeting)
    vote.save()
    result = verdict(vote)
    (messages.success if result.valid and result.passed else messages.warning)(request, f"{vote.subject}：{result.summary}")
    return redirect(meeting)


@login_required
@require_POST
def upload(request, pk):
    meeting = _meeting(request, pk, "change")
    if meeting.is_locked():
        raise PermissionDenied
    f = request.FILES.get("file")
    try:
        if f is None:
            raise ValidationError(_("请选择文件"))
        check_attachment(f)
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        Attachment.objects.create(meeting=meeting, file=f, name=f.name[:200], size=f.size, uploaded_by=request.user)
        messages.success(request, _("已上传：%(n)s") % {"n": f.name})
    return redirect(meeting)


@login_required
def download(request, pk):
    """Attachments are served through the scope check, never from a public media URL."""
    att = get_object_or_404(Attachment.objects.select_related("meeting"), pk=pk)
    _meeting(request, att.meeting_id)  # 404 outside scope
    return serve_upload(att.file, filename=att.name)


@login_required
def ledger_export(request, org_pk, year, fmt):
    """The year's ledger: for those who may export the organization's records, and built only from meetings they
    may read (the same `visible_to` as the meeting pages)."""
    org = get_object_or_404(Organization.objects.visible_to(request.user, "export"), pk=org_pk)
    if fmt not in ("xlsx", "docx") or not ledger.YEARS[0] <= year <= ledger.YEARS[1]:
        raise Http404
    meetings = Meeting.objects.visible_to(request.user)
    if fmt == "xlsx":
        body, ctype = ledger.ledger_xlsx(org, year, meetings), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = ledger.ledger_docx(org, year, meetings), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(body, content_type=ctype)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{org.name}{year}年会议记录台账.{fmt}')}"
    return response


def detail_context(request, meeting):
    """Extra context for the meeting page: lock state, votes with verdicts, attachments, late changes."""
    eligible, present = electorate(meeting) if meeting.kind in (MeetingKind.GENERAL_ASSEMBLY, MeetingKind.COMMITTEE) else (0, 0)
    user = request.user
    can_change = Meeting.objects.visible_to(user, "change").filter(pk=meeting.pk).exists()
    log = changelog_for(meeting, user) if can_change or can_unlock(user, meeting) else []
    held_committee = meeting.kind == MeetingKind.COMMITTEE and meeting.status == "held"
    return {
        "quorate": not held_committee or meeting.participations.filter(quorate=True).exists(),
        "due_count": meeting.attendance.count() if held_committee else 0,
        "locked": meeting.is_locked(),
        "can_change": can_change,
        "can_unlock": meeting.is_locked() and can_unlock(user, meeting),
        "votes": [(v, verdict(v, eligible, present)) for v in meeting.votes.all()],
        "vote_kinds": VoteKind.choices,
        "electorate": (eligible, present),
        "attachments": meeting.attachments.all(),
        "late_changes": [e for e in log if e.action == 1 and e.timestamp.date() > meeting.locks_on],
    }


@login_required
def grades(request, pk):
    meeting = _meeting(request, pk, "change")
    if meeting.kind != MeetingKind.EVALUATION:
        raise Http404
    from .models import Grade

    people = list(services.gradable(meeting).order_by("name_initials", "name").only("id", "name"))
    current = dict(meeting.grades.values_list("member_id", "grade"))
    if request.method == "POST":
        if meeting.is_locked():
            raise PermissionDenied
        chosen = {p.pk: request.POST.get(f"grade_{p.pk}") for p in people if request.POST.get(f"grade_{p.pk}")}
        try:
            warnings = services.save_grades(meeting, chosen)
        except ValidationError as e:
            messages.error(request, e.messages[0])
        else:
            messages.success(request, _("已保存 %(n)d 人的评议等次") % {"n": len(chosen)})
            for w in warnings:
                messages.warning(request, w)
            return redirect(meeting)
    return render(request, "meetings/grades.html", {"meeting": meeting, "rows": [(p, current.get(p.pk, "")) for p in people],
                                                    "grades": Grade.choices, "warnings": services.grade_warnings(meeting)})
