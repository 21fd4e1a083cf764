"""Points pages: an organization's board, a member's ledger, the member's own "我的" page and the rules.

Every read goes through visible_to: the board lists the members the user may see under an organization they may
see; a ledger is a member's the user may see (a member sees their own); the board's download is an export."""
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core import rulebook
from dangjian.core.files import serve_upload
from dangjian.core.scope import grant_paths, own_record, user_can
from dangjian.core.views import override_rule
from dangjian.core.xlsx import text_row
from dangjian.meetings.models import Attendance, MeetingStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind
from dangjian.reminders.models import Reminder

from . import board as boards
from . import engine, groups, services
from .forms import DecisionForm, ManualItemForm, PointRuleOverrideForm, StarScaleForm, YearForm
from .models import ItemStatus, ManualItem, PointRule, Publication, ScaleOf, StarScale, period_label


def _org(request, pk, action="view"):
    return get_object_or_404(Organization.objects.visible_to(request.user, action), pk=pk)


def _year(request):
    form = YearForm(request.GET or None)
    return form, form.chosen()


@login_required
def index(request):
    """The header's 党员积分: the board of the highest organization the user holds, else the user's own page."""
    user = request.user
    top = Organization.objects.visible_to(user).order_by("depth", "path").first()
    if top is None or not (user.is_superuser or grant_paths(user, "view")):
        return redirect("points:me")
    return redirect("points:board", top.pk)


@login_required
def board(request, org_pk):
    org = _org(request, org_pk)
    form = YearForm(request.GET or None)
    year, quarter = form.period()
    until = engine.quarter_end(year, quarter)
    members = boards.members_of(org, request.user)
    party_groups = groups.groups_under(org, request.user)
    group = request.GET.get("group", "")
    if group.isdigit():
        members = members.filter(party_group_id=group)
    size = members.count()
    if size > boards.BOARD_LIMIT:  # a 党委 of thousands: choose a branch
        children = Organization.objects.visible_to(request.user).filter(path__startswith=org.path, depth=org.depth + 1)
        return render(request, "points/board.html", {"org": org, "form": form, "year": year, "too_many": size,
                                                     "children": children.order_by("path")})
    rows = boards.rows(members, year, until=until)
    star = request.GET.get("star", "")
    shown = [r for r in rows if str(r.stars) == star] if star.isdigit() else rows
    if request.GET.get("sort") == "name":
        shown = sorted(shown, key=lambda r: (r.member.name_initials, r.member.pk))
    if request.GET.get("format") == "xlsx":
        if not user_can(request.user, "export", org):
            raise Http404
        return _board_xlsx(org, year, shown, quarter)
    boards.mark_arrivals(shown, year, request.user)
    publication = Publication.objects.filter(organization=org, year=year, quarter=quarter).first()
    if publication is not None:  # the published figure beside today's, "变动" where they differ
        published = {r.member_id: r for r in publication.results.all()}
        for r in shown:
            r.published = published.get(r.member.pk)
    distribution = boards.star_counts(rows)
    chart = {"tooltip": {}, "grid": {"left": 40, "right": 10, "top": 20, "bottom": 30},
             "xAxis": {"type": "category", "data": [label for label, _n in distribution], "axisLabel": {"interval": 0}},
             "yAxis": {"type": "value", "minInterval": 1},
             "series": [{"type": "bar", "data": [n for _l, n in distribution], "itemStyle": {"color": "#c8161d"},
                         "label": {"show": True, "position": "top"}}]}
    return render(request, "points/board.html", {
        "org": org, "form": form, "year": year, "quarter": quarter, "with_quarter": True,
        "period": period_label(year, quarter), "rows": shown, "total": len(rows), "groups": party_groups,
        "group": group, "star": star, "sort": request.GET.get("sort", ""), "chart": chart,
        "star_choices": [(str(n), "★" * n if n else _("不合格")) for n in range(5, -1, -1)],
        "publication": publication, "can_publish": user_can(request.user, CHANGE, org),
        "keep": {k: request.GET[k] for k in ("group", "star", "sort") if request.GET.get(k)},
        "query": f"year={year}" + (f"&quarter={quarter}" if quarter else ""),
        "can_export": user_can(request.user, "export", org),
        "departures": boards.departures(org, request.user, year) if not (group or star) else [],
        "pending": ManualItem.objects.visible_to(request.user).filter(
            status=ItemStatus.PENDING, member__organization__path__startswith=org.path).count(),
        "average": round(sum(r.points for r in rows) / len(rows), 1) if rows else None})


def _board_xlsx(org, year, rows, quarter=None):
    from openpyxl import Workbook

    period = period_label(year, quarter)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员积分")
    ws.append(text_row(ws, [f"{org.name} {period}党员积分"]))
    ws.append(["名次", "姓名", "所在党组织", "党小组", "积分"] + ([] if quarter else ["星级"]))
    for r in rows:
        m = r.member
        ws.append(text_row(ws, [r.rank, m.name, m.organization.name, m.party_group.name if m.party_group else "",
                                float(r.points)] + ([] if quarter else [r.star_text])))
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{org.name}{period}党员积分.xlsx')}"
    return response


def _monthly_chart(ledger):
    """The year's points month by month, as a running total (a line people read faster than the table)."""
    by_month = [0.0] * 12
    for line in ledger.lines:
        by_month[line.on.month - 1] += float(line.points)
    today = timezone.localdate()
    running, total = [], 0.0
    for month, points in enumerate(by_month, 1):
        total += points
        # the months still to come this year have no figure yet (not a flat line into December)
        running.append(None if (ledger.year, month) > (today.year, today.month) else round(total, 1))
    return {"tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 10, "top": 20, "bottom": 30},
            "xAxis": {"type": "category", "data": [f"{i}月" for i in range(1, 13)]},
            "yAxis": {"type": "value", "min": 0, "max": max(100, int(total) + 5)},
            "series": [{"type": "line", "data": running, "itemStyle": {"color": "#c8161d"}, "areaStyle": {"opacity": 0.08}}]}


@login_required
def ledger(request, pk):
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("organization", "party_group"), pk=pk)
    form, year = _year(request)
    led = engine.ledger(member, year)
    open_items = member.point_items.exclude(status=ItemStatus.APPROVED).filter(on__year=year).order_by("-on")
    return render(request, "points/ledger.html", {"member": member, "form": form, "year": year, "ledger": led,
                                                  "chart": _monthly_chart(led), "open_items": open_items,
                                                  "can_propose": user_can(request.user, CHANGE, member.organization)})


@login_required
def me(request):
    """我的: the member's own points, meetings, reminders — one column, large targets, for the phone."""
    mine = own_record(request.user)
    if mine is None:
        return render(request, "points/me.html", {"no_record": True})
    member = Member.objects.select_related("organization", "party_group").get(pk=mine["pk"])
    year = timezone.localdate().year
    led = engine.ledger(member, year)
    attended = (Attendance.objects.filter(member=member, meeting__status=MeetingStatus.HELD)
                .select_related("meeting").order_by("-meeting__held_on", "-meeting_id")[:10])
    scanned = (Attendance.objects.filter(member=member, checked_in_at__isnull=False)
               .select_related("meeting").order_by("-checked_in_at")[:5])
    unread = Reminder.objects.filter(user=request.user, read_at__isnull=True)
    return render(request, "points/me.html", {
        "member": member, "year": year, "ledger": led, "recent_lines": list(reversed(led.lines))[:8],
        "attended": attended, "scanned": scanned, "unread": unread.count(), "reminders": unread.order_by("-level", "due_on")[:3],
        "published": Publication.objects.filter(organization_id=member.organization_id, year=year).first()})


@login_required
def rules(request, org_pk):
    """The point rules in force for this organization's members and where each comes from."""
    org = _org(request, org_pk)
    engine.defaults_present()
    effective = sorted(rulebook.nearest(PointRule.objects.all(), org).values(),
                       key=lambda r: (r.source != "base", r.source, r.meeting_kind))
    return render(request, "points/rules.html", {"org": org, "rules": effective,
                                                 "scales": [engine.Scales(of).for_path(org.path) for of in ScaleOf],
                                                 "can_override": user_can(request.user, "manage_org", org)})


@login_required
def star_scale(request, org_pk, of):
    """A 党委 sets where each star begins for its subtree (or returns to the scale from above)."""
    org = _org(request, org_pk, "manage_org")
    if of not in ScaleOf.values:
        raise Http404
    current = engine.Scales(of).for_path(org.path)
    existing = StarScale.objects.filter(organization=org, of=of).first()
    instance = existing or StarScale(organization=org, of=of, one=current.one, two=current.two, three=current.three,
                                     four=current.four, five=current.five,
                                     basis=_("%(org)s 的规定") % {"org": org.name})
    return override_rule(request, org=org, form=StarScaleForm(request.POST or None, instance=instance),
                         existing=existing, title=_("%(of)s标准") % {"of": instance.get_of_display()},
                         back=reverse("points:rules", args=[org.pk]))


@login_required
def override(request, org_pk, rule_pk):
    org = _org(request, org_pk, "manage_org")
    engine.defaults_present()
    base = get_object_or_404(PointRule.objects.visible_to(request.user), pk=rule_pk)
    existing = PointRule.objects.filter(organization=org, source=base.source, meeting_kind=base.meeting_kind,
                                        manual_category=base.manual_category).first()
    instance = existing or PointRule(organization=org, source=base.source, meeting_kind=base.meeting_kind,
                                     manual_category=base.manual_category, item=base.item, category=base.category,
                                     points=base.points, cap=base.cap, cap_period=base.cap_period,
                                     enabled=base.enabled, needs_evidence=base.needs_evidence,
                                     committee_from=base.committee_from, basis=_("%(org)s 的规定") % {"org": org.name})
    return override_rule(request, org=org, form=PointRuleOverrideForm(request.POST or None, instance=instance),
                         existing=existing, title=instance.item, back=reverse("points:rules", args=[org.pk]))


@login_required
def propose(request, pk):
    """A manual item for a member, by someone who may change the member's records; it counts once approved."""
    member = get_object_or_404(Member.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)
    form = ManualItemForm(request.POST or None, request.FILES or None, org=member.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = services.propose(member=member, by=request.user, category=data["category"], points=data["points"],
                                on=data["on"], reason=data["reason"], evidence=data.get("evidence"))
        messages.success(request, _("已申报，待审批后计入积分"))
        return redirect("points:item", item.pk)
    return render(request, "points/propose.html", {"member": member, "form": form, "rules": form.rules.values()})


def _item(request, pk):
    return get_object_or_404(ManualItem.objects.visible_to(request.user)
                             .select_related("member__organization", "proposed_by", "decided_by"), pk=pk)


@login_required
def item(request, pk):
    """One manual item: what, why, the evidence, and — for those who may — the decision."""
    it = _item(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not services.may_decide(request.user, it):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide(item=it, by=request.user, approve=request.POST.get("decision") == "approve",
                                note=form.cleaned_data["note"])
            except ValidationError as e:
                messages.error(request, e.messages[0])
            else:
                messages.success(request, _("已审批：%(s)s") % {"s": it.get_status_display()})
            return redirect("points:item", it.pk)
    return render(request, "points/item.html", {
        "item": it, "form": form, "may_decide": it.status == ItemStatus.PENDING and services.may_decide(request.user, it),
        "own_proposal": it.proposed_by_id == request.user.pk})


@login_required
def evidence(request, pk):
    """Evidence goes out through the scope check, like every upload."""
    return serve_upload(_item(request, pk).evidence)


@login_required
def approvals(request, org_pk):
    """Pending items under an organization, oldest first, marking those this user may decide."""
    org = _org(request, org_pk)
    pending = list(ManualItem.objects.visible_to(request.user).filter(
        status=ItemStatus.PENDING, member__organization__path__startswith=org.path)
        .select_related("member__organization", "proposed_by").order_by("proposed_at")[:200])
    for it in pending:
        it.decidable = services.may_decide(request.user, it)
    decided = (ManualItem.objects.visible_to(request.user).exclude(status=ItemStatus.PENDING)
               .filter(member__organization__path__startswith=org.path)
               .select_related("member", "decided_by").order_by("-decided_at")[:20])
    return render(request, "points/approvals.html", {"org": org, "pending": pending, "decided": decided})


@login_required
@require_POST
def publish(request, org_pk):
    org = _org(request, org_pk, CHANGE)
    year, quarter = YearForm(request.POST).period()
    query = f"?year={year}" + (f"&quarter={quarter}" if quarter else "")
    try:
        services.publish(org=org, year=year, quarter=quarter, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as e:
        messages.error(request, e.messages[0])
        return redirect(reverse("points:board", args=[org.pk]) + query)
    messages.success(request, _("已公示%(p)s积分，本组织党员可以查看") % {"p": period_label(year, quarter)})
    return redirect(reverse("points:published", args=[org.pk]) + query)


@login_required
@require_POST
def publish_branches(request, org_pk):
    """A 党委's year-end 评星: every branch under it that has not published the year, published at once."""
    org = _org(request, org_pk, CHANGE)
    year = YearForm(request.POST).chosen()
    n = services.publish_unpublished_branches(org=org, year=year, by=request.user)
    messages.success(request, _("已公示 %(n)d 个党支部的 %(y)s 年度积分") % {"n": n, "y": year})
    return redirect(f"{reverse('points:groups', args=[org.pk])}?year={year}")


@login_required
def published(request, org_pk):
    """What the organization published for the year — the frozen figures, and "变动" where the records have
    changed them since. Members of the organization read it; it is the board they are shown."""
    form = YearForm(request.GET or None)
    year, quarter = form.period()
    period = {"form": form, "year": year, "quarter": quarter, "with_quarter": True, "period": period_label(year, quarter)}
    publication = (Publication.objects.visible_to(request.user).filter(organization_id=org_pk, year=year, quarter=quarter)
                   .select_related("organization", "published_by").first())
    if publication is None:
        org = _org(request, org_pk)  # 404 outside scope; in scope: nothing published for that period yet
        return render(request, "points/published.html", {"org": org, "publication": None, **period})
    results = list(publication.results.all())
    now = engine.year_points(Member.objects.filter(pk__in=[r.member_id for r in results]), year,
                             until=engine.quarter_end(year, quarter))
    for r in results:
        r.now = now.get(r.member_id, 0)
        r.changed = r.now != r.points
    mine = own_record(request.user)
    return render(request, "points/published.html", {
        "org": publication.organization, "publication": publication, "results": results, **period,
        "mine": mine["pk"] if mine else None, "sees_now": user_can(request.user, "view", publication.organization),
        "history": Publication.objects.filter(organization=publication.organization, year=year, quarter=quarter)[1:10]})


@login_required
def group_ranking(request, org_pk):
    """星级党小组: the groups under an organization ranked by their published year — inside a branch, or across a
    whole company for a 党委."""
    org = _org(request, org_pk)
    form, year = _year(request)
    rows = groups.ranking(groups.groups_under(org, request.user), year)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    step = Organization.steplen
    branches = dict(Organization.objects.filter(path__in={r.group.path[:-step] for r in page.object_list})
                    .values_list("path", "name"))
    for r in page.object_list:
        r.branch = branches.get(r.group.path[:-step], "")
    return render(request, "points/groups.html", {"org": org, "form": form, "year": year, "page": page,
                                                  "total": len(rows), "query": f"year={year}",
                                                  "scale": engine.Scales(ScaleOf.GROUP).for_path(org.path),
                                                  "can_publish": org.kind != OrgKind.BRANCH and user_can(request.user, CHANGE, org)})


@login_required
def branches(request, org_pk):
    """各支部积分: the branches under a 党委 side by side — published or not, their members' stars as published —
    with the distribution drawn per branch."""
    org = _org(request, org_pk)
    form, year = _year(request)
    under = (Organization.objects.visible_to(request.user)
             .filter(path__startswith=org.path, kind=OrgKind.BRANCH).order_by("path"))
    page = Paginator(under, 50).get_page(request.GET.get("page"))
    rows = groups.branch_overview(list(page.object_list), year)
    labels = [_("不合格")] + ["★" * n for n in range(1, 6)]
    colors = ["#9e9e9e", "#f3c9a8", "#eda36f", "#e0763c", "#d0492a", "#c8161d"]
    shown = [r for r in rows if r.publication]
    chart = {"tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}}, "legend": {"top": 0, "type": "scroll"},
             "grid": {"left": 10, "right": 20, "top": 36, "bottom": 10, "containLabel": True},
             "xAxis": {"type": "value", "minInterval": 1},
             "yAxis": {"type": "category", "inverse": True, "data": [r.branch.name for r in shown]},
             "series": [{"name": label, "type": "bar", "stack": "stars", "itemStyle": {"color": color},
                         "data": [r.by_stars[n] for r in shown]} for n, (label, color) in enumerate(zip(labels, colors))]}
    return render(request, "points/branches.html", {
        "org": org, "form": form, "year": year, "page": page, "rows": rows, "chart": chart, "labels": labels,
        "chart_height": 60 + 28 * len(shown), "published": len(shown), "query": f"year={year}",
        "can_publish": org.kind != OrgKind.BRANCH and user_can(request.user, CHANGE, org)})
