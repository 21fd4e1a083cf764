"""Manual point items: proposed with a reason and evidence, decided by someone else (Issue 双积分: "approved by
someone with scope who is not the proposer, large items by the 党委"; only approved items count)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import Grant
from dangjian.accounts.roles import CHANGE, ROLE_ACTIONS
from dangjian.core.scope import user_can
from dangjian.meetings.attachments import check_attachment
from dangjian.orgs.models import OrgKind

from .models import ItemStatus, ManualItem


def manual_rules(org):
    """{category: the enabled manual-item rule in force for `org`'s members} (the point rules, source "manual")."""
    from .engine import rules_for

    return {r.manual_category: r for r in rules_for(org).values() if r.source == "manual"}


def check_item(rule, points, on, evidence):
    """Errors for a proposal under its category's `rule` (None: the category is switched off here), per field,
    in Chinese (empty when it may be filed)."""
    errors = {}
    if rule is None:
        return {"category": _("该类别的人工积分在本组织未启用")}
    if points is not None:
        most = rule.points
        if points == 0:
            errors["points"] = _("分值不能为0")
        elif most < 0 and points > 0:
            errors["points"] = _("%(c)s应填负数") % {"c": rule.item}
        elif most > 0 and points < 0:
            errors["points"] = _("加分事项应填正数；扣分请选择扣分类别")
        elif abs(points) > abs(most):
            errors["points"] = _("%(c)s单项不能超过 %(m)s 分") % {"c": rule.item, "m": abs(most)}
    if on is not None and on > timezone.localdate():
        errors["on"] = _("事项日期不能晚于今天")
    if evidence:
        try:
            check_attachment(evidence)
        except ValidationError as e:
            errors["evidence"] = e.messages[0]
    elif rule.needs_evidence:
        errors["evidence"] = _("%(c)s须上传佐证材料") % {"c": rule.item}
    elif points is not None and rule.large(points):
        errors["evidence"] = _("%(n)s 分及以上的事项由党委审批，须上传佐证材料") % {"n": rule.committee_from}
    return errors


def propose(*, member, by, category, points, on, reason, evidence=None):
    if not user_can(by, CHANGE, member.organization):
        raise PermissionDenied
    rule = manual_rules(member.organization).get(category)
    errors = check_item(rule, points, on, evidence)
    if errors:
        raise ValidationError(errors)
    return ManualItem.objects.create(member=member, category=category, points=points, on=on, reason=reason,
                                     evidence=evidence or "", proposed_by=by, needs_committee=rule.large(points))


def may_decide(user, item):
    """Whether `user` may approve or reject `item`: scope to change the member's records, not the proposer, and
    for a large item a grant on a 党委 (committee) above the member."""
    if user.pk == item.proposed_by_id or not user_can(user, CHANGE, item.member.organization):
        return False
    if not item.large or user.is_superuser:
        return True
    path = item.member.organization.path
    roles = [role for role, actions in ROLE_ACTIONS.items() if CHANGE in actions]
    return any(path.startswith(p) for p in Grant.objects.filter(
        user=user, role__in=roles, organization__kind=OrgKind.COMMITTEE).values_list("organization__path", flat=True))


def decide(*, item, by, approve, note=""):
    """Approve or reject a pending item, once: the UPDATE only matches a still-pending row, so two deciders at
    once cannot both decide it."""
    if item.proposed_by_id == by.pk:
        raise PermissionDenied(_("不能审批自己申报的事项"))
    if not may_decide(by, item):
        raise PermissionDenied(_("该事项须由党委审批") if item.large else _("无权审批该事项"))
    with transaction.atomic():
        done = ManualItem.objects.filter(pk=item.pk, status=ItemStatus.PENDING).update(
            status=ItemStatus.APPROVED if approve else ItemStatus.REJECTED, decided_by=by,
            decided_at=timezone.now(), decision_note=note[:300])
    if not done:
        raise ValidationError(_("该事项已审批过"))
    item.refresh_from_db()
    return item


def publish(*, org, year, by, note="", quarter=None):
    """Freeze `org`'s year board — or the year up to a quarter's end — as its members are shown it (Issue 双积分: a
    published result is a snapshot that later edits cannot change silently). Republishing the same period is a new
    publication with a note saying why."""
    from . import board as boards
    from .models import Publication

    if not user_can(by, CHANGE, org):
        raise PermissionDenied
    earlier = Publication.objects.filter(organization=org, year=year, quarter=quarter).exists()
    if earlier and not note.strip():
        raise ValidationError({"note": _("重新公示须写明原因")})
    members = boards.members_of(org, by)
    if members.count() > boards.BOARD_LIMIT:
        raise ValidationError(_("积分按党支部公示：该组织党员过多，请在党支部公示"))
    from .engine import quarter_end

    with transaction.atomic():
        return _freeze(org, year, by, note, boards.rows(members, year, until=quarter_end(year, quarter)), quarter)


def _freeze(org, year, by, note, rows, quarter=None):
    from .models import Publication, PublishedResult

    publication = Publication.objects.create(organization=org, year=year, quarter=quarter, published_by=by,
                                             note=note[:200])
    PublishedResult.objects.bulk_create([
        PublishedResult(publication=publication, member=r.member, name=r.member.name, rank=r.rank, points=r.points,
                        stars=r.stars, party_group_id=r.member.party_group_id) for r in rows], batch_size=5000)
    return publication


def publish_unpublished_branches(*, org, year, by):
    """Every branch under `org` that has not published `year` (the year's publication) yet, published at once with one computation of all
    their members' points (a 党委's year-end 评星 over thousands of branches: 5,000 single publications would each
    recompute). Returns how many branches were published."""
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    from . import board as boards
    from . import engine
    from .models import Publication

    if not user_can(by, CHANGE, org):
        raise PermissionDenied
    branches = {b.pk: b for b in Organization.objects.visible_to(by, CHANGE).filter(
        path__startswith=org.path, kind=OrgKind.BRANCH).exclude(
        pk__in=Publication.objects.filter(year=year, quarter__isnull=True).values("organization"))}
    if not branches:
        return 0
    members = boards.members_of(org, by).filter(organization__in=list(branches))
    totals = engine.year_points(Member.objects.filter(pk__in=members.values("pk")), year, scan=True)
    by_branch = {}
    for m in members.iterator(chunk_size=5000):
        by_branch.setdefault(m.organization_id, []).append(m)
    with transaction.atomic():
        for pk, people in by_branch.items():
            _freeze(branches[pk], year, by, "", boards.rows(people, year, totals))
    return len(by_branch)
