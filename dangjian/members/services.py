"""Member writes with more than one row: transfer (组织关系转接), end of membership, posts."""
from django.db import transaction

from dangjian.accounts.roles import CHANGE
from dangjian.core.views import ensure_in_scope

from .models import EndReason, Member, Transfer, TransferKind


@transaction.atomic
def transfer_member(*, member, on, by, to_org=None, external_org="", reason=""):
    """Move a member's organization relationship; history is kept as Transfer rows.

    Internal: both ends are checked inside the transaction, so a member can be moved neither out of
    nor into a scope the user does not hold. Out of the system: the membership ends here (转出).
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    from_org = member.organization
    if to_org is not None:
        Transfer.objects.create(
            member=member, kind=TransferKind.INTERNAL, from_org=from_org, to_org=to_org,
            transferred_on=on, reason=reason, recorded_by=by,
        )
        member.organization = to_org
        member.party_group = None
        member.save()
    else:
        Transfer.objects.create(
            member=member, kind=TransferKind.OUT, from_org=from_org, external_org=external_org,
            transferred_on=on, reason=reason, recorded_by=by,
        )
        member.ended_on = on
        member.end_reason = EndReason.TRANSFERRED_OUT
        member.end_note = external_org
        member.save()
    ensure_in_scope(Member, by, CHANGE, member.pk)
    return member


def record_transfer_in(*, member, external_org, on, by):
    """组织关系转入 from outside the system: the arrival is part of the member's history."""
    return Transfer.objects.create(
        member=member, kind=TransferKind.IN, to_org=member.organization, external_org=external_org,
        transferred_on=on, recorded_by=by,
    )


@transaction.atomic
def end_membership(*, member, on, reason, note="", by):
    """出党、去世… The record stays on file (never deleted), only leaves the roll."""
    member.ended_on = on
    member.end_reason = reason
    member.end_note = note
    member.save()
    ensure_in_scope(Member, by, CHANGE, member.pk)
    return member


@transaction.atomic
def restore_membership(*, member, by):
    member.ended_on = None
    member.end_reason = ""
    member.end_note = ""
    member.save()
    ensure_in_scope(Member, by, CHANGE, member.pk)
    return member


def timeline_for(member, *, changelog=()):
    """Events of a member's history, newest first: joining, confirmation, transfers, posts, changes."""
    from django.utils.translation import gettext as _

    events = [(member.joined_on, _("入党"), _("成为预备党员"))]
    if member.confirmed_on:
        events.append((member.confirmed_on, _("转正"), _("成为正式党员")))
    for t in member.transfers.select_related("from_org", "to_org"):
        if t.kind == TransferKind.INTERNAL:
            text = _("由 %(a)s 转入 %(b)s") % {"a": t.from_org, "b": t.to_org}
        elif t.kind == TransferKind.OUT:
            text = _("由 %(a)s 转出至 %(b)s") % {"a": t.from_org, "b": t.external_org}
        else:
            text = _("由 %(a)s 转入 %(b)s") % {"a": t.external_org, "b": t.to_org}
        if t.reason:
            text += _("（%(r)s）") % {"r": t.reason}
        events.append((t.transferred_on, t.get_kind_display(), text))
    for p in member.posts.all():
        events.append((p.started_on, _("设岗"), str(p)))
        if p.ended_on:
            events.append((p.ended_on, _("撤岗"), str(p)))
    if member.ended_on and member.end_reason != EndReason.TRANSFERRED_OUT:
        events.append((member.ended_on, _("党籍终止"), member.get_end_reason_display()))
    for entry in changelog:
        events.append((entry.timestamp.date(), _("信息变更"), _("%(who)s %(what)s") % {
            "who": entry.actor or _("系统"), "what": entry.get_action_display()}))
    return sorted(events, key=lambda e: e[0], reverse=True)
