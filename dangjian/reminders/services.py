"""What each user should be reminded of today, from the records, through the user's own scope.

The daily job calls `remind_all(today)`: reminders are keyed facts, inserted with ignore_conflicts, so
running it twice a day (or after a restart) adds nothing twice. Flags never change a record (RULES.md:
six months without organization life is for the branch to handle, never an automatic removal).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import Grant
from dangjian.accounts.roles import BRANCH_COMMITTEE, ORG_ADMIN
from dangjian.core.dates import add_months, add_years
from dangjian.core.scope import grant_paths, in_scope, index_by_path, prime_grants
from dangjian.meetings import compliance, periods
from dangjian.meetings.models import Attendance
from dangjian.members.models import Member, Status
from dangjian.orgs.models import Committee, Organization, OrgKind

from .models import DigestSent, Kind, Reminder


def _r(user, kind, key, title, due_on=None, url="", level="info"):
    return Reminder(user=user, kind=kind, key=key[:120], title=title[:200], due_on=due_on, url=url, level=level)


class Facts:
    """Today's reminder facts for a group of users, each kind computed once in SQL for all of them.

    The daily job walks every user with a grant or a member record (a group of 100,000 members has some 10,000):
    asking the database per user took 207–249 s. Here each kind of fact is one query (terms, probations, meeting
    verdicts per rule, inactive members, birthdays) and each user receives the facts in their scope — the tree
    rule of visible_to, applied by core.scope.in_scope over grants loaded in one query (prime_grants)."""

    def __init__(self, users, today):
        self.today = today
        self.users = list(users)
        prime_grants(self.users)
        held = {path for u in self.users for role, path in u._dangjian_grant_cache["grants"]
                if role in (ORG_ADMIN, BRANCH_COMMITTEE)}
        self.orgs = {o.path: o for o in Organization.objects.filter(path__in=held)} if held else {}
        branches = [o for o in self.orgs.values() if o.kind == OrgKind.BRANCH]
        ids = [o.pk for o in branches]
        admin_paths = {path for u in self.users for role, path in u._dangjian_grant_cache["grants"] if role == ORG_ADMIN}
        # one user alone (the inbox) reads only what lies under their grants; the daily job reads everything once
        within = self._within() if len(self.users) == 1 else Q()
        self.terms = index_by_path(Committee.objects.current().filter(within, due_on__lte=add_months(today, 6))
                                   .select_related("organization"), lambda c: c.organization.path)
        self.probations = index_by_path(
            Member.objects.on_roll().filter(within, status=Status.PROBATIONARY, joined_on__lte=add_months(add_years(today, -1), 1))
            .values("pk", "name", "joined_on", "organization__path"), lambda m: m["organization__path"])
        quarter = self.quarter = periods.containing("quarter", today)
        self.verdicts = compliance.compliance_for_many(branches, quarter, today)
        self.inactive = self._names(inactive_members_in(ids, today))
        self.birthdays = self._names(Member.objects.on_roll().filter(
            organization__in=ids, joined_on__month=today.month, joined_on__year__lt=today.year))
        self.pipeline = self._pipeline(ids, today)
        self.dues_flagged = self._dues_flagged(ids, today)
        self.approvals = self._approvals(admin_paths, today)
        from dangjian.brands.reminders import facts as brand_facts

        self.brand_facts = brand_facts(ids, today)
        self.own = {m.user_id: m for m in Member.objects.filter(
            user__in=[u.pk for u in self.users], ended_on__isnull=True, joined_on__month=today.month,
            joined_on__year__lt=today.year).only("user_id", "joined_on")}

    @staticmethod
    def _pipeline(branch_ids, today):
        """{branch id: [(candidate, Due)]} — the 发展党员 steps overdue or due within two weeks (half-yearly
        assessments, approvals within three months, conversions at probation's end…), one query with the steps."""
        from dangjian.recruitment.models import Candidate
        from dangjian.recruitment.services import done_of_prefetched, next_due

        out = {}
        soon = today + datetime.timedelta(days=14)
        candidates = (Candidate.objects.filter(organization__in=branch_ids, stopped_on__isnull=True)
                      .exclude(stage="full").select_related("organization").prefetch_related("steps"))
        for c in candidates:
            for due in next_due(c, done_of_prefetched(c)):
                if due.on is not None and not due.earliest and due.on <= soon:
                    out.setdefault(c.organization_id, []).append((c, due))
        return out

    @staticmethod
    def _approvals(paths, today):
        """[(candidate, Due)] under the 党委 admins' paths whose admission or conversion awaits the 党委's approval —
        a narrow query (Exists on the steps), not the whole pipeline of every branch below."""
        from dangjian.recruitment.models import Candidate, StepRecord
        from dangjian.recruitment.services import done_of_prefetched, next_due

        if not paths:
            return []
        under = Q(pk__in=[])
        for path in paths:
            under |= Q(organization__path__startswith=path)

        def has(code):
            return Exists(StepRecord.objects.filter(candidate=OuterRef("pk"), step=code))

        waiting = (has("admission") & ~has("approval")) | (has("conversion") & ~has("conversion_approval"))
        soon = today + datetime.timedelta(days=14)
        out = []
        for c in (Candidate.objects.filter(under, waiting, stopped_on__isnull=True)
                  .select_related("organization").prefetch_related("steps")):
            for due in next_due(c, done_of_prefetched(c)):
                if due.step.code in ("approval", "conversion_approval") and due.on is not None and due.on <= soon:
                    out.append((c, due))
        return out

    @staticmethod
    def _dues_flagged(branch_ids, today):
        """{branch id: members six months or more behind with 党费} (RULES.md: a flag, never a removal)."""
        from dangjian.dues.services import add_months as month_plus
        from dangjian.dues.services import arrears

        members = Member.objects.on_roll().filter(organization__in=branch_ids)
        owing = arrears(members, month_plus(today.replace(day=1), -1))
        flagged = [pk for pk, a in owing.items() if a.flagged]
        out = {}
        for org in Member.objects.filter(pk__in=flagged).values_list("organization_id", flat=True):
            out[org] = out.get(org, 0) + 1
        return out

    def _within(self):
        q = Q(pk__in=[])
        for path in grant_paths(self.users[0], "view"):
            q |= Q(organization__path__startswith=path)
        return q

    @staticmethod
    def _names(members, shown=30):
        """{organization id: (how many, the first names)} from one ordered query."""
        out = {}
        for org, name in members.order_by("organization_id", "name_initials", "name", "id").values_list("organization_id", "name"):
            n, names = out.get(org, (0, []))
            if len(names) < shown:
                names.append(name)
            out[org] = (n + 1, names)
        return out

    def reminders(self, user):
        grants = user._dangjian_grant_cache["grants"]
        branches = sorted({self.orgs[p] for r, p in grants if r == BRANCH_COMMITTEE and p in self.orgs
                           and self.orgs[p].kind == OrgKind.BRANCH}, key=lambda o: o.path)
        admin_orgs = sorted({self.orgs[p] for r, p in grants if r == ORG_ADMIN and p in self.orgs}, key=lambda o: o.path)
        out = self.birthday_reminders(user, branches)
        if branches or admin_orgs:
            out += self.term_reminders(user) + self.probation_reminders(user)
            out += self.meeting_reminders(user, branches, admin_orgs) + self.inactive_reminders(user, branches, admin_orgs)
            out += self.recruitment_reminders(user, branches) + self.dues_reminders(user, branches)
            out += [_r(user, Kind.BRANDS, key, title, due, url, level) for org in branches
                    for key, title, due, url, level in self.brand_facts.get(org.pk, [])]
            out += self.approval_reminders(user, admin_orgs) + self.dues_rollup_reminders(user, admin_orgs)
        return out

    def recruitment_reminders(self, user, branches):
        """发展党员 steps due within two weeks or overdue, for the branch committee (细则's time limits)."""
        out, today = [], self.today
        for org in branches:
            for c, due in self.pipeline.get(org.pk, []):
                late = due.on < today
                title = (_("%(n)s：%(s)s应在 %(d)s 前办理，已逾期") if late else _("%(n)s：%(s)s应在 %(d)s 前办理")) % {
                    "n": c.name, "s": due.step.title, "d": due.on}
                out.append(_r(user, Kind.RECRUITMENT, f"recruitment:{c.pk}:{due.step.code}:{due.on}", title, due.on,
                              reverse("recruitment:file", args=[c.pk]), "warning" if late else "info"))
        return out

    def dues_reminders(self, user, branches):
        out, today = [], self.today
        for org in branches:
            n = self.dues_flagged.get(org.pk)
            if n:
                out.append(_r(user, Kind.DUES, f"dues:{org.pk}:{today:%Y-%m}",
                              _("%(o)s有 %(n)d 名党员连续6个月以上未交党费，请了解情况") % {"o": org.name, "n": n},
                              url=reverse("dues:month", args=[org.pk]), level="warning"))
        return out

    def approval_reminders(self, user, admin_orgs):
        """The 党委's own time limits in 发展党员 (细则 arts. 25, 33): approving an admission or a conversion within
        three months of the 支部大会 — for the admins of the organizations above the branch, who decide them."""
        out, seen = [], set()
        for org in admin_orgs:
            for c, due in self.approvals:
                if c.pk in seen or not c.organization.path.startswith(org.path) or c.organization_id == org.pk:
                    continue
                seen.add(c.pk)
                late = due.on < self.today
                title = (_("%(b)s %(n)s：%(s)s应在 %(d)s 前完成，已逾期") if late
                         else _("%(b)s %(n)s：%(s)s应在 %(d)s 前完成")) % {
                    "b": c.organization.name, "n": c.name, "s": due.step.title, "d": due.on}
                out.append(_r(user, Kind.RECRUITMENT, f"approval:{c.pk}:{due.step.code}:{due.on}", title, due.on,
                              reverse("recruitment:file", args=[c.pk]), "warning" if late else "info"))
        return out

    def dues_rollup_reminders(self, user, admin_orgs):
        """The 6-month 党费 flags below a 党委, one count a month (the branch handles each member; RULES.md)."""
        from dangjian.dues.services import rollup

        out, today = [], self.today
        for org in admin_orgs:  # a handful of 党委 admins: the collection roll-up (one grouped statement) for each
            counts = [r.flagged for r in rollup(org, user, today.replace(day=1)) if r.flagged]
            if counts:
                out.append(_r(user, Kind.DUES, f"dues:admin:{org.pk}:{today:%Y-%m}",
                              _("%(o)s下有 %(n)d 名党员连续6个月以上未交党费（涉及 %(b)d 个下级组织），请督促所在支部了解情况")
                              % {"o": org.name, "n": sum(counts), "b": len(counts)},
                              url=reverse("dues:report", args=[org.pk]), level="warning"))
        return out

    def term_reminders(self, user):
        """换届: six months, one month, overdue (选举条例: the superior reminds about six months ahead)."""
        out, today = [], self.today
        for c in sorted(in_scope(self.terms, user, "view"), key=lambda c: (c.due_on, c.pk)):
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

    def probation_reminders(self, user):
        """预备期满 one year after the 支部大会 that admitted them (细则): from one month ahead, and for as long as
        the conversion is not recorded — an overdue conversion does not drop off the list after some days."""
        out, today = [], self.today
        for m in sorted(in_scope(self.probations, user, "change"), key=lambda m: m["pk"]):
            ends = add_years(m["joined_on"], 1)
            title = _("%(n)s 的预备期将于 %(d)s 届满，请按期召开支部大会讨论转正") % {"n": m["name"], "d": ends} if ends >= today \
                else _("%(n)s 的预备期已于 %(d)s 届满，尚未登记转正") % {"n": m["name"], "d": ends}
            out.append(_r(user, Kind.PROBATION, f"probation:{m['pk']}", title, ends, reverse("members:detail", args=[m["pk"]]),
                          "warning" if ends < today else "info"))
        return out

    def birthday_reminders(self, user, branches):
        """政治生日: a member's own anniversary; for a branch committee, one note per branch per month."""
        out, today = [], self.today
        mine = self.own.get(user.pk)
        if mine:
            years = today.year - mine.joined_on.year
            out.append(_r(user, Kind.POLITICAL_BIRTHDAY, f"birthday:self:{today:%Y-%m}",
                          _("本月是您入党 %(y)d 周年的政治生日（%(d)s）") % {"y": years, "d": mine.joined_on.strftime("%m月%d日")},
                          mine.joined_on.replace(year=today.year)))
        for org in branches:
            n, names = self.birthdays.get(org.pk, (0, []))
            if n:
                out.append(_r(user, Kind.POLITICAL_BIRTHDAY, f"birthday:{org.pk}:{today:%Y-%m}",
                              _("%(o)s本月有 %(n)d 名党员过政治生日：%(names)s") % {"o": org.name, "n": n, "names": "、".join(names[:10])},
                              url=reverse("members:list") + f"?org={org.pk}"))
        return out

    def meeting_reminders(self, user, branches, admin_orgs):
        """Meetings due or overdue this quarter: per rule for a branch; a count per rule for an admin."""
        out, quarter, today = [], self.quarter, self.today
        for org in branches:
            for r in self.verdicts.get(org.pk, []):
                if r.status in (compliance.DUE, compliance.OVERDUE):
                    out.append(_r(user, Kind.MEETING_DUE, f"meeting:{org.pk}:{r.rule.meeting_kind}:{r.rule.condition}:{quarter.code}:{r.status}",
                                  f"{org.name}：{r.sentence}", quarter.end, reverse("meetings:compliance", args=[org.pk]),
                                  "warning" if r.status == compliance.OVERDUE else "info"))
        for org in admin_orgs:  # a handful of 党委 admins: the roll-up (kept per generation, shared by its admins)
            for row in compliance.rollup_for(user, org, quarter, today):
                if row.overdue:
                    out.append(_r(user, Kind.MEETING_DUE, f"rollup:{org.pk}:{row.key[0]}:{row.key[1]}:{quarter.code}:{row.overdue}",
                                  _("%(o)s：%(q)s有 %(n)d 个组织逾期未召开%(t)s") % {"o": org.name, "q": quarter.label, "n": row.overdue, "t": row.title},
                                  quarter.end, reverse("meetings:compliance", args=[org.pk]), "warning"))
        return out

    def inactive_reminders(self, user, branches, admin_orgs):
        """Six months without organization life → a flag for the branch committee and for the org admins above
        (RULES.md; never automatic removal)."""
        out, today = [], self.today
        for org in branches:
            n, names = self.inactive.get(org.pk, (0, []))
            if n:
                out.append(_r(user, Kind.INACTIVE, f"inactive:{org.pk}:{today:%Y-%m}",
                              _("%(o)s有 %(n)d 名党员连续6个月以上未参加组织生活，请了解情况：%(names)s") % {
                                  "o": org.name, "n": n, "names": "、".join(names[:10])},
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


def _absent_since(since):
    """Members with no organization life attended since `since` (none at all, or the last before it)."""
    attended = Attendance.objects.filter(member=OuterRef("pk"), status="present", meeting__held_on__gte=since)
    return Q(joined_on__lt=since) & ~Exists(attended)


def inactive_members(user, today, orgs):
    """Members (readable by `user`, in `orgs`' subtrees) with no organization life attended for six calendar
    months, as a queryset."""
    subtree = Q(pk__in=[])
    for org in orgs:
        subtree |= Q(organization__path__startswith=org.path)
    return Member.objects.visible_to(user).on_roll().filter(subtree, _absent_since(add_months(today, -6)))


def inactive_members_in(org_ids, today):
    """The same members for many branches at once (the daily job: the branches the users hold)."""
    return Member.objects.on_roll().filter(_absent_since(add_months(today, -6)), organization__in=org_ids)


def reminders_for(user, today=None):
    return Facts([user], today or timezone.localdate()).reminders(user)


def store(reminders):
    """Insert the reminders not stored yet (the key is unique per user); returns how many are new."""
    if not reminders:
        return 0
    users = {r.user_id for r in reminders}
    before = Reminder.objects.filter(user__in=users).count() if len(users) < 1000 else Reminder.objects.count()
    for chunk in range(0, len(reminders), 5000):
        Reminder.objects.bulk_create(reminders[chunk:chunk + 5000], ignore_conflicts=True)
    after = Reminder.objects.filter(user__in=users).count() if len(users) < 1000 else Reminder.objects.count()
    return after - before


def remind(user, today=None):
    """Store today's reminders for one user; returns how many are new."""
    return store(reminders_for(user, today))


REFRESH_ON_VISIT = 600  # seconds


def remind_on_visit(user, today=None):
    """Today's reminders when the user opens the inbox — at most once every ten minutes per user (a mark in the
    shared cache): a group admin's facts are a roll-up over thousands of branches (0.6 s), which reloading the
    page must not repeat, and the daily job has usually stored them already. Returns how many are new."""
    if cache.add(f"reminders:visit:{user.pk}", True, REFRESH_ON_VISIT):
        return remind(user, today)
    return 0


def remind_all(today=None, *, email=True, batch=2000):
    """Every user's reminders for today, a batch of users at a time (each batch's facts in a few queries)."""
    today = today or timezone.localdate()
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(pk__in=Grant.objects.values("user")) | Q(pk__in=Member.objects.filter(user__isnull=False).values("user")))
             .order_by("pk"))
    total, last = 0, 0
    while True:
        chunk = list(users.filter(pk__gt=last)[:batch])
        if not chunk:
            return total
        last = chunk[-1].pk
        facts = Facts(chunk, today)
        total += store([r for u in chunk for r in facts.reminders(u)])
        if email:
            for user in chunk:
                if user.email:
                    send_digest(user, today)


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
