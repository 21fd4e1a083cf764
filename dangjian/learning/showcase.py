"""党建资料展评: a branch submits its materials once per round (the ledgers the system generates are snapshotted then,
so a rating reads what was submitted), peers and the organizer rate each criterion, a branch never rates itself;
the round's ranking by the average total, in the bands 先进 / 一般 / 后进 (巩固先进、推动一般、整顿后进)."""
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.core.scope import grant_paths, user_can
from dangjian.orgs.models import Organization

from .models import ADVANCED_FROM, BACKWARD_BELOW, DEFAULT_CRITERIA, Criterion, Entry, EntryFile, Rating


def round_peers_source(user, action):
    """The scope source for learning.Entry: the entries of the rounds run by an organization above the user's grants
    (its participants read each other's materials)."""
    if action != "view":
        return None
    above = {p[:i] for p in grant_paths(user, "view") for i in range(4, len(p) + 1, 4)}
    return Q(round__organization__path__in=above) if above else None


def create_round(*, showcase_round, by):
    if not user_can(by, CHANGE, showcase_round.organization):
        raise PermissionDenied
    showcase_round.created_by = by
    showcase_round.full_clean()
    showcase_round.save()
    Criterion.objects.bulk_create(Criterion(round=showcase_round, name=n, max_points=m, order=i)
                                  for i, (n, m) in enumerate(DEFAULT_CRITERIA, 1))
    return showcase_round


@transaction.atomic
def submit(*, showcase_round, organization, by, files=(), note="", today=None):
    """The branch's entry: its meeting ledger of the round's year generated now (Excel and Word, a snapshot) and the
    files it uploads; once per round, inside the round's dates."""
    from dangjian.meetings import ledger
    from dangjian.meetings.models import Meeting

    today = today or timezone.localdate()
    if not user_can(by, CHANGE, organization) or not organization.path.startswith(showcase_round.organization.path) \
            or organization.pk == showcase_round.organization_id:
        raise PermissionDenied
    if not showcase_round.opens_on <= today <= showcase_round.closes_on:
        raise ValidationError(_("展评的提交时间为 %(s)s 至 %(e)s") % {"s": showcase_round.opens_on, "e": showcase_round.closes_on})
    if Entry.objects.filter(round=showcase_round, organization=organization).exists():
        raise ValidationError(_("本组织已提交参评资料"))
    entry = Entry.objects.create(round=showcase_round, organization=organization, note=note, submitted_by=by)
    meetings = Meeting.objects.visible_to(by)
    year = showcase_round.year
    for name, content in ((f"{organization.name}{year}年组织生活台账.xlsx", ledger.ledger_xlsx(organization, year, meetings)),
                          (f"{organization.name}{year}年组织生活台账.docx", ledger.ledger_docx(organization, year, meetings))):
        EntryFile.objects.create(entry=entry, name=name, generated=True, file=ContentFile(content, name=name))
    for f in files:
        EntryFile.objects.create(entry=entry, name=f.name[:200], file=f)
    return entry


def rater_org_for(user, entry):
    """The organization `user` rates as — their nearest grant (change) inside the round's subtree — or None; never
    the entry's own organization or one inside it (a branch does not rate itself)."""
    round_path = entry.round.organization.path
    paths = [p for p in grant_paths(user, CHANGE) if p.startswith(round_path) or round_path.startswith(p)]
    if not paths:
        return None
    path = max(paths, key=len)
    if len(path) < len(round_path):
        path = round_path  # an admin above the organizer rates as the organizer
    if path.startswith(entry.organization.path):
        return None
    return Organization.objects.filter(path=path).first()


@transaction.atomic
def rate(*, entry, by, points, comments=None, today=None):
    """`points`: {criterion id: points} for every criterion, each within its 分值; once per rater organization."""
    today = today or timezone.localdate()
    rater_org = rater_org_for(by, entry)
    if rater_org is None:
        raise ValidationError(_("不能为本组织的资料评分"))
    criteria = {c.pk: c for c in entry.round.criteria.all()}
    if set(points) != set(criteria):
        raise ValidationError(_("请为每一个评分项打分"))
    wrong = [c.name for pk, c in criteria.items() if not 0 <= points[pk] <= c.max_points]
    if wrong:
        raise ValidationError(_("超出分值：%(c)s") % {"c": "、".join(wrong)})
    if today > entry.round.closes_on + datetime.timedelta(days=30):
        raise ValidationError(_("评分已结束"))
    if Rating.objects.filter(entry=entry, rater_org=rater_org).exists():
        raise ValidationError(_("%(o)s已为该资料评分") % {"o": rater_org.name})
    comments = comments or {}
    Rating.objects.bulk_create(Rating(entry=entry, criterion=criteria[pk], rater_org=rater_org, rater=by, points=p,
                                      comment=(comments.get(pk) or "")[:300]) for pk, p in points.items())
    return rater_org


def band(total):
    if total is None:
        return ""
    return _("先进") if total >= ADVANCED_FROM else _("后进") if total < BACKWARD_BELOW else _("一般")


def ranking(showcase_round):
    """[(entry, raters, average total, band)] by average total: each rater organization's sum, averaged."""
    totals = {}
    for entry_id, rater_id, points in Rating.objects.filter(entry__round=showcase_round).values_list(
            "entry_id", "rater_org_id", "points"):
        totals.setdefault(entry_id, {}).setdefault(rater_id, 0)
        totals[entry_id][rater_id] += points
    out = []
    for entry in showcase_round.entries.select_related("organization"):
        per = totals.get(entry.pk, {})
        avg = (Decimal(sum(per.values())) / len(per)).quantize(Decimal("0.1")) if per else None
        out.append((entry, len(per), avg, band(avg)))
    return sorted(out, key=lambda r: (r[2] is None, -(r[2] or 0), r[0].organization.path))
