"""Recording the 发展党员 steps: each checked by checks.py before anything is written; the steps that move a person
to the next stage say so, and admission and conversion write the roster (the Member) in the same transaction."""
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.core.dates import add_months, add_years
from dangjian.core.scope import user_can
from dangjian.members import idcard
from dangjian.members.models import Member, Status
from dangjian.members.pinyin import initials_of

from . import checks
from .models import Candidate, StepRecord
from .steps import BY_CODE, NEEDS, STEPS, Stage


def done_of(candidate):
    done = {}
    for r in candidate.steps.order_by("done_on", "id").prefetch_related("people"):
        done.setdefault(r.step, []).append(r)
    return done


def done_of_prefetched(candidate):
    """The same from steps already prefetched (the daily reminders read every candidate's steps in one query)."""
    done = {}
    for r in sorted(candidate.steps.all(), key=lambda r: (r.done_on, r.pk)):
        done.setdefault(r.step, []).append(r)
    return done


def start(*, organization, name, id_number, applied_on, by, phone="", unit="", note=""):
    """A new 入党申请人 of a branch, with step 1 (递交入党申请书) recorded — checked like every step."""
    if not user_can(by, CHANGE, organization):
        raise PermissionDenied
    try:
        id_number = idcard.validate_id_number(id_number)
    except ValidationError as e:
        raise ValidationError({"id_number": e.messages}) from None
    candidate = Candidate(organization=organization, name=name.strip(), id_number=id_number, phone=phone, unit=unit,
                          created_by=by)
    errors = checks.problems(candidate, "application", {"done_on": applied_on}, {})
    if Member.objects.filter(id_number=id_number, ended_on__isnull=True).exists():
        errors["id_number"] = _("该身份证号已在党员名册中")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            candidate.save()
            StepRecord.objects.create(candidate=candidate, step="application", done_on=applied_on, note=note,
                                      recorded_by=by)
    except IntegrityError:
        raise ValidationError({"id_number": _("该同志已在发展过程中")}) from None
    return candidate


def record(*, candidate, code, data, by, today=None):
    """Record step `code` for `candidate` with `data` (done_on, ends_on, meeting, vote, people, days, hours,
    passed, note, attachment), or raise ValidationError {field: message} and write nothing."""
    if not user_can(by, CHANGE, candidate.organization):
        raise PermissionDenied
    if code not in BY_CODE or code == "application":
        raise ValidationError({"step": _("请选择步骤")})
    if candidate.stopped_on:
        raise ValidationError({"step": _("该同志的发展已终止")})
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().select_related("organization").get(pk=candidate.pk)
        done = done_of(candidate)
        errors = checks.problems(candidate, code, data, done, today)
        if errors:
            raise ValidationError(errors)
        step = BY_CODE[code]
        try:
            with transaction.atomic():
                row = StepRecord.objects.create(
                    candidate=candidate, step=code, done_on=data["done_on"], ends_on=data.get("ends_on"),
                    meeting=data.get("meeting"), vote=data.get("vote"), days=data.get("days"), hours=data.get("hours"),
                    passed=data.get("passed", True), note=data.get("note", ""), attachment=data.get("attachment") or "",
                    recorded_by=by)
        except IntegrityError:
            raise ValidationError({"vote": _("该表决已用于另一名同志（支部大会一次讨论一名）")}) from None
        if data.get("people"):
            row.people.set(data["people"])
        done.setdefault(code, []).append(row)
        if step.reaches:
            candidate.stage = step.reaches
            candidate.save(update_fields=["stage"])
        if code == "admission":
            _admit(candidate, row)
        if code == "conversion":
            _convert(candidate, done)
    return row


def stop(*, candidate, on, reason, by):
    """终止发展: the branch ends a person's candidacy (withdrawn, not admitted, moved away…) with a date and a reason;
    the file and its steps stay on record. A 预备党员 is not stopped here: that is the roster's 取消预备党员资格."""
    if not user_can(by, CHANGE, candidate.organization):
        raise PermissionDenied
    errors = {}
    if candidate.member_id:
        errors["reason"] = _("已接收为预备党员，请在党员档案中办理")
    if not (reason or "").strip():
        errors["reason"] = _("请写明终止原因")
    if on is None or on > timezone.localdate():
        errors["on"] = _("日期不能为空或晚于今天")
    if errors:
        raise ValidationError(errors)
    Candidate.objects.filter(pk=candidate.pk).update(stopped_on=on, stop_reason=reason.strip()[:200])


def _admit(candidate, row):
    """支部大会 admitted the candidate: the roster gains a 预备党员 whose 入党日期 is the meeting's date."""
    number = candidate.id_number
    member = Member(name=candidate.name, name_initials=initials_of(candidate.name), gender=idcard.gender_of(number),
                    birth_date=idcard.birth_date_of(number), id_number=number, phone=candidate.phone,
                    unit=candidate.unit, joined_on=row.done_on, status=Status.PROBATIONARY,
                    organization=candidate.organization)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError({"step": _("该身份证号已在党员名册中")}) from None
    candidate.member = member
    candidate.save(update_fields=["member"])


def _convert(candidate, done):
    """支部大会 converted the 预备党员: 正式党员, 党龄 from the end of probation (RULES.md)."""
    member = candidate.member
    member.status = Status.FULL
    member.confirmed_on = checks.probation_ends(done)
    member.save()


@dataclass
class Due:
    step: object
    on: datetime.date  # by when (or: not before, when `earliest`)
    earliest: bool = False

    @property
    def overdue(self):
        return not self.earliest and self.on is not None and self.on < timezone.localdate()


def next_due(candidate, done):
    """What is due next for `candidate` and by when (or from when), by the 细则's time limits."""
    def at(code):
        return done[code][-1].done_on if done.get(code) else None

    out = []
    for step in STEPS:
        if step.code == "application" or (done.get(step.code) and not step.repeatable):
            continue
        if any(not done.get(n) for n in NEEDS.get(step.code, [])) or step.code == "extension":
            continue
        if step.code == "talk":
            out.append(Due(step, add_months(at("application"), 1)))
        elif step.code == "activist":
            months, _rule = checks.interval(candidate.organization, "activist_after_months")
            out.append(Due(step, add_months(at("application"), months), earliest=True))
        elif step.code == "assessment":  # half-yearly while 积极分子 or 发展对象; after admission: 继续教育考察
            if candidate.stage in (Stage.ACTIVIST, Stage.PROSPECT):
                out.append(Due(step, add_months(at("assessment") or at("activist"), 6)))
        elif step.code == "prospect":
            out.append(Due(step, add_years(at("activist"), 1), earliest=True))
        elif step.code == "approval":
            out.append(Due(step, add_months(at("admission"), 3)))
        elif step.code == "conversion_application":
            out.append(Due(step, checks.probation_ends(done)))
        elif step.code == "conversion":
            out.append(Due(step, checks.probation_ends(done), earliest=True))
        elif step.code == "conversion_approval":
            out.append(Due(step, add_months(at("conversion"), 3)))
        elif step.code == "probation_education":
            continue
        else:
            out.append(Due(step, None))
    return out
