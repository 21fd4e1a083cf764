import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.scope import panels_for, user_can
from dangjian.core.views import OutOfScope, override_rule
from dangjian.core.xlsx import text_row
from dangjian.orgs.models import Organization, OrgKind

from . import compliance, periods, services
from .forms import MeetingForm, RuleOverrideForm, kind_choices_for
from .models import AttendanceStatus, Meeting, MeetingKind, Rule
from .views_record import attendance_marks, attendance_rows


def _org(request, pk, action="view"):
    return get_object_or_404(Organization.objects.visible_to(request.user, action), pk=pk)


@login_required
def meeting_list(request, org_pk):
    org = _org(request, org_pk)
    meetings = (Meeting.objects.visible_to(request.user).filter(participations__organization=org)
                .select_related("organization").order_by("-held_on", "-id"))
    kind = request.GET.get("kind")
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    page = Paginator(meetings, 30).get_page(request.GET.get("page"))
    return render(request, "meetings/list.html", {
        "org": org, "page": page, "kinds": MeetingKind.choices, "kind": kind, "year": timezone.localdate().year,
        "can_add": user_can(request.user, "add", org), "can_export": user_can(request.user, "export", org),
        "query": f"kind={kind}" if kind else "",
    })


@login_required
def choose_kind(request, org_pk):
    org = _org(request, org_pk, "add")
    return render(request, "meetings/choose_kind.html", {"org": org, "kinds": kind_choices_for(org)})


@login_required
def record(request, org_pk, kind):
    """Record a meeting in one screen: details, then everyone expected, each present / on leave / absent."""
    org = _org(request, org_pk, "add")
    if kind not in dict(kind_choices_for(org)):
        raise PermissionDenied
    attendees = services.expected_attendees(kind, org)
    form = MeetingForm(request.POST or None, user=request.user, org=org, kind=kind, attendees=attendees,
                       initial={"held_on": timezone.localdate()})
    people = list(attendees.order_by("name_initials", "name").only("id", "name", "status"))
    marks = attendance_marks(request, people)
    error = None
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "other_orgs"}
        fields["kind"] = kind
        others = form.cleaned_data.get("other_orgs") or []
        if others:
            # a joint activity invites the other organizations' members too
            extra = services.expected_attendees(kind, org, others).exclude(pk__in=[p.pk for p in people])
            for p in extra:
                marks[p.pk] = (request.POST.get(f"att_{p.pk}", AttendanceStatus.PRESENT), "")
        try:
            meeting = services.record_meeting(host=org, by=request.user, fields=fields, others=others,
                                              attendance=marks if fields["status"] == "held" else {})
        except ValidationError as e:
            error = e
        except OutOfScope:
            error = ValidationError(_("不在您的管辖范围内"))
        else:
            messages.success(request, _("已登记：%(m)s") % {"m": meeting})
            return redirect(meeting)
    return render(request, "meetings/form.html", {
        "org": org, "form": form, "kind": kind, "kind_label": MeetingKind(kind).label,
        "rows": attendance_rows(people, marks, error), "statuses": AttendanceStatus.choices,
        "error": "；".join(error.messages) if error else None})


@login_required
def detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("organization", "host", "recorder"), pk=pk)
    from .views_record import detail_context

    rows = meeting.attendance.select_related("member").order_by("status", "member__name_initials", "member__name")
    return render(request, "meetings/detail.html", {
        "host_visible": Organization.objects.visible_to(request.user).filter(pk=meeting.organization_id).exists(),
        "panels": panels_for("meetings.detail", request, meeting),
        "meeting": meeting, "rows": rows, "summary": services.attendance_summary(meeting),
        "orgs": meeting.participants.order_by("path"), **detail_context(request, meeting),
    })


@login_required
def org_compliance(request, org_pk):
    """One organization: each rule met / due / overdue with its reason; above a branch, the roll-up."""
    org = _org(request, org_pk)
    today = timezone.localdate()
    chosen = periods.parse(request.GET.get("period", ""), today)
    context = {"org": org, "chosen": chosen, "quarters": periods.recent_quarters(today, 8),
               "years": [periods.year(today.year), periods.year(today.year - 1)],
               "can_override": user_can(request.user, "manage_org", org) and org.kind != OrgKind.GROUP}
    if org.kind in (OrgKind.BRANCH, OrgKind.GROUP):
        context["results"] = compliance.compliance_for(org, chosen, today)
    else:
        context["rollup"] = compliance.rollup_for(request.user, org, chosen, today)
    return render(request, "meetings/compliance.html", context)


@login_required
def failing(request, org_pk):
    org = _org(request, org_pk)
    today = timezone.localdate()
    chosen = periods.parse(request.GET.get("period", ""), today)
    key = tuple((request.GET.get("rule", "") + ":").split(":")[:2])
    status = request.GET.get("status", compliance.OVERDUE)
    if status not in (compliance.OVERDUE, compliance.DUE, compliance.MET):
        status = compliance.OVERDUE
    orgs = compliance.failing(org, chosen, Organization.objects.visible_to(request.user), key, status, today)
    rule = next((r for r, _i, _e in compliance.rule_groups(org) if r.key == key), None)
    if rule is None:  # no such rule (a hand-edited link): back to the organization's compliance page
        return redirect("meetings:compliance", org.pk)
    if request.GET.get("format") == "xlsx":
        if not user_can(request.user, "export", org):  # a download is an export, like every other
            raise Http404
        return _failing_xlsx(org, chosen, rule, status, orgs)
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(request, "meetings/failing.html", {
        "org": org, "chosen": chosen, "rule": rule, "status": status, "status_label": compliance.STATUS_LABELS[status],
        "can_export": user_can(request.user, "export", org),
        "page": page, "query": f"period={chosen.code}&rule={key[0]}:{key[1]}&status={status}"})


def _failing_xlsx(org, chosen, rule, status, orgs):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("合规情况")
    ws.append(text_row(ws, [f"{org.name} {chosen.label} {rule.title} {compliance.STATUS_LABELS[status]}"]))
    ws.append(["组织编码", "组织名称", "所在单位"])
    for code, name, unit in orgs.values_list("code", "name", "unit").iterator(chunk_size=2000):
        ws.append(text_row(ws, [code, name, unit]))
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=compliance-{chosen.code}.xlsx"
    return response


@login_required
def rules(request, org_pk):
    """The rules that apply to this organization and where each comes from; admins override for the subtree."""
    org = _org(request, org_pk)
    effective = {r.key: r for r in compliance.rules_for_any_kind(org)}
    can_override = user_can(request.user, "manage_org", org)
    return render(request, "meetings/rules.html", {"org": org, "rules": effective.values(), "can_override": can_override})


@login_required
def override(request, org_pk, rule_pk):
    org = _org(request, org_pk, "manage_org")
    base = get_object_or_404(Rule.objects.visible_to(request.user), pk=rule_pk)
    existing = Rule.objects.filter(organization=org, meeting_kind=base.meeting_kind, condition=base.condition).first()
    instance = existing or Rule(organization=org, meeting_kind=base.meeting_kind, condition=base.condition,
                                org_kind=base.org_kind, requires_committee=base.requires_committee,
                                period=base.period, min_count=base.min_count, enabled=base.enabled,
                                basis=_("%(org)s 的规定") % {"org": org.name})
    return override_rule(request, org=org, form=RuleOverrideForm(request.POST or None, instance=instance),
                         existing=existing, title=instance.title, back=reverse("meetings:rules", args=[org.pk]))


@login_required
def calendar(request):
    """组织生活 in a month grid: what was held and what is planned, in the user's scope (the top organization
    they hold, or one chosen with ?org=). Each day lists a few meetings and says how many more there are."""
    import calendar as cal

    user = request.user
    scope = Organization.objects.visible_to(user)
    org_id = request.GET.get("org", "")
    org = scope.filter(pk=org_id).first() if org_id.isdigit() else None
    org = org or scope.order_by("depth", "path").first()
    if org is None:
        raise Http404
    today = timezone.localdate()
    chosen = periods.parse(request.GET.get("month", ""), today) if request.GET.get("month") else periods.month(today.year, today.month)
    if chosen.kind != "month":
        chosen = periods.month(chosen.start.year, chosen.start.month)
    in_month = Meeting.objects.filter(pk__in=Meeting.objects.visible_to(user).filter(
        participations__organization__path__startswith=org.path, held_on__gte=chosen.start, held_on__lte=chosen.end
    ).values("pk"))
    # how many per day in SQL (a month of a whole group is tens of thousands); the first few of each day to show
    per_day = dict(in_month.order_by().values_list("held_on").annotate(n=Count("id")))
    first_of_day = in_month.annotate(rank=Window(
        RowNumber(), partition_by=[F("held_on")], order_by=[F("starts_at").asc(nulls_first=True), F("id").asc()]))
    shown = {}
    for m in first_of_day.filter(rank__lte=CALENDAR_PER_DAY).select_related("organization").order_by("held_on", "rank"):
        shown.setdefault(m.held_on, []).append(m)
    weeks = []
    for week in cal.Calendar(firstweekday=0).monthdatescalendar(chosen.start.year, chosen.start.month):
        weeks.append([(d, d.month == chosen.start.month, shown.get(d, []),
                       per_day.get(d, 0) - len(shown.get(d, []))) for d in week])
    prev_month = periods.containing("month", chosen.start - datetime.timedelta(days=1))
    next_month = periods.containing("month", chosen.end + datetime.timedelta(days=1))
    return render(request, "meetings/calendar.html", {
        "org": org, "chosen": chosen, "weeks": weeks, "today": today, "prev": prev_month, "next": next_month,
        "total": sum(per_day.values()), "can_add": user_can(user, "add", org)})


CALENDAR_PER_DAY = 4
