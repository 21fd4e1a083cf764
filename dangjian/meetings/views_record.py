"""What happens to a recorded meeting: edit (until it locks), unlock by the superior, QR sign-in, votes,
attachments, and the year's ledger."""
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.views import changelog_for, ensure_in_scope
from dangjian.orgs.models import Organization

from . import ledger, services
from .attachments import check_attachment
from .forms import MeetingForm
from .integrity import can_unlock
from .models import Attachment, Attendance, AttendanceStatus, Meeting, MeetingKind, Vote, VoteKind
from .votes import electorate, verdict


def _meeting(request, pk, action="view"):
    return get_object_or_404(Meeting.objects.visible_to(request.user, action).select_related("organization"), pk=pk)


@login_required
def edit(request, pk):
    meeting = _meeting(request, pk, "change")
    if meeting.is_locked():
        messages.error(request, _("该记录已于 %(d)s 锁定，修改需由上级党组织解锁") % {"d": meeting.locks_on})
        return redirect(meeting)
    org = meeting.organization
    others = list(meeting.participants.exclude(pk=org.pk))
    attendees = services.expected_attendees(meeting.kind, org, others)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user, org=org, kind=meeting.kind,
                       attendees=attendees, initial={"other_orgs": ",".join(o.code for o in others)})
    people = list(attendees.order_by("name").only("id", "name", "status"))
    current = dict(meeting.attendance.values_list("member_id", "status"))
    reasons = dict(meeting.attendance.values_list("member_id", "reason"))
    marks = {p.pk: (request.POST.get(f"att_{p.pk}", current.get(p.pk, AttendanceStatus.PRESENT)),
                    request.POST.get(f"reason_{p.pk}", reasons.get(p.pk, ""))) for p in people}
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
                if "other_orgs" in form.cleaned_data:
                    meeting.participations.exclude(organization=org).delete()
                    for o in form.cleaned_data["other_orgs"]:
                        meeting.participations.create(organization=o)
                if meeting.status == "held":
                    services.save_attendance(meeting, marks, services.expected_attendees(
                        meeting.kind, org, form.cleaned_data.get("other_orgs") or others))
                ensure_in_scope(Meeting, request.user, "change", meeting.pk)
        except ValidationError as e:
            error = "；".join(e.messages)
        else:
            messages.success(request, _("已保存：%(m)s") % {"m": meeting})
            return redirect(meeting)
    rows = [(p, marks[p.pk][0], marks[p.pk][1]) for p in people]
    return render(request, "meetings/form.html", {
        "org": org, "form": form, "kind": meeting.kind, "kind_label": meeting.get_kind_display(), "rows": rows,
        "statuses": AttendanceStatus.choices, "error": error, "meeting": meeting})


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


@login_required
def qr(request, pk):
    """The host's screen: a QR code members scan to sign in, and the attendance list updating live."""
    meeting = _meeting(request, pk, "change")
    if not meeting.checkin_token:
        meeting.checkin_token = secrets.token_urlsafe(16)
        meeting.save(update_fields=["checkin_token"])
    url = request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.checkin_token]))
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=8, dark="#1f2329")
    return render(request, "meetings/qr.html", {"meeting": meeting, "svg": svg, "url": url,
                                                **_live_context(meeting)})


def _live_context(meeting):
    due = services.expected_attendees(meeting.kind, meeting.organization,
                                      meeting.participants.exclude(pk=meeting.organization_id))
    present = set(meeting.attendance.filter(status=AttendanceStatus.PRESENT).values_list("member_id", flat=True))
    people = list(due.order_by("name").values_list("pk", "name"))
    return {"people": [(name, pk in present) for pk, name in people], "n_present": len(present), "n_due": len(people)}


@login_required
def live(request, pk):
    meeting = _meeting(request, pk, "change")
    return render(request, "meetings/_live.html", {"meeting": meeting, **_live_context(meeting)})


@login_required
def checkin(request, token):
    """A member scanned the code: mark them present (the meeting day only, and only if they are expected)."""
    meeting = get_object_or_404(Meeting, checkin_token=token)
    member = getattr(request.user, "member", None)
    today = timezone.localdate()
    problem = None
    if abs((meeting.held_on - today).days) > 0:
        problem = _("签到仅限会议当天（%(d)s）") % {"d": meeting.held_on}
    elif member is None:
        problem = _("当前账号未关联党员档案，无法签到")
    else:
        due = services.expected_attendees(meeting.kind, meeting.organization,
                                          meeting.participants.exclude(pk=meeting.organization_id))
        if not due.filter(pk=member.pk).exists():
            problem = _("您不在本次会议的应参会人员中")
    if problem is None:
        Attendance.objects.update_or_create(meeting=meeting, member=member,
                                            defaults={"status": AttendanceStatus.PRESENT, "reason": ""})
    return render(request, "meetings/checkin.html", {"meeting": meeting, "problem": problem})


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
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


@login_required
def ledger_export(request, org_pk, year, fmt):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if fmt not in ("xlsx", "docx"):
        raise Http404
    if fmt == "xlsx":
        body, ctype = ledger.ledger_xlsx(org, year), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = ledger.ledger_docx(org, year), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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
    return {
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

    people = list(services.gradable(meeting).order_by("name").only("id", "name"))
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
