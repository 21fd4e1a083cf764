"""知识竞赛: the question bank's rules, drawing an attempt, scoring it, and the leaderboards.

Everything that decides a score happens on the server: the questions and the order of their options are drawn when
an attempt starts and stored with it; the deadline is fixed then (the time limit, or the contest's close if sooner);
a submission after it, a second submission, or answers to other questions than those drawn is refused with a reason."""
import datetime
import random
import string
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Attempt, Contest, Question, QuestionKind

LETTERS = string.ascii_uppercase[:8]
GRACE = datetime.timedelta(seconds=30)  # the phone's network on submit, never more
TRUE, FALSE = "对", "错"


def check_question(kind, text, options, answer):
    """{field: message} for a question that cannot be asked as written (used by the form and the import alike)."""
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("请填写题目")
    answer = (answer or "").strip().upper() if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else (answer or "").strip()
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if not 2 <= len(options) <= len(LETTERS):
            errors["options"] = _("选择题须有 2 至 8 个选项")
        allowed = LETTERS[:len(options)]
        letters = answer.replace(",", "").replace("，", "").replace(" ", "")
        if not letters or any(c not in allowed for c in letters) or len(set(letters)) != len(letters):
            errors["answer"] = _("答案须为选项字母（%(a)s）") % {"a": "、".join(allowed) or "A、B"}
        elif kind == QuestionKind.SINGLE and len(letters) != 1:
            errors["answer"] = _("单选题只能有一个答案")
        elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
            errors["answer"] = _("多选题至少有两个答案")
    elif kind == QuestionKind.TRUE_FALSE:
        if answer not in (TRUE, FALSE, "√", "×", "正确", "错误"):
            errors["answer"] = _("判断题答案填“对”或“错”")
    elif kind == QuestionKind.FILL:
        if not answer:
            errors["answer"] = _("请填写答案（多个可接受答案用 | 分隔）")
    else:
        errors["kind"] = _("题型应为：单选题、多选题、判断题、填空题")
    return errors


def normalized_answer(kind, answer):
    answer = (answer or "").strip()
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "".join(sorted(answer.upper().replace(",", "").replace("，", "").replace(" ", "")))
    if kind == QuestionKind.TRUE_FALSE:
        return TRUE if answer in (TRUE, "√", "正确") else FALSE
    return answer


def is_right(question, given):
    if given in (None, ""):
        return False
    if question.kind == QuestionKind.FILL:
        accepted = {a.strip() for a in question.answer.split("|") if a.strip()}
        return given.strip() in accepted
    return normalized_answer(question.kind, given) == question.answer


def draw(contest, rng=random):
    """The questions of one attempt: the fixed list shuffled, or `random_count` drawn from the organizer's bank
    (its subtree's questions) by tag and difficulty."""
    if contest.random_count:
        pool = Question.objects.filter(organization__path__startswith=contest.organization.path)
        if contest.random_tag:
            pool = pool.filter(tags__contains=contest.random_tag)
        if contest.random_difficulty:
            pool = pool.filter(difficulty=contest.random_difficulty)
        ids = list(pool.values_list("pk", flat=True))
        return rng.sample(ids, min(contest.random_count, len(ids)))
    ids = list(contest.questions.values_list("pk", flat=True))
    rng.shuffle(ids)
    return ids


def may_take(contest, member):
    """A member of the organizer's subtree, on the roll."""
    return member is not None and member.ended_on is None and member.organization.path.startswith(contest.organization.path)


@transaction.atomic
def start(*, contest, member, now=None, rng=random):
    """Start an attempt — or return the one still running. Refused before the opening, after the close, or when the
    attempts are used up."""
    now = now or timezone.now()
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if not may_take(contest, member):
        raise ValidationError(_("本竞赛面向%(o)s的党员") % {"o": contest.organization.name})
    if now < contest.opens_at:
        raise ValidationError(_("竞赛尚未开始（%(t)s 开始）") % {"t": timezone.localtime(contest.opens_at).strftime("%Y-%m-%d %H:%M")})
    if now >= contest.closes_at:
        raise ValidationError(_("竞赛已截止"))
    mine = Attempt.objects.filter(contest=contest, member=member)
    running = mine.filter(submitted_at__isnull=True, deadline__gt=now).first()
    if running:
        return running
    if mine.count() >= contest.attempts:
        raise ValidationError(_("您已作答 %(n)d 次，本竞赛最多可作答 %(n)d 次") % {"n": contest.attempts})
    order = draw(contest, rng)
    if not order:
        raise ValidationError(_("本竞赛还没有题目"))
    questions = {q.pk: q for q in Question.objects.filter(pk__in=order)}
    shuffles = {}
    for pk in order:
        n = len(questions[pk].options) if questions[pk].kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else 0
        if n:
            perm = list(range(n))
            rng.shuffle(perm)
            shuffles[str(pk)] = perm
    deadline = min(now + datetime.timedelta(minutes=contest.time_limit), contest.closes_at)
    return Attempt.objects.create(contest=contest, member=member, organization=member.organization, started_at=now,
                                  deadline=deadline, order=order, shuffles=shuffles)


def shown(attempt):
    """[(question, [(shown letter, option text)])] in the attempt's order, the options in its drawn order."""
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.order)}
    out = []
    for pk in attempt.order:
        q = questions.get(pk)
        if q is None:
            continue
        perm = attempt.shuffles.get(str(pk), [])
        out.append((q, [(LETTERS[i], q.options[orig]) for i, orig in enumerate(perm)]))
    return out


def as_shown(attempt, question, letters):
    """Letters in the question's original order → the letters this attempt showed (what the member saw)."""
    perm = attempt.shuffles.get(str(question.pk))
    if not perm or question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return letters
    position = {orig: i for i, orig in enumerate(perm)}
    return "".join(sorted(LETTERS[position[LETTERS.index(c)]] for c in letters if c in LETTERS[:len(perm)]))


@transaction.atomic
def submit(*, attempt, given, now=None):
    """Score an attempt. `given`: {question id (str): the shown letters / 对错 / text}. Refused: a second submission,
    after the deadline, or answers naming questions this attempt did not draw (a tampered form)."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.submitted_at is not None:
        raise ValidationError(_("本次作答已提交，不能重复提交"))
    if now > attempt.deadline + GRACE:
        raise ValidationError(_("已超过答题时限（%(t)s 截止），本次作答未计分") % {
            "t": timezone.localtime(attempt.deadline).strftime("%H:%M:%S")})
    drawn = {str(pk) for pk in attempt.order}
    if set(given) - drawn:
        raise ValidationError(_("提交的题目与本次抽取的题目不一致，未计分"))
    questions = {str(q.pk): q for q in Question.objects.filter(pk__in=attempt.order)}
    answers, correct = {}, 0
    for key, value in given.items():
        q = questions[key]
        value = (value or "").strip()
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            perm = attempt.shuffles.get(key, [])
            letters = value.upper().replace(",", "")
            if any(c not in LETTERS[:len(perm)] for c in letters):
                raise ValidationError(_("提交的选项与本次题目不一致，未计分"))
            value = "".join(sorted(LETTERS[perm[LETTERS.index(c)]] for c in set(letters)))
        answers[key] = value
        correct += is_right(q, value)
    total = len(attempt.order)
    attempt.answers, attempt.correct, attempt.total = answers, correct, total
    attempt.score = (Decimal(100) * correct / total).quantize(Decimal("0.1")) if total else Decimal(0)
    attempt.submitted_at = now
    attempt.seconds = max(0, int((min(now, attempt.deadline) - attempt.started_at).total_seconds()))
    attempt.save()
    return attempt


def best_attempts(contest):
    """Each member's best submitted attempt (highest score, then fastest, then first) as a queryset in leaderboard
    order — chosen in SQL (no better attempt of the same member exists), not by reading every attempt."""
    done = contest.attempt_set.filter(submitted_at__isnull=False)
    better = done.filter(member=OuterRef("member")).filter(
        Q(score__gt=OuterRef("score")) | Q(score=OuterRef("score"), seconds__lt=OuterRef("seconds"))
        | Q(score=OuterRef("score"), seconds=OuterRef("seconds"), pk__lt=OuterRef("pk")))
    return done.filter(~Exists(better)).select_related("member", "organization").order_by("-score", "seconds", "pk")


def team_board(contest):
    """By branch: members who took part, their average best score, the total time — one grouped query over the best
    attempts, ties broken by time."""
    from dangjian.orgs.models import Organization

    rows = (best_attempts(contest).order_by().values("organization")
            .annotate(n=Count("pk"), avg=Avg("score"), seconds=Sum("seconds")).values_list("organization", "n", "avg", "seconds"))
    orgs = Organization.objects.in_bulk([r[0] for r in rows])
    board = [(orgs[o], n, Decimal(avg).quantize(Decimal("0.1")), seconds) for o, n, avg, seconds in rows]
    return sorted(board, key=lambda r: (-r[2], r[3], r[0].path))


KIND_NAMES = {label: value for value, label in QuestionKind.choices} | {"单选": "single", "多选": "multiple", "判断": "truefalse",
                                                                       "填空": "fill"}
DIFFICULTY_NAMES = {"易": 1, "简单": 1, "中": 2, "中等": 2, "难": 3, "困难": 3, "1": 1, "2": 2, "3": 3}
HEADERS = ["题型", "题目"] + [f"选项{c}" for c in LETTERS] + ["答案", "标签", "难度", "解析"]


def save_question(question):
    """Check and normalize (答案 letters sorted, 对/错) before saving; a ValidationError names the field."""
    errors = check_question(question.kind, question.text, question.options, question.answer)
    if errors:
        raise ValidationError(errors)
    question.answer = normalized_answer(question.kind, question.answer)
    if question.kind == QuestionKind.TRUE_FALSE or question.kind == QuestionKind.FILL:
        question.options = []
    question.save()
    return question


def import_questions(fileobj, *, organization, commit=True):
    """The roster import's discipline: every row checked, row errors listed, nothing written unless all are right."""
    from dangjian.members.importer import ImportResult, RosterFileError, RowError, read_rows
    from dangjian.members.roster import cell_text

    result = ImportResult()
    _wb, header, rows = read_rows(fileobj)
    header = [cell_text(h) for h in (header or [])]
    missing = [h for h in ("题型", "题目", "答案") if h not in header]
    if missing:
        raise RosterFileError(_("表头缺少：%(h)s（请使用导入模板）") % {"h": "、".join(missing)})
    at = {h: header.index(h) for h in HEADERS if h in header}

    def cell(r, name):
        i = at.get(name)
        return cell_text(r[i]) if i is not None and i < len(r) else ""

    questions = []
    rows = [(n, r) for n, r in rows if any(cell_text(v) for v in r)]
    result.total_rows = len(rows)
    for n, r in rows:
        kind = KIND_NAMES.get(cell(r, "题型"))
        options = [cell(r, f"选项{c}") for c in LETTERS]
        while options and not options[-1]:
            options.pop()
        difficulty = DIFFICULTY_NAMES.get(cell(r, "难度") or "中")
        errors = check_question(kind, cell(r, "题目"), options, cell(r, "答案")) if kind else {
            "kind": _("题型应为：单选题、多选题、判断题、填空题")}
        if difficulty is None:
            errors["difficulty"] = _("难度填“易”“中”或“难”")
        if kind in ("single", "multiple") and "" in options:
            errors["options"] = _("选项不能有空缺（从选项A起连续填写）")
        names = {"kind": "题型", "text": "题目", "options": "选项", "answer": "答案", "difficulty": "难度"}
        for field_name, message in errors.items():
            result.errors.append(RowError(n, names.get(field_name, ""), message))
        if not errors:
            questions.append(Question(organization=organization, kind=kind, text=cell(r, "题目"), options=options,
                                      answer=normalized_answer(kind, cell(r, "答案")), tags=cell(r, "标签")[:100],
                                      difficulty=difficulty, explanation=cell(r, "解析")))
    if not rows:
        result.errors.append(RowError(0, "", _("文件中没有题目")))
    if result.errors or not commit:
        return result
    with transaction.atomic():
        for q in questions:
            if q.kind in ("truefalse", "fill"):
                q.options = []
        Question.objects.bulk_create(questions)
    result.created = len(questions)
    return result


def question_rows(questions):
    kinds = dict(QuestionKind.choices)
    difficulty = {1: "易", 2: "中", 3: "难"}
    for q in questions:
        options = list(q.options) + [""] * (len(LETTERS) - len(q.options))
        yield [str(kinds[q.kind]), q.text, *options, q.answer, q.tags, difficulty.get(q.difficulty, "中"), q.explanation]
