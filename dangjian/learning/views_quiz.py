"""Pages of the 知识竞赛: the organizer's bank (add, import, export) and contests; the member's attempt on the phone."""
import datetime
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core.scope import own_record, user_can
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from . import quiz
from .forms import ContestForm, ImportForm, QuestionForm
from .models import Attempt, Contest, Question


def _xlsx(title, header, rows):
    from openpyxl import Workbook

    from dangjian.core.xlsx import text_row

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for r in rows:
        ws.append(text_row(ws, r))
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}"
    return response


@login_required
def bank(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if not user_can(request.user, "view", org):
        raise Http404
    can_change = user_can(request.user, CHANGE, org)
    form = QuestionForm(request.POST or None) if can_change else None
    result = None
    if request.method == "POST":
        if not can_change:
            raise Http404
        if "file" in request.FILES:
            from dangjian.members.importer import RosterFileError, check_upload

            upload = request.FILES["file"]
            try:
                check_upload(upload.name, upload.size)
                result = quiz.import_questions(upload, organization=org)
            except RosterFileError as e:
                messages.error(request, str(e))
            else:
                if result.ok:
                    messages.success(request, _("已导入 %(n)d 道题目") % {"n": result.created})
                    return redirect("learning:bank", org.pk)
        elif form.is_valid():
            d = form.cleaned_data
            try:
                quiz.save_question(Question(organization=org, kind=d["kind"], text=d["text"], options=d["options"],
                                            answer=d["answer"], tags=d["tags"], difficulty=d["difficulty"],
                                            explanation=d["explanation"]))
            except ValidationError as e:
                for f, errs in e.message_dict.items():
                    form.add_error(f if f in form.fields else None, errs)
            else:
                messages.success(request, _("已添加题目"))
                return redirect("learning:bank", org.pk)
    questions = Question.objects.visible_to(request.user).filter(organization__path__startswith=org.path)
    return render(request, "learning/bank.html", {
        "org": org, "questions": questions.order_by("-pk")[:100], "count": questions.count(), "form": form,
        "import_form": ImportForm() if can_change else None, "result": result, "can_change": can_change,
        "can_export": user_can(request.user, "export", org)})


@login_required
def bank_export(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, "export"), pk=org_pk)
    questions = Question.objects.visible_to(request.user).filter(organization__path__startswith=org.path).order_by("pk")
    return _xlsx(f"{org.name}题库", quiz.HEADERS, quiz.question_rows(questions))


@login_required
def bank_template(request):
    return _xlsx("题库导入模板", quiz.HEADERS, [
        ["单选题", "中国共产党第一次全国代表大会于哪一年召开？", "1919年", "1921年", "1927年", "1949年", "", "", "", "", "B",
         "党史", "易", "1921年7月中共一大召开"],
        ["判断题", "党支部是党的基础组织。", *[""] * 8, "对", "党章", "易", ""],
        ["填空题", "党的根本宗旨是全心全意为人民____。", *[""] * 8, "服务", "党章", "中", ""]])


@login_required
def contests(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if not user_can(request.user, "view", org):
        raise Http404
    visible = Contest.objects.visible_to(request.user)
    found = (visible.filter(organization__path__startswith=org.path)  # its own and those below, and the ones above
             | visible.filter(organization__path__in=[org.path[:i] for i in range(4, len(org.path), 4)]))
    found = found.select_related("organization").distinct()
    return render(request, "learning/contests.html", {"org": org, "contests": found[:100], "now": timezone.now(),
                                                      "can_add": user_can(request.user, CHANGE, org)})


@login_required
def contest_new(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_pk)
    bank_qs = Question.objects.visible_to(request.user).filter(organization__path__startswith=org.path).order_by("-pk")
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ContestForm(request.POST or None, bank=bank_qs,
                       instance=Contest(organization=org, created_by=request.user, opens_at=now,
                                        closes_at=now + datetime.timedelta(days=7)))
    if request.method == "POST" and form.is_valid():
        contest = form.save()
        messages.success(request, _("已创建竞赛：%(t)s") % {"t": contest.title})
        return redirect(contest)
    return render(request, "learning/form.html", {"form": form, "org": org, "title": _("新建知识竞赛")})


def _member(request):
    mine = own_record(request.user)
    return Member.objects.select_related("organization").filter(pk=mine["pk"]).first() if mine else None


def _contest(request, pk):
    """The contest for its organizer's scope, or for a member it is open to (their own taking part)."""
    contest = Contest.objects.select_related("organization").filter(pk=pk).first()
    if contest is None:
        raise Http404
    if Contest.objects.visible_to(request.user).filter(pk=pk).exists():
        return contest, _member(request)
    member = _member(request)
    if quiz.may_take(contest, member):
        return contest, member
    raise Http404


@login_required
def contest_detail(request, pk):
    contest, member = _contest(request, pk)
    now = timezone.now()
    mine = list(contest.attempt_set.filter(member=member).order_by("started_at")) if member else []
    may_take = member is not None and quiz.may_take(contest, member)
    running = next((a for a in mine if a.submitted_at is None and a.deadline > now), None)
    return render(request, "learning/contest.html", {
        "contest": contest, "mine": mine, "running": running, "now": now, "may_take": may_take,
        "left": contest.attempts - len(mine), "board": quiz.best_attempts(contest)[:50],
        "teams": quiz.team_board(contest) if contest.mode == "team" else [],
        "question_count": contest.random_count or contest.questions.count(),
        "can_change": user_can(request.user, CHANGE, contest.organization)})


@login_required
@require_POST
def start(request, pk):
    contest, member = _contest(request, pk)
    try:
        attempt = quiz.start(contest=contest, member=member)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect(contest)
    return redirect("learning:attempt", attempt.pk)


@login_required
def attempt(request, pk):
    """The member's own attempt: the drawn questions, the time left (the server's deadline), and once submitted the
    result with the right answers and explanations."""
    mine = own_record(request.user)
    a = get_object_or_404(Attempt.objects.select_related("contest__organization"), pk=pk,
                          member=mine["pk"] if mine else None)
    if request.method == "POST":
        given = {k[2:]: ("".join(request.POST.getlist(k)) if k.startswith("q_") else "")
                 for k in request.POST if k.startswith("q_")}
        try:
            quiz.submit(attempt=a, given=given)
            messages.success(request, _("已提交"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        return redirect("learning:attempt", a.pk)
    items = quiz.shown(a)
    answers = a.answers or {}
    reveal = a.submitted_at is not None or a.deadline <= timezone.now()
    shown = [(q, opts, quiz.as_shown(a, q, answers.get(str(q.pk), "")), quiz.is_right(q, answers.get(str(q.pk))) if reveal else None,
              quiz.as_shown(a, q, q.answer) if reveal else "")
             for q, opts in items]
    return render(request, "learning/attempt.html", {
        "a": a, "items": shown, "reveal": reveal,
        "seconds_left": max(0, int((a.deadline - timezone.now()).total_seconds()))})
