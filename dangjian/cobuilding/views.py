from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.files import serve_upload
from dangjian.core.scope import user_can

from . import progress, services
from .forms import ActivityForm, AgreementForm, OutputForm
from .models import Agreement, AgreementStatus, Category, Output, Party


def _agreement(request, pk, action="view"):
    return get_object_or_404(Agreement.objects.visible_to(request.user, action), pk=pk)


@login_required
def agreement_list(request):
    """Agreements in scope, 50 a page; searched by title or party, filtered by status (a group has thousands)."""
    agreements = Agreement.objects.visible_to(request.user)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        agreements = agreements.filter(Q(title__icontains=q) | Q(pk__in=Party.objects.filter(
            Q(organization__name__icontains=q) | Q(external__name__icontains=q)).values("agreement_id")))
    status = request.GET.get("status", "")
    if status in AgreementStatus.values:
        agreements = agreements.filter(status=status)
    page = Paginator(agreements.prefetch_related("parties__organization", "parties__external"), 50).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cobuilding/list.html", {"page": page, "agreements": page.object_list, "q": q,
                                                    "status": status, "statuses": AgreementStatus.choices,
                                                    "query": query.urlencode()})


@login_required
def create(request):
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("title", "level", "starts_on", "ends_on", "signed_on", "document")}
        try:
            agreement = services.create_agreement(by=request.user, fields=fields, organizations=form.cleaned_data["org_codes"],
                                                  externals=list(form.cleaned_data["externals"]), targets=form.cleaned_data["targets"])
        except ValidationError as e:
            form.add_error(None, e.messages[0])
        else:
            messages.success(request, _("已登记共建协议：%(t)s") % {"t": agreement.title})
            if agreement.unconfirmed_parties().exists():
                messages.info(request, _("协议须经各共建方确认后生效，在此之前不授予任何查阅权限"))
            return redirect(agreement)
    return render(request, "cobuilding/form.html", {"form": form})


@login_required
def detail(request, pk):
    agreement = _agreement(request, pk)
    can_change = Agreement.objects.visible_to(request.user, "manage_org").filter(pk=pk).exists()
    from dangjian.meetings.models import Meeting

    from .access import reviewable_q

    return render(request, "cobuilding/detail.html", {
        "reviewable": Meeting.objects.filter(reviewable_q(request.user)).filter(
            held_on__gte=agreement.starts_on, held_on__lte=agreement.ends_on).distinct().order_by("-held_on")[:20],
        "reviews": agreement.reviews.select_related("meeting", "reviewer_party__organization", "reviewer_party__external"),
        "agreement": agreement,
        "parties": agreement.parties.select_related("organization", "external"),
        "progress": progress.progress_for(agreement, timezone.localdate()),
        "activities": agreement.activities.prefetch_related("parties__organization", "parties__external", "photos"),
        "outputs": agreement.outputs.select_related("party__organization", "party__external"),
        "linkable": services.linkable_meetings(agreement, request.user) if can_change else [],
        "can_change": can_change,
        "confirmable": [p for p in agreement.unconfirmed_parties().select_related("organization")
                        if services.can_confirm(request.user, p)],
        "activity_form": ActivityForm(agreement=agreement), "output_form": OutputForm(agreement=agreement),
    })


@login_required
@require_POST
def add_activity(request, pk):
    agreement = _agreement(request, pk, "manage_org")
    form = ActivityForm(request.POST, request.FILES, agreement=agreement)
    if form.is_valid():
        data = dict(form.cleaned_data)
        parties, photo = list(data.pop("parties")), data.pop("photo")
        activity = services.record_activity(agreement=agreement, by=request.user, parties=parties, **data)
        if photo:
            activity.photos.create(file=photo, name=photo.name[:200])
        messages.success(request, _("已登记共建活动"))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect(agreement)


@login_required
@require_POST
def link_meeting(request, pk, meeting_pk):
    agreement = _agreement(request, pk, "manage_org")
    meeting = get_object_or_404(services.linkable_meetings(agreement, request.user), pk=meeting_pk)
    orgs = set(meeting.participations.values_list("organization_id", flat=True))
    parties = [p for p in agreement.parties.all() if p.organization_id in orgs]
    services.record_activity(agreement=agreement, by=request.user, parties=parties, meeting=meeting,
                             title=meeting.topic, held_on=meeting.held_on, category=Category.ACTIVITY,
                             summary=f"{meeting.get_kind_display()}（组织生活记录）")
    messages.success(request, _("已计入共建活动：%(m)s") % {"m": meeting.topic})
    return redirect(agreement)


@login_required
@require_POST
def add_output(request, pk):
    agreement = _agreement(request, pk, "manage_org")
    form = OutputForm(request.POST, request.FILES, agreement=agreement)
    if form.is_valid():
        Output.objects.create(agreement=agreement, **{k: v for k, v in form.cleaned_data.items() if k != "file"},
                              file=form.cleaned_data.get("file") or "")
        messages.success(request, _("已登记共建成果"))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect(agreement)


@login_required
@require_POST
def renew(request, pk):
    agreement = _agreement(request, pk, "manage_org")
    new = services.renew(agreement, by=request.user)
    messages.success(request, _("已生成下一年度的协议草稿，目标已复制"))
    return redirect(new)


@login_required
@require_POST
def review(request, meeting_pk):
    """Record a 观摩点评 on another party's meeting — allowed only through an in-force agreement."""
    from dangjian.meetings.models import Meeting

    from .access import reviewer_party_for
    from .models import Review

    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=meeting_pk)
    party = reviewer_party_for(request.user, meeting)
    if party is None:
        raise PermissionDenied
    try:
        rating = int(request.POST.get("rating", ""))
        comment = request.POST.get("comment", "").strip()
        if not 1 <= rating <= 5 or not comment:
            raise ValueError
    except ValueError:
        messages.error(request, _("请评分（1至5星）并填写点评意见"))
    else:
        Review.objects.create(agreement=party.agreement, reviewer_party=party, meeting=meeting, reviewer=request.user,
                              rating=rating, comment=comment)
        messages.success(request, _("已提交观摩点评"))
    return redirect(meeting)


@login_required
def overview(request):
    """All pairings in the user's scope: who is paired with whom, coverage of branches, agreements behind."""
    from .overview import overview_context

    return render(request, "cobuilding/overview.html", overview_context(request.user, timezone.localdate()))


@login_required
def evaluate(request, pk):
    from .models import AgreementStatus, Evaluation

    agreement = _agreement(request, pk, "manage_org")
    rows = progress.progress_for(agreement, timezone.localdate())
    met = sum(1 for r in rows if r.status == progress.MET)
    suggested = "excellent" if rows and met == len(rows) else "good" if met * 2 >= len(rows) else "fair"
    draft = "\n".join(f"{r.target.title}：完成 {r.count} 项，{r.label}" for r in rows)
    existing = Evaluation.objects.filter(agreement=agreement).first()
    if request.method == "POST":
        grade, summary = request.POST.get("grade"), request.POST.get("summary", "").strip()
        if grade not in dict(Evaluation._meta.get_field("grade").choices) or not summary:
            messages.error(request, _("请选择评价等次并填写评价意见"))
        else:
            Evaluation.objects.update_or_create(agreement=agreement, defaults={
                "grade": grade, "summary": summary, "evaluated_by": request.user})
            agreement.status = AgreementStatus.EVALUATED
            agreement.save(update_fields=["status"])
            messages.success(request, _("已完成年终评价"))
            return redirect(agreement)
    return render(request, "cobuilding/evaluate.html", {
        "agreement": agreement, "rows": rows, "grades": Evaluation._meta.get_field("grade").choices,
        "grade": existing.grade if existing else suggested, "summary": existing.summary if existing else draft})


@login_required
def edit(request, pk):
    from .models import AgreementStatus

    agreement = _agreement(request, pk, "manage_org")
    parties = list(agreement.parties.select_related("organization", "external__owner"))
    # A party edits its own contacts, not the other side's.
    for p in parties:
        owner = p.organization if p.organization_id else p.external.owner
        p.editable = owner is not None and user_can(request.user, "manage_org", owner)
    statuses = [(v, label) for v, label in AgreementStatus.choices
                if v != AgreementStatus.IN_FORCE or agreement.status == AgreementStatus.IN_FORCE]
    if request.method == "POST":
        status = request.POST.get("status")
        try:
            if status in AgreementStatus.values and status != agreement.status:
                services.set_status(agreement, status, by=request.user)
            doc = request.FILES.get("document")
            if doc:
                from dangjian.meetings.attachments import check_attachment

                check_attachment(doc)
                agreement.document = doc
        except ValidationError as e:
            messages.error(request, e.messages[0])
            return redirect("cobuilding:edit", agreement.pk)
        agreement.save()
        for p in parties:
            if not p.editable:
                continue
            p.contact = request.POST.get(f"contact_{p.pk}", p.contact)[:40]
            p.phone = request.POST.get(f"phone_{p.pk}", p.phone)[:30]
            p.save(update_fields=["contact", "phone"])
        messages.success(request, _("已保存"))
        return redirect(agreement)
    return render(request, "cobuilding/edit.html", {"agreement": agreement, "parties": parties, "statuses": statuses})


@login_required
@require_POST
def confirm(request, pk, party_pk):
    """A party's org admin (or a superior covering it) confirms the agreement for that party."""
    agreement = _agreement(request, pk)
    party = get_object_or_404(agreement.parties.select_related("organization"), pk=party_pk, confirmed_at__isnull=True)
    services.confirm_party(party=party, by=request.user)
    agreement.refresh_from_db()
    messages.success(request, _("已确认。") + (_("协议已生效") if agreement.status == "in_force" else _("待其他共建方确认")))
    return redirect(agreement)


@login_required
def document(request, pk):
    agreement = _agreement(request, pk)
    return serve_upload(agreement.document)


@login_required
def output_file(request, pk):
    output = get_object_or_404(Output, pk=pk)
    _agreement(request, output.agreement_id)  # 404 outside the agreement's parties
    return serve_upload(output.file)


@login_required
def photo(request, pk):
    from .models import ActivityPhoto

    p = get_object_or_404(ActivityPhoto.objects.select_related("activity"), pk=pk)
    _agreement(request, p.activity.agreement_id)
    return serve_upload(p.file, filename=p.name, as_attachment=False)
