"""What each user should be reminded of today, from the records, through the user's own scope.

The daily job calls `remind_all(today)`: reminders are keyed facts, inserted with ignore_conflicts, so
running it twice a day (or after a restart) adds nothing twice. Flags never change a record (RULES.md:
six months without organization life is for the branch to handle, never an automatic removal).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import Grant
from dangjian.accounts.roles import BRANCH_COMMITTEE, ORG_ADMIN
from dangjian.core.dates import add_months, add_years
from dangjian.meetings import compliance, periods
from dangjian.members.models import Member, Status
from dangjian.orgs.models import Committee, Organization, OrgKind

from .models import DigestSent, Kind, Reminder


def _r(user, kind, key, title, due_on=None, url="", level="info"):
    return Reminder(user=user, kind=kind, key=key[:120], title=title[:200], due_on=due_on, url=url, level=level)


def term_reminders(user, today):
    """换届: six months, one month, overdue (选举条例: the superior reminds about six months ahead)."""
    out = []
    for c in Committee.objects.visible_to(user).current().filter(due_on__lte=add_months(today, 6)) \
            .select_related("organization"):
        days = (c.due_on - today).days
        stage, level = ("overdue", "warning") if days < 0 else ("1m", "warning") if c.due_on <= add_months(today, 1) \
            else ("6m", "info")
        if stage == "overdue":
            title = _("%(o)s第%(n)s届委员会任期已于 %(d)s 届满，请尽快换届") % {"o": c.organization.name, "n": c.term_number, "d": c.due_on}
        else:
            title = _("%(o)s第%(n)s届委员会将于 %(d)s 届满（还有%(k)d天），请筹备换届") % {
                "o": c.organization.name, "n": c.term_number, "d": c.due_on, "k": days}
        out.append(_r(user, Kind.TERM, f"term:{c.pk}:{stage}", title, c.due_on, c.organization.get_absolute_url(), level))
    return out


def probation_reminders(user, today):
    """预备期满 one year after the 支部大会 that admitted them (细则): from one month ahead, and for as long as
    the conversion is not recorded — an overdue conversion does not drop off the list after some days."""
    out = []
    qs = Member.objects.visible_to(user, "change").on_roll().filter(
        status=Status.PROBATIONARY, joined_on__lte=add_months(add_years(today, -1), 1))
    for m in qs.only("pk", "name", "joined_on"):
        ends = add_years(m.joined_on, 1)
        title = _("%(n)s 的预备期将于 %(d)s 届满，请按期召开支部大会讨论转正") % {"n": m.name, "d": ends} if ends >= today \
            else _("%(n)s 的预备期已于 %(d)s 届满，尚未登记转正") % {"n": m.name, "d": ends}
        out.append(_r(user, Kind.PROBATION, f"probation:{m.pk}", title, ends, m.get_absolute_url(),
                      "warning" if ends < today else "info"))
    return out


def birthday_reminders(user, today, branches):
    """政治生日: a member's own anniversary; for a branch committee, one note per branch per month."""
    out = []
    mine = Member.objects.filter(user=user, ended_on__isnull=True).first()
    if mine and mine.joined_on.month == today.month and mine.joined_on.year < today.year:
        years = today.year - mine.joined_on.year
        out.append(_r(user, Kind.POLITICAL_BIRTHDAY, f"birthday:self:{today:%Y-%m}",
                      _("本月是您入党 %(y)d 周年的政治生日（%(d)s）") % {"y": years, "d": mine.joined_on.strftime("%m月%d日")},
                      mine.joined_on.replace(year=today.year)))
    for org in branches:
        names = list(Member.objects.visible_to(user).on_roll().filter(organization=org, joined_on__month=today.month,
                                                     joined_on__year__lt=today.year).values_list("name", flat=True)[:30])
        if names:
            out.append(_r(user, Kind.POLITICAL_BIRTHDAY, f"birthday:{org.pk}:{today:%Y-%m}",
                          _("%(o)s本月有 %(n)d 名党员过政治生日：%(names)s") % {"o": org.name, "n": len(names), "names": "、".join(names[:10])},
                          url=reverse("members:list") + f"?org={org.pk}"))
    return out


def meeting_reminders(user, today, branches, admin_orgs):
    """Meetings due or overdue this quarter: per rule for a branch; a count per rule for an admin."""
    out, quarter = [], periods.containing("quarter", today)
    for org in branches:
        for r in compliance.compliance_for(org, quarter, today):
            if r.status in (compliance.DUE, compliance.OVERDUE):
                out.append(_r(user, Kind.MEETING_DUE, f"meeting:{org.pk}:{r.rule.meeting_kind}:{r.rule.condition}:{quarter.code}:{r.status}",
                              f"{org.name}：{r.sentence}", quarter.end, reverse("meetings:compliance", args=[org.pk]),
                              "warning" if r.status == compliance.OVERDUE else "info"))
    for org in admin_orgs:
        for row in compliance.rollup(org, quarter, Organization.objects.visible_to(user), today):
            if row.overdue:
                out.append(_r(user, Kind.MEETING_DUE, f"rollup:{org.pk}:{row.key[0]}:{row.key[1]}:{quarter.code}:{row.overdue}",
                              _("%(o)s：%(q)s有 %(n)d 个组织逾期未召开%(t)s") % {"o": org.name, "q": quarter.label, "n": row.overdue, "t": row.title},
                              quarter.end, reverse("meetings:compliance", args=[org.pk]), "warning"))
    return out


def inactive_members(user, today, orgs):
    """Members (readable by `user`, in `orgs`' subtrees) with no organization life attended for six calendar
    months, as a queryset: one grouped query, the last attendance per member."""
    since = add_months(today, -6)
    subtree = Q(pk__in=[])
    for org in orgs:
        subtree |= Q(organization__path__startswith=org.path)
    return (Member.objects.visible_to(user).on_roll().filter(subtree, joined_on__lt=since)
            .annotate(last=Max("attendance__meeting__held_on", filter=Q(attendance__status="present")))
            .filter(Q(last__isnull=True) | Q(last__lt=since)))


def inactive_reminders(user, today, branches, admin_orgs=()):
    """Six months without organization life → a flag for the branch committee and for the org admins above
    (RULES.md; never automatic removal)."""
    out = []
    for org in branches:
        names = list(inactive_members(user, today, [org]).values_list("name", flat=True)[:30])
        if names:
            out.append(_r(user, Kind.INACTIVE, f"inactive:{org.pk}:{today:%Y-%m}",
                          _("%(o)s有 %(n)d 名党员连续6个月以上未参加组织生活，请了解情况：%(names)s") % {
                              "o": org.name, "n": len(names), "names": "、".join(names[:10])},
                          url=reverse("members:list") + f"?org={org.pk}", level="warning"))
    for org in admin_orgs:
        counts = inactive_members(user, today, [org]).aggregate(n=Count("id", distinct=True),
                                                                branches=Count("organization", distinct=True))
        if counts["n"]:
            out.append(_r(user, Kind.INACTIVE, f"inactive:admin:{org.pk}:{today:%Y-%m}",
                          _("%(o)s下有 %(n)d 名党员连续6个月以上未参加组织生活（涉及 %(b)d 个组织），请督促所在支部了解情况")
                          % {"o": org.name, "n": counts["n"], "b": counts["branches"]},
                          url=reverse("members:list") + f"?org={org.pk}", level="warning"))
    return out


def reminders_for(user, today=None):
    today = today or timezone.localdate()
    grants = list(Grant.objects.filter(user=user, role__in=[ORG_ADMIN, BRANCH_COMMITTEE]).select_related("organization"))
    branches = [g.organization for g in grants if g.role == BRANCH_COMMITTEE and g.organization.kind == OrgKind.BRANCH]
    admin_orgs = [g.organization for g in grants if g.role == ORG_ADMIN]
    out = birthday_reminders(user, today, branches)
    if grants:
        out += term_reminders(user, today) + probation_reminders(user, today)
        out += meeting_reminders(user, today, branches, admin_orgs) + inactive_reminders(user, today, branches, admin_orgs)
    return out


def remind(user, today=None):
    """Store today's reminders for one user; returns how many are new."""
    candidates = reminders_for(user, today)
    existing = set(Reminder.objects.filter(user=user, key__in=[r.key for r in candidates]).values_list("key", flat=True))
    new = [r for r in candidates if r.key not in existing]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def remind_all(today=None, *, email=True):
    users = get_user_model().objects.filter(is_active=True).filter(
        Q(grants__isnull=False) | Q(member__isnull=False)).distinct()
    total = 0
    for user in users.iterator():
        total += remind(user, today)
        if email:
            send_digest(user, today)
    return total


def send_digest(user, today=None):
    """One e-mail per user and day with the reminders not yet sent (Django's e-mail settings decide how).

    The DigestSent row is inserted first, in the sending's transaction: a second run the same day — a retried
    task, a second beat — finds the row (or waits on it and then finds it) and sends nothing; a failed send rolls
    the row back so the retry can send."""
    if not user.email:
        return 0
    today = today or timezone.localdate()
    with transaction.atomic():
        try:
            with transaction.atomic():
                sent = DigestSent.objects.create(user=user, day=today)
        except IntegrityError:
            return 0
        pending = list(Reminder.objects.filter(user=user, emailed_at__isnull=True).unread())
        if not pending:
            return 0
        body = "\n".join(f"· {r.title}" for r in pending)
        send_mail(_("党建工作提醒（%(n)d 条）") % {"n": len(pending)}, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        Reminder.objects.filter(pk__in=[r.pk for r in pending]).update(emailed_at=timezone.now())
        sent.count = len(pending)
        sent.save(update_fields=["count"])
    return len(pending)
