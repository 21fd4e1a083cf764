import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core.views import form_errors_text
from dangjian.core.scope import grant_paths, own_record, user_can
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

from . import services
from .forms import CourseForm, FeedbackForm, MaterialForm, TrainingClassForm
from .models import Course, CourseAttendance, Enrolment, FeedbackReceipt, Material, TrainingClass

CHECKIN_MAX_AGE = 120


@login_required
def index(request):
    top = Organization.objects.visible_to(request.user).order_by("depth", "path").first()
    if top is None or not (request.user.is_superuser or grant_paths(request.user, "view")):
        return redirect("learning:me")
    return redirect("learning:classes", top.pk)


def _year(request):
    try:
        return min(max(int(request.GET.get("year") or timezone.localdate().year), 2000), 2100)
    except ValueError:
        return timezone.localdate().year


@login_required
def classes(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    found = (TrainingClass.objects.visible_to(request.user).filter(organization__path__startswith=org.path)
             .select_related("organization").annotate(n_courses=Count("courses", distinct=True),
                                                      n_enrolled=Count("enrolments", distinct=True)))
    return render(request, "learning/classes.html", {
        "org": org, "classes": found[:200], "can_add": user_can(request.user, CHANGE, org),
        "in_tree": user_can(request.user, "view", org)})


@login_required
def class_new(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_pk)
    today = timezone.localdate()
    form = TrainingClassForm(request.POST or None, instance=TrainingClass(organization=org, starts_on=today, ends_on=today),
                             user=request.user, organizer=org)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.create_class(training_class=form.save(commit=False), by=request.user,
                                      audience_orgs=form.cleaned_data["audience_codes"])
        except ValidationError as e:
            for f, errs in e.message_dict.items():
                form.add_error(f if f in form.fields else None, errs)
        else:
            n = services.enrol_audience(c)
            messages.success(request, _("已创建培训班，%(n)d 人已报名") % {"n": n})
            return redirect(c)
    return render(request, "learning/form.html", {"form": form, "org": org, "title": _("新建培训班")})


@login_required
def class_detail(request, pk):
    c = get_object_or_404(TrainingClass.objects.visible_to(request.user).select_related("organization", "agreement"), pk=pk)
    can_change = user_can(request.user, CHANGE, c.organization)
    courses = c.courses.annotate(n=Count("attendance"))
    feedback = c.feedback.aggregate(n=Count("pk"), rating=Avg("rating"), content=Avg("content_rating"))
    return render(request, "learning/class.html", {
        "c": c, "courses": courses, "can_change": can_change, "feedback": feedback,
        "comments": [f.comment for f in c.feedback.exclude(comment="")],
        "enrolled": c.enrolments.count(), "materials": c.materials.all(), "audience_orgs": c.audience_orgs.all(),
        "course_form": CourseForm(initial={"held_on": c.starts_on}) if can_change else None,
        "material_form": MaterialForm() if can_change else None})


def _changeable_class(request, pk):
    return get_object_or_404(TrainingClass.objects.visible_to(request.user, CHANGE), pk=pk)


@login_required
@require_POST
def add_course(request, pk):
    c = _changeable_class(request, pk)
    form = CourseForm(request.POST)
    if form.is_valid():
        try:
            services.add_course(training_class=c, **form.cleaned_data)
            messages.success(request, _("已添加课程"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(c)


@login_required
@require_POST
def enrol(request, pk):
    c = _changeable_class(request, pk)
    n = services.enrol_audience(c)
    messages.success(request, _("已按培训对象报名：共 %(n)d 人") % {"n": n})
    return redirect(c)


@login_required
@require_POST
def add_material(request, pk):
    c = _changeable_class(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["file"]
        Material.objects.create(training_class=c, file=f, name=f.name[:200])
        messages.success(request, _("已上传材料"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(c)


@login_required
def material(request, pk):
    """A class's material goes to those who see the class and to its enrolled members."""
    from dangjian.core.files import serve_upload

    m = get_object_or_404(Material.objects.select_related("training_class"), pk=pk)
    mine = own_record(request.user)
    enrolled = mine and Enrolment.objects.filter(training_class=m.training_class_id, member=mine["pk"]).exists()
    if not (enrolled or TrainingClass.objects.visible_to(request.user).filter(pk=m.training_class_id).exists()):
        raise Http404
    return serve_upload(m.file, filename=m.name)


@login_required
def course(request, pk):
    """The attendance sheet of a course (the enrolled, ticked who came) and its sign-in code."""
    course = get_object_or_404(Course.objects.visible_to(request.user).select_related("training_class__organization"), pk=pk)
    can_change = user_can(request.user, CHANGE, course.training_class.organization)
    if request.method == "POST":
        if not can_change:
            raise Http404
        try:
            n = services.mark_attendance(course=course, present=request.POST.getlist("present"),
                                         among=Member.objects.visible_to(request.user).values("pk"))
            messages.success(request, _("已保存出勤：%(n)d 人") % {"n": n})
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        return redirect("learning:course", course.pk)
    present = dict(course.attendance.values_list("member_id", "checked_in_at"))
    enrolled = Member.objects.filter(enrolments__training_class=course.training_class_id)
    people = enrolled.visible_to(request.user).select_related("organization").order_by("organization__path",
                                                                                         "name_initials", "name")
    people = [(m, m.pk in present, present.get(m.pk)) for m in people]
    return render(request, "learning/course.html", {
        "course": course, "people": people, "others": enrolled.count() - len(people),
        "can_change": can_change, "today": timezone.localdate()})


def checkin_link(request, course):
    c = course.training_class
    if not c.checkin_token:
        c.checkin_token = secrets.token_urlsafe(16)
        c.save(update_fields=["checkin_token"])
    token = signing.TimestampSigner(salt="learning.checkin").sign_object({"c": course.pk, "k": c.checkin_token})
    return request.build_absolute_uri(reverse("learning:checkin", args=[token]))


@login_required
def course_qr(request, pk):
    import segno

    course = get_object_or_404(Course.objects.visible_to(request.user, CHANGE).select_related("training_class"), pk=pk)
    url = checkin_link(request, course)
    return render(request, "learning/qr.html", {"course": course, "url": url,
                                                "svg": segno.make(url, error="m").svg_inline(scale=8, dark="#1f2329")})


def _course_of(token):
    try:
        data = signing.TimestampSigner(salt="learning.checkin").unsign_object(token, max_age=CHECKIN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return (Course.objects.filter(pk=data.get("c"), training_class__checkin_token=data.get("k") or "\0")
            .select_related("training_class").first())


@login_required
def checkin(request, token):
    """A member scanned the course's code: the page names the course only to the enrolled; signing in is a POST."""
    course = _course_of(token)
    mine = own_record(request.user)
    member = Member.objects.filter(pk=mine["pk"]).first() if mine else None
    problem = None
    if course is None:
        problem = _("签到二维码已失效，请扫描屏幕上的最新二维码")
    elif member is None:
        problem = _("当前账号未关联党员档案，无法签到")
    elif not Enrolment.objects.filter(training_class=course.training_class_id, member=member).exists():
        problem = _("您未报名参加本培训班")
    done = False
    if request.method == "POST" and problem is None:
        try:
            services.check_in(course=course, member=member)
            done = True
        except ValidationError as e:
            problem = "；".join(e.messages)
    return render(request, "learning/checkin.html", {"course": course if problem is None else None, "problem": problem,
                                                     "done": done})


@login_required
def hours(request, org_pk):
    """Training hours against the yearly minimums: per member for a branch (the shortfall listed for the secretary),
    per organization below for a 党委; Excel with ?format=xlsx."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if not user_can(request.user, "view", org):
        raise Http404
    year = _year(request)
    members = Member.objects.visible_to(request.user).filter(organization__path__startswith=org.path)
    rows = services.with_hours(members, year).select_related("organization").order_by("-shortfall", "name_initials", "name")
    if request.GET.get("format") == "xlsx":
        from dangjian.core.ledgers import ledger_response

        if not user_can(request.user, "export", org):
            raise Http404
        return ledger_response(f"{org.name}{year}年党员教育培训学时", ["姓名", "所在组织", "学时", "应达", "差额"],
                               [[m.name, m.organization.name, m.hours, m.minimum, m.shortfall] for m in rows])
    rollup = services.rollup(org, members, year) if org.kind != OrgKind.BRANCH else []
    listed = list(rows[:300]) if org.kind in (OrgKind.BRANCH, OrgKind.GROUP) or not rollup else []
    return render(request, "learning/hours.html", {
        "org": org, "year": year, "rows": listed, "rollup": rollup,
        "short": rows.filter(shortfall__gt=0).count() if org.kind == OrgKind.BRANCH else None,
        "can_export": user_can(request.user, "export", org)})


@login_required
def me(request):
    """我的学习: this year's hours against my minimum, my classes with their courses, feedback to give."""
    mine = own_record(request.user)
    year = _year(request)
    if mine is None:
        return render(request, "learning/me.html", {"member": None, "year": year})
    member = services.with_hours(Member.objects.filter(pk=mine["pk"]), year).select_related("organization").first()
    if member is None:  # joined after the year asked for
        return render(request, "learning/me.html", {"member": None, "year": year})
    enrolments = (Enrolment.objects.filter(member=mine["pk"]).select_related("training_class__organization")
                  .prefetch_related("training_class__courses", "training_class__materials")
                  .order_by("-training_class__starts_on"))
    attended = set(CourseAttendance.objects.filter(member=mine["pk"]).values_list("course_id", flat=True))
    given = set(FeedbackReceipt.objects.filter(member=mine["pk"]).values_list("training_class_id", flat=True))
    classes = []
    for e in enrolments[:30]:
        courses = list(e.training_class.courses.all())
        went = [c for c in courses if c.pk in attended]
        classes.append((e.training_class, courses, went, bool(went) and e.training_class_id not in given))
    from . import quiz
    from .models import Contest

    now = timezone.now()
    contests = [c for c in Contest.objects.filter(organization__path__in=_prefixes(member.organization.path),
                                                  closes_at__gt=now - datetime.timedelta(days=30))
                .select_related("organization").order_by("-opens_at")[:10] if quiz.may_take(c, member)]
    best = {}
    for a in member.attempts.filter(submitted_at__isnull=False, contest__in=contests).order_by("-score"):
        best.setdefault(a.contest_id, a)
    return render(request, "learning/me.html", {"member": member, "year": year, "classes": classes,
                                                "feedback_form": FeedbackForm(), "now": now,
                                                "contests": [(c, best.get(c.pk)) for c in contests]})


def _prefixes(path):
    from dangjian.core.rulebook import prefixes

    return prefixes(path)


@login_required
@require_POST
def feedback(request, pk):
    mine = own_record(request.user)
    enrolment = Enrolment.objects.filter(training_class=pk, member=mine["pk"] if mine else None).select_related(
        "training_class", "member").first()
    if enrolment is None:
        raise Http404
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.give_feedback(training_class=enrolment.training_class, member=enrolment.member, **form.cleaned_data)
            messages.success(request, _("感谢您的评价"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    else:
        messages.error(request, _("请选择评分"))
    return redirect("learning:me")


