"""党务实操 and 党建论坛: procedures as data (the shipped four, or a company's own version — nearest wins), the guided
checklist on a real meeting's record, drills scored step by step, and the forum's comments and one vote each."""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Sum
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.core.rulebook import prefixes
from dangjian.core.scope import user_can

from .models import (DEFAULT_PROCEDURES, AgendaKind, BestVote, DrillScore, ForumComment, MeetingStep, Procedure,
                     ProcedureStep)


def ensure_default_procedures(Procedure=Procedure, ProcedureStep=ProcedureStep):
    """The four shipped procedures (the data migration calls this with its historical models)."""
    for code, name, basis, kind, steps in DEFAULT_PROCEDURES:
        p, created = Procedure.objects.get_or_create(organization=None, code=code,
                                                     defaults={"name": name, "basis": basis, "meeting_kind": kind})
        if created:
            ProcedureStep.objects.bulk_create(ProcedureStep(procedure=p, order=i, title=t, standard=s, source=src)
                                              for i, (t, s, src) in enumerate(steps, 1))


def procedures_for(org):
    """{code: procedure} applying to `org`: its own or its nearest ancestor's version, else the default."""
    if not Procedure.objects.filter(organization__isnull=True).exists():
        ensure_default_procedures()
    best = {}
    for p in Procedure.objects.filter(organization__path__in=prefixes(org.path)).select_related("organization"):
        if p.code not in best or p.organization.depth > best[p.code].organization.depth:
            best[p.code] = p
    for p in Procedure.objects.filter(organization__isnull=True):
        best.setdefault(p.code, p)
    return dict(sorted(best.items()))


def procedure_for_meeting(meeting):
    return next((p for p in procedures_for(meeting.organization).values() if p.meeting_kind == meeting.kind), None)


def check_step(*, meeting, step, by):
    """Tick a step of the meeting's procedure (by someone who may change the meeting); twice is once."""
    if not user_can(by, CHANGE, meeting.organization):
        raise PermissionDenied
    procedure = procedure_for_meeting(meeting)
    if procedure is None or step.procedure_id != procedure.pk:
        raise ValidationError(_("该步骤不属于本次会议适用的程序"))
    return MeetingStep.objects.get_or_create(meeting=meeting, step=step, defaults={"by": by})[0]


@transaction.atomic
def score_drill(*, drill, by, scores):
    """An assessor's scores for every step of the drill ({step id: (score 0–10, comment)}); an assessor scores once
    and never their own drill."""
    if drill.performer.user_id == by.pk:
        raise ValidationError(_("演练人不能给自己评分"))
    steps = {s.pk: s for s in drill.procedure.steps.all()}
    if set(scores) != set(steps):
        raise ValidationError(_("请为每一个步骤评分"))
    if any(not 0 <= score <= 10 for score, _c in scores.values()):
        raise ValidationError(_("每步得分应在 0 至 10 之间"))
    if DrillScore.objects.filter(drill=drill, assessor=by).exists():
        raise ValidationError(_("您已为本次演练评分"))
    DrillScore.objects.bulk_create(DrillScore(drill=drill, step=steps[pk], assessor=by, score=score, comment=comment[:200])
                                   for pk, (score, comment) in scores.items())


def with_results(drills):
    """Drills annotated with their percentage in the same query (the list pages): the steps' total averaged over
    assessors, against 10 a step."""
    from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery
    from django.db.models.functions import Coalesce, NullIf

    steps = (ProcedureStep.objects.filter(procedure=OuterRef("procedure")).order_by().values("procedure")
             .annotate(n=Count("pk")).values("n"))
    return drills.annotate(
        n_assessors=Count("scores__assessor", distinct=True), total=Coalesce(Sum("scores__score"), 0),
        n_steps=Subquery(steps)).annotate(percent=ExpressionWrapper(
            F("total") * Decimal(10) / NullIf(F("n_assessors") * F("n_steps"), 0),
            output_field=DecimalField(max_digits=6, decimal_places=1)))


def drill_result(drill):
    """(assessors, percentage: the steps' total averaged over assessors against 10 a step, per-step averages)."""
    n_steps = drill.procedure.steps.count()
    assessors = drill.scores.values("assessor").distinct().count()
    total = drill.scores.aggregate(t=Sum("score"))["t"] or 0
    percent = (Decimal(total) * 10 / (assessors * n_steps)).quantize(Decimal("0.1")) if assessors and n_steps else None
    per_step = dict(drill.scores.order_by().values("step").annotate(a=Avg("score")).values_list("step", "a"))
    return assessors, percent, per_step


def comment(*, item, by, text):
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写发言内容"))
    return ForumComment.objects.create(item=item, user=by, text=text[:500])


def vote(*, session, item, by, today):
    """One vote per participant for the best 述职 report, until the voting closes."""
    if item.session_id != session.pk or item.kind != AgendaKind.REPORT:
        raise ValidationError(_("只能评选本次论坛的书记述职"))
    if session.voting_closes_on and today > session.voting_closes_on:
        raise ValidationError(_("评选已于 %(d)s 截止") % {"d": session.voting_closes_on})
    try:
        with transaction.atomic():
            return BestVote.objects.create(session=session, item=item, user=by)
    except IntegrityError:
        raise ValidationError(_("每人只能投一票，您已投过")) from None


def tally(session):
    return dict(session.votes.order_by().values("item").annotate(n=Count("pk")).values_list("item", "n"))
