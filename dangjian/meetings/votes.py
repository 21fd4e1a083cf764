"""Quorum and majority (党章; 选举条例): only 正式党员 vote, and majorities count those DUE to attend."""
import math
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .models import AttendanceStatus, VoteKind


@dataclass
class Verdict:
    valid: bool
    passed: bool
    eligible: int
    present: int
    reasons: list = field(default_factory=list)

    @property
    def summary(self):
        if not self.valid:
            return _("无效：") + "；".join(self.reasons)
        return (_("通过") if self.passed else _("未通过")) + ("：" + "；".join(self.reasons) if self.reasons else "")


def electorate(meeting):
    """(those due to attend with a vote, those of them present), from the facts stored with the meeting —
    never from today's roster (RULES.md "Records"). 预备党员 attend but do not vote."""
    counts = meeting.attendance.filter(voting=True).aggregate(
        due=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)))
    return counts["due"], counts["present"]


def verdict(vote, eligible=None, present=None):
    if eligible is None:
        eligible, present = electorate(vote.meeting)
    reasons = []
    total = vote.yes + vote.no + vote.abstain
    if total > present:
        reasons.append(_("投票数 %(t)d 超过到会有表决权人数 %(p)d") % {"t": total, "p": present})
    if vote.kind == VoteKind.ELECTION:
        # 选举条例: ≥4/5 present; candidates exceed seats by ≥20%; a winner needs > half of those due.
        if present * 5 < eligible * 4:
            reasons.append(_("到会有选举权的党员 %(p)d 人，不足应到 %(e)d 人的五分之四") % {"p": present, "e": eligible})
        if vote.seats and vote.candidates is not None and vote.candidates < math.ceil(vote.seats * 1.2):
            reasons.append(_("候选人 %(c)d 人，应多于应选人数 %(s)d 人的20%%（至少 %(m)d 人）") % {
                "c": vote.candidates, "s": vote.seats, "m": math.ceil(vote.seats * 1.2)})
    elif present * 2 <= eligible:
        # 党章: more than half of the members with voting rights must be present.
        reasons.append(_("到会有表决权的党员 %(p)d 人，未超过应到 %(e)d 人的半数") % {"p": present, "e": eligible})
    valid = not reasons
    passed = valid and vote.yes * 2 > eligible
    if valid and not passed:
        reasons.append(_("赞成票 %(y)d 未超过应到会有表决权人数 %(e)d 的半数") % {"y": vote.yes, "e": eligible})
    return Verdict(valid, passed, eligible, present, reasons)
