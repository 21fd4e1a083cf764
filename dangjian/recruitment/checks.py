"""The date and people rules of 《发展党员工作细则》 (RULES.md "发展党员"), checked when a step is recorded. Each
violation is a sentence in Chinese naming the rule and the dates, next to the field it concerns — never a silent
save. `problems(candidate, step, data, done)` returns {field: message}; `done` is {step code: [StepRecord]}."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import rulebook
from dangjian.core.dates import add_months, add_years
from dangjian.meetings.models import MeetingKind, MeetingStatus
from dangjian.members.models import Status

from .models import DEFAULT_INTERVALS, Interval
from .steps import BY_CODE, NEEDS


def interval(org, key):
    """(value, the rule it comes from) of a local interval for `org`'s subtree — its own, its nearest ancestor's,
    else the default."""
    found = rulebook.nearest(Interval.objects.all(), org).get(key)
    if found is not None:
        return found.value, found
    value, basis = DEFAULT_INTERVALS[key]
    return value, None


def working_days(start, end):
    """(working days from `start` to `end`, both counted, under the official holiday and adjusted-workday calendar;
    a note when a year is not in the calendar yet and Monday–Friday was counted instead)."""
    import chinese_calendar

    days, note, day = 0, "", start
    while day <= end:
        try:
            days += chinese_calendar.is_workday(day)
        except NotImplementedError:
            days += day.weekday() < 5
            note = _("（%(y)s年法定节假日安排尚未收录，按周一至周五计）") % {"y": day.year}
        day += datetime.timedelta(days=1)
    return days, note


def first(done, code):
    records = done.get(code) or []
    return records[0] if records else None


def full_member_on(member, day, org):
    """Whether `member` was a 正式党员 of `org` on `day` (joined, confirmed by then, not ended; in the organization)."""
    return (member.organization_id == org.pk and member.joined_on <= day
            and member.status == Status.FULL and (member.confirmed_on is None or member.confirmed_on <= day)
            and (member.ended_on is None or member.ended_on >= day))


def problems(candidate, code, data, done, today=None):
    today = today or timezone.localdate()
    step = BY_CODE[code]
    on = data.get("done_on")
    errors = {}
    if on is None:
        return {"done_on": _("请填写日期")}
    if on > today:
        errors["done_on"] = _("日期不能晚于今天")
    if done.get(code) and not step.repeatable:
        errors["step"] = _("该步骤已登记")
    missing = [BY_CODE[n].title for n in NEEDS.get(code, []) if not done.get(n)]
    if missing:
        errors["step"] = _("须先完成：%(s)s") % {"s": "、".join(str(m) for m in missing)}
        return errors
    for needed in NEEDS.get(code, []):
        before = max(r.done_on for r in done[needed])
        if on < before:
            errors["done_on"] = _("日期不能早于“%(s)s”（%(d)s）") % {"s": BY_CODE[needed].title, "d": before}
    org = candidate.organization
    meeting = data.get("meeting")
    if step.meeting:
        if meeting is None:
            errors["meeting"] = _("请选择作出决定的会议记录（%(k)s）") % {"k": MeetingKind(step.meeting).label}
        elif (meeting.kind != step.meeting or meeting.organization_id != org.pk
              or meeting.status != MeetingStatus.HELD):
            errors["meeting"] = _("须为本支部已召开的%(k)s") % {"k": MeetingKind(step.meeting).label}
        elif meeting.held_on != on:
            errors["done_on"] = _("日期应为会议召开日期 %(d)s") % {"d": meeting.held_on}
    people = list(data.get("people") or [])
    if step.people:
        fewest, most = step.people
        if not fewest <= len(people) <= most:
            errors["people"] = (_("入党介绍人须为 2 名正式党员") if code == "sponsors"
                                else _("培养联系人为 1–2 名正式党员"))
        else:
            wrong = [p.name for p in people if not full_member_on(p, on, org)]
            if wrong:
                errors["people"] = _("%(n)s 在 %(d)s 不是本支部的正式党员") % {"n": "、".join(wrong), "d": on}
    rule = RULES.get(code)
    if rule and "done_on" not in errors:
        errors.update(rule(candidate, data, done, on) or {})
    return errors


def _application(candidate, data, done, on):
    born = candidate.birth_date
    if born and add_years(born, 18) > on:
        return {"done_on": _("申请入党须年满十八岁：%(b)s 出生，%(d)s 满十八岁") % {"b": born, "d": add_years(born, 18)}}


def _talk(candidate, data, done, on):
    applied = first(done, "application").done_on
    if on > add_months(applied, 1):
        return {"done_on": _("收到入党申请书后一个月内派人谈话：%(a)s 递交申请，最迟 %(d)s") % {
            "a": applied, "d": add_months(applied, 1)}}


def _activist(candidate, data, done, on):
    applied = first(done, "application").done_on
    months, _rule = interval(candidate.organization, Interval.Key.ACTIVIST_AFTER)
    if on < add_months(applied, months):
        return {"done_on": _("确定为入党积极分子须在递交申请满%(m)d个月后：%(a)s 递交申请，最早 %(d)s") % {
            "m": months, "a": applied, "d": add_months(applied, months)}}


def _prospect(candidate, data, done, on):
    activist = first(done, "activist").done_on
    if on < add_years(activist, 1):
        return {"done_on": _("确定为发展对象须在列为积极分子满一年后：%(a)s 列为积极分子，最早 %(d)s") % {
            "a": activist, "d": add_years(activist, 1)}}


def _training(candidate, data, done, on):
    days, hours = data.get("days") or 0, data.get("hours") or 0
    if days < 3 and hours < 24:
        return {"hours": _("集中培训时间一般不少于3天或24学时")}


def _publicity(candidate, data, done, on):
    ends = data.get("ends_on")
    if ends is None or ends < on:
        return {"ends_on": _("请填写公示截止日期（不早于开始日期）")}
    need, _rule = interval(candidate.organization, Interval.Key.PUBLICITY_DAYS)
    got, note = working_days(on, ends)
    if got < need:
        return {"ends_on": _("公示须不少于%(n)d个工作日：%(s)s 至 %(e)s 为 %(g)d 个工作日%(note)s") % {
            "n": need, "s": on, "e": ends, "g": got, "note": note}}


def _passed(what):
    def check(candidate, data, done, on):
        if not data.get("passed"):
            return {"passed": _("%(w)s未通过的，不能继续发展；请登记终止或待重新审查") % {"w": what}}
    return check


def _pre_review(candidate, data, done, on):
    ended = first(done, "publicity").ends_on
    if on <= ended:
        return {"done_on": _("上级党委预审应在公示结束（%(d)s）之后") % {"d": ended}}
    return _passed(_("预审"))(candidate, data, done, on)


def _admission(candidate, data, done, on):
    errors = {}
    vetting = first(done, "vetting")
    if not vetting.passed:
        errors["step"] = _("政治审查未通过")
    elif add_years(vetting.done_on, 1) < on:
        errors["done_on"] = _("政治审查结论须在一年以内：%(v)s 审查，已超过一年") % {"v": vetting.done_on}
    vote = data.get("vote")
    if vote is None:
        errors["vote"] = _("请选择支部大会对接收该同志的表决（一次讨论一名）")
    elif data.get("meeting") is not None and vote.meeting_id != data["meeting"].pk:
        errors["vote"] = _("表决须为所选支部大会上的表决")
    else:
        from dangjian.meetings.votes import verdict

        result = verdict(vote)
        if not (result.valid and result.passed):
            errors["vote"] = _("表决未通过或无效：%(r)s") % {"r": "；".join(result.reasons)}
    return errors


def _within_three_months(after, what):
    def check(candidate, data, done, on):
        since = first(done, after).done_on
        if on > add_months(since, 6):
            return {"done_on": _("%(w)s应在3个月内（最长不超过6个月）：%(s)s 支部大会，最迟 %(d)s") % {
                "w": what, "s": since, "d": add_months(since, 6)}}
        if on > add_months(since, 3) and not (data.get("note") or "").strip():
            return {"note": _("超过3个月审批的，须说明原因")}
        return _passed(what)(candidate, data, done, on)
    return check


def probation_ends(done):
    """The day probation ends: one year after the 支部大会 admitted the candidate, or the extension's end."""
    extension = first(done, "extension")
    if extension is not None:
        return extension.ends_on
    return add_years(first(done, "admission").done_on, 1)


def _extension(candidate, data, done, on):
    ends = data.get("ends_on")
    normal = add_years(first(done, "admission").done_on, 1)
    if ends is None or not add_months(normal, 6) <= ends <= add_months(normal, 12):
        return {"ends_on": _("延长预备期为半年至一年：预备期原至 %(n)s，延长后应在 %(a)s 至 %(b)s 之间") % {
            "n": normal, "a": add_months(normal, 6), "b": add_months(normal, 12)}}


def _conversion(candidate, data, done, on):
    ends = probation_ends(done)
    if on < ends:
        return {"done_on": _("预备期满方可讨论转正：预备期至 %(d)s") % {"d": ends}}
    return _admission_vote_only(candidate, data, done, on)


def _admission_vote_only(candidate, data, done, on):
    vote = data.get("vote")
    if vote is None:
        return {"vote": _("请选择支部大会的表决")}
    if data.get("meeting") is not None and vote.meeting_id != data["meeting"].pk:
        return {"vote": _("表决须为所选支部大会上的表决")}
    from dangjian.meetings.votes import verdict

    result = verdict(vote)
    if not (result.valid and result.passed):
        return {"vote": _("表决未通过或无效：%(r)s") % {"r": "；".join(result.reasons)}}


RULES = {
    "application": _application, "talk": _talk, "activist": _activist, "prospect": _prospect,
    "vetting": _passed(_("政治审查")), "training": _training, "publicity": _publicity, "pre_review": _pre_review,
    "admission": _admission, "approval": _within_three_months("admission", _("上级党委审批")),
    "extension": _extension, "conversion": _conversion,
    "conversion_approval": _within_three_months("conversion", _("上级党委审批转正")),
}
