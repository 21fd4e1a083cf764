"""Manual point items: proposed with a reason and evidence, decided by someone else (Issue 双积分: "approved by
someone with scope who is not the proposer, large items by the 党委"; only approved items count)."""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import Grant
from dangjian.accounts.roles import CHANGE, ROLE_ACTIONS
from dangjian.core.scope import user_can
from dangjian.meetings.attachments import check_attachment
from dangjian.orgs.models import OrgKind

from .models import LARGE_ITEM, ItemStatus, ManualCategory, ManualItem

MAX_ITEM = Decimal(30)


def check_item(category, points, on, evidence, large):
    """Errors for a proposal, per field, in Chinese (empty when it may be filed)."""
    errors = {}
    if points is not None:
        if points == 0:
            errors["points"] = _("分值不能为0")
        elif category == ManualCategory.DISCIPLINE and points > 0:
            errors["points"] = _("违纪违规扣分应填负数")
        elif category != ManualCategory.DISCIPLINE and points < 0:
            errors["points"] = _("加分事项应填正数；扣分请选择“违纪违规扣分”")
        elif abs(points) > MAX_ITEM:
            errors["points"] = _("单项分值不能超过 %(m)s 分") % {"m": MAX_ITEM}
    if on is not None and on > timezone.localdate():
        errors["on"] = _("事项日期不能晚于今天")
    if evidence:
        try:
            check_attachment(evidence)
        except ValidationError as e:
            errors["evidence"] = e.messages[0]
    elif category == ManualCategory.DISCIPLINE or large:
        errors["evidence"] = _("扣分事项和 5 分及以上的事项须上传佐证材料")
    return errors


def propose(*, member, by, category, points, on, reason, evidence=None):
    if not user_can(by, CHANGE, member.organization):
        raise PermissionDenied
    errors = check_item(category, points, on, evidence, abs(points) >= LARGE_ITEM)
    if errors:
        raise ValidationError(errors)
    return ManualItem.objects.create(member=member, category=category, points=points, on=on, reason=reason,
                                     evidence=evidence or "", proposed_by=by)


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
        raise PermissionDenied(_("5 分及以上的事项须由党委审批") if item.large else _("无权审批该事项"))
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
