"""Agreement writes: sign (create with parties and targets), renew for the next year, record activities."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import MANAGE_GRANTS
from dangjian.core.dates import add_years
from dangjian.core.scope import user_can

from .models import Activity, Agreement, AgreementStatus, Party, Target


def can_confirm(user, party):
    """The party's org admin, or a superior whose subtree covers it (granting access is a grant)."""
    return party.organization_id is not None and user_can(user, MANAGE_GRANTS, party.organization)


def confirm_covered_parties(agreement, by):
    """Confirm every internal party `by` may confirm; the agreement comes into force once none is left."""
    now = timezone.now()
    for party in agreement.unconfirmed_parties().select_related("organization"):
        if can_confirm(by, party):
            party.confirmed_at, party.confirmed_by = now, by
            party.save(update_fields=["confirmed_at", "confirmed_by"])  # one by one, for the change log
    if agreement.status == AgreementStatus.DRAFT and not agreement.unconfirmed_parties().exists():
        agreement.status = AgreementStatus.IN_FORCE
        agreement.save(update_fields=["status"])
    return agreement


@transaction.atomic
def create_agreement(*, by, fields, organizations, externals, targets):
    """At least one internal party must be in the creator's scope; the other side may be anywhere (a
    pairing crosses subtrees by nature) and sees the agreement through its own scope. It starts as a draft
    and comes into force only when every internal party has confirmed it."""
    if len(organizations) + len(externals) < 2:
        raise ValidationError(_("共建协议至少需要两方"))
    if not any(user_can(by, "manage_org", o) for o in organizations):
        raise ValidationError(_("至少一方须为您管辖范围内的党组织"))
    fields = {k: v for k, v in fields.items() if k != "status"}
    agreement = Agreement(created_by=by, status=AgreementStatus.DRAFT, **fields)
    agreement.full_clean(exclude=["created_by", "renewed_from"])
    agreement.save()
    Party.objects.bulk_create([Party(agreement=agreement, organization=o) for o in organizations]
                              + [Party(agreement=agreement, external=e) for e in externals])
    Target.objects.bulk_create([Target(agreement=agreement, **t) for t in targets])
    return confirm_covered_parties(agreement, by)


@transaction.atomic
def confirm_party(*, party, by):
    if not can_confirm(by, party):
        raise PermissionDenied
    return confirm_covered_parties(party.agreement, by)


def set_status(agreement, status, *, by):
    """生效 is reached by confirmation only; a party may end (or mark evaluated) its agreement."""
    if status == AgreementStatus.IN_FORCE and agreement.unconfirmed_parties().exists():
        raise ValidationError(_("尚有共建方未确认，协议不能生效"))
    agreement.status = status


@transaction.atomic
def renew(agreement, *, by):
    """Next year's agreement as a draft, with the same parties and targets; each side confirms it again
    (the draft is there to be adjusted first, so not even the renewer's side is confirmed yet)."""
    new = Agreement.objects.create(
        title=agreement.title, level=agreement.level, starts_on=add_years(agreement.starts_on, 1),
        ends_on=add_years(agreement.ends_on, 1), status=AgreementStatus.DRAFT, renewed_from=agreement, created_by=by)
    Party.objects.bulk_create(Party(agreement=new, organization_id=p.organization_id, external_id=p.external_id,
                                    contact=p.contact, phone=p.phone) for p in agreement.parties.all())
    Target.objects.bulk_create(Target(agreement=new, measure=t.measure, category=t.category, output_kind=t.output_kind,
                                      min_count=t.min_count, who=t.who, note=t.note) for t in agreement.targets.all())
    return new


@transaction.atomic
def record_activity(*, agreement, by, parties, meeting=None, **fields):
    if not parties:
        raise ValidationError(_("请选择参加方"))
    if any(p.agreement_id != agreement.pk for p in parties):
        raise ValidationError(_("参加方必须是本协议的共建方"))
    activity = Activity(agreement=agreement, created_by=by, meeting=meeting, **fields)
    activity.full_clean(exclude=["created_by", "meeting"])
    activity.save()
    activity.parties.set(parties)
    return activity


def linkable_meetings(agreement, user):
    """Joint organization-life meetings between two or more internal parties in the period, not yet counted:
    a 联合主题党日 counts both as organization life and as co-building, once linked. Only meetings `user` may
    read: in a three-party agreement, two other parties' joint meeting is not this user's to see."""
    from django.db.models import Count, Q

    from dangjian.meetings.models import Meeting

    org_ids = [p.organization_id for p in agreement.parties.all() if p.organization_id]
    return (Meeting.objects.visible_to(user).held().filter(held_on__gte=agreement.starts_on, held_on__lte=agreement.ends_on)
            .annotate(n=Count("participations", filter=Q(participations__organization_id__in=org_ids)))
            .filter(n__gte=2).exclude(cobuilding_activities__agreement=agreement).order_by("held_on"))
