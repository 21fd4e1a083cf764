"""A load-test group: ~N/20 branches under 50 secondary committees, N members, committees and 党小组."""
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import roles
from dangjian.accounts.models import Grant
from dangjian.members.models import Member
from dangjian.orgs.models import CommitteeMember, Organization, OrgKind

from . import builder

ROOT_CODE = "GEN"
SECONDARY = 50


def generated_root():
    return Organization.objects.filter(code=ROOT_CODE).first()


def remove_generated():
    """Delete the generated group with everything that points at it (members, committees, meetings, grants…)."""
    root = generated_root()
    if root is None:
        return
    with transaction.atomic():
        from dangjian.cobuilding.models import Agreement

        builder.purge(Agreement.objects.filter(title__startswith=AGREEMENT_PREFIX))
        builder.purge(Organization.objects.filter(path__startswith=root.path))
        builder.purge(get_user_model().objects.filter(username__startswith="bench_"))


def generate(members, *, seed=7, log=print):
    rng = builder.seeded(seed)
    today = timezone.localdate()
    branches_total = max(1, members // 20)
    with transaction.atomic():
        tree = builder.TreeBuilder()
        root = tree.root(kind=OrgKind.COMMITTEE, code=ROOT_CODE, name="压测集团党委", unit="压测集团",
                         founded_on=datetime.date(2000, 7, 1))
        parents = []
        for i in range(1, min(SECONDARY, branches_total) + 1):
            sub = tree.child(root, kind=OrgKind.COMMITTEE, code=f"GEN{i:02d}", name=f"压测二级单位{i}党委", order=i,
                             unit=f"压测二级单位{i}")
            parents.append(sub)
            if i % 5 == 0:  # every fifth unit has two 党总支 with branches of their own
                for j in (1, 2):
                    parents.append(tree.child(sub, kind=OrgKind.GENERAL_BRANCH, code=f"GEN{i:02d}Z{j}",
                                              name=f"压测二级单位{i}第{j}党总支", unit=sub.unit))
        branches = []
        for k in range(branches_total):
            parent = parents[k % len(parents)]
            branches.append(tree.child(parent, kind=OrgKind.BRANCH, code=f"GENB{k + 1:05d}", name=f"压测第{k + 1}党支部",
                                       unit=parent.unit))
        groups = {b.code: [tree.child(b, kind=OrgKind.GROUP, code=f"{b.code}G{g}", name=f"第{g}党小组")
                           for g in (1, 2)] for b in branches}
        tree.save()
        log(f"组织：{len(tree.nodes)} 个（党支部 {len(branches)} 个）")

        used = set(Member.objects.values_list("id_number", flat=True))
        batch = []
        for n in range(members):
            b = branches[n % len(branches)]
            batch.append(builder.make_member(rng, b, used, today, group=groups[b.code][n % 2],
                                             probationary=rng.random() < 0.04))
            if len(batch) >= 10000:
                builder.bulk_members(batch)
                batch = []
        builder.bulk_members(batch)
        log(f"党员：{members} 名")

        saved = builder.fetch_members([b.pk for b in branches])
        builder.save_committees([builder.elect(rng, b, saved.get(b.pk, []), today=today) for b in branches])
        user, _ = get_user_model().objects.get_or_create(username="bench_admin", defaults={"first_name": "压测管理员"})
        user.set_unusable_password()
        user.save()
        Grant.objects.get_or_create(user=user, organization=Organization.objects.get(code=ROOT_CODE), role=roles.ORG_ADMIN)
        generate_meetings(generated_root(), log=log)
        generate_people_and_pairings(generated_root(), log=log)
    return generated_root()


def generate_meetings(root, *, years=2, seed=11, log=print):
    """Two years of meetings and attendance for the generated group: monthly 主题党日, 支委会 and 党小组会,
    quarterly 党员大会 and 党课 (one by the secretary each year); about one branch in eight falls behind."""
    from dangjian.meetings.models import Attendance, Meeting, MeetingOrganization
    from dangjian.meetings.periods import month

    rng = builder.seeded(seed)
    today = timezone.localdate()
    branches = list(Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).values_list("pk", "path"))
    groups = {}
    for pk, path in Organization.objects.filter(path__startswith=root.path, kind=OrgKind.GROUP).values_list("pk", "path"):
        groups.setdefault(path[:-Organization.steplen], []).append(pk)
    roll, full = {}, set()
    for pk, org_id, status in Member.objects.filter(organization__path__startswith=root.path).values_list(
            "pk", "organization_id", "status"):
        roll.setdefault(org_id, []).append(pk)
        if status == "full":
            full.add(pk)
    seats = {}
    for org_id, member_id in CommitteeMember.objects.filter(committee__organization__path__startswith=root.path) \
            .values_list("committee__organization_id", "member_id"):
        seats.setdefault(org_id, []).append(member_id)
    months = []
    for back in range(12 * years - 1, -1, -1):
        y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
        months.append(month(y, m + 1))

    total_meetings = total_attendance = 0
    for start in range(0, len(branches), 500):  # in slices, so memory stays flat
        plans = []
        for pk, path in branches[start:start + 500]:
            behind = rng.random() < 0.125
            for span in months:
                def day(lo, hi):
                    return span.start + datetime.timedelta(days=rng.randint(lo, hi))

                if not (behind and rng.random() < 0.4):
                    plans.append((pk, "theme_day", day(1, 25), roll.get(pk, []), False))
                if len(seats.get(pk, [])) >= 3 and not (behind and rng.random() < 0.4):
                    plans.append((pk, "committee", day(0, 6), seats[pk], False))
                for g in groups.get(path, []):
                    plans.append((g, "group", day(5, 26), [], False))
                if span.start.month % 3 == 0 and not (behind and rng.random() < 0.5):
                    plans.append((pk, "general_assembly", day(8, 20), roll.get(pk, []), False))
                    plans.append((pk, "lecture", day(10, 25), [], span.start.month == 6))
        plans = [p for p in plans if p[2] <= today]
        # the branch's meetings are chaired (主持) by its secretary, the first seat: hosting earns points too
        meetings = [Meeting(organization_id=org, kind=kind, topic="压测会议", held_on=d, status="held",
                            secretary_lectured=lect, host_id=(seats.get(org) or roll.get(org) or [None])[0] if people else None)
                    for org, kind, d, people, lect in plans]
        Meeting.objects.bulk_create(meetings, batch_size=5000)
        attendance, quorate = [], []
        for m, (_org, kind, _d, people, _l) in zip(meetings, plans):
            present = 0
            for member_id in people:
                r = rng.random()
                voting = kind == "committee" or member_id in full  # as services.has_vote decides it
                present += r < 0.92
                attendance.append((m.pk, member_id, "present" if r < 0.92 else ("leave" if r < 0.98 else "absent"),
                                   "出差" if 0.92 <= r < 0.98 else "", voting))
            quorate.append(kind != "committee" or present * 2 > len(people))  # as services.is_quorate
        facts = ["kind", "held_on", "held", "secretary_lectured"]  # copied as MeetingOrganization.of() would
        builder.insert_rows(MeetingOrganization, ["meeting", "organization", *facts, "quorate"],
                            [(m.pk, p[0], *(m.participation_facts(p[0])[f] for f in facts), q)
                             for m, p, q in zip(meetings, plans, quorate)])
        builder.insert_rows(Attendance, ["meeting", "member", "status", "reason", "voting"], attendance)
        total_meetings += len(meetings)
        total_attendance += len(attendance)
    log(f"会议：{total_meetings} 次，出勤记录：{total_attendance} 条")
    return total_meetings, total_attendance


SECRETARY_PREFIX = "bench_s"
MEMBER_PREFIX = "bench_m"
AGREEMENT_PREFIX = "压测结对"


def generate_people_and_pairings(root, *, agreements=1000, log=print):
    """Accounts as a real group has them — a secretary account per branch (支部书记/支委 on that branch, linked to
    the secretary's member record) and a login for one ordinary member per branch — and `agreements` branch
    pairings in force, confirmed by both sides, with targets and records: the paths a secretary and the group
    admin take at scale (meeting list, meetings API, co-building overview) are then in `make bench`."""
    import random

    from dangjian.cobuilding.models import Activity, Agreement, Output, Party, Target
    from dangjian.core.bulk import insert_rows

    User = get_user_model()
    now = timezone.now()
    today = timezone.localdate()
    rng = random.Random(13)
    branches = list(Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).order_by("code")
                    .values_list("pk", "code"))
    with transaction.atomic():
        secretaries = dict(CommitteeMember.objects.filter(
            committee__organization__in=[pk for pk, _c in branches], committee__ended_on__isnull=True,
            position="secretary").values_list("committee__organization", "member"))
        ordinary = {}
        for org, member in (Member.objects.filter(organization__in=[pk for pk, _c in branches], ended_on__isnull=True)
                            .exclude(pk__in=secretaries.values()).order_by("organization", "pk")
                            .values_list("organization", "pk")):
            ordinary.setdefault(org, member)
        users = []
        for k, (pk, code) in enumerate(branches, 1):
            users.append(User(username=f"{SECRETARY_PREFIX}{k:05d}", first_name=f"{code}书记", password="!",
                              date_joined=now))
            users.append(User(username=f"{MEMBER_PREFIX}{k:05d}", first_name=f"{code}党员", password="!", date_joined=now))
        insert_rows(User, users)
        ids = dict(User.objects.filter(username__startswith="bench_").values_list("username", "pk"))
        grants, links = [], []
        for k, (pk, _code) in enumerate(branches, 1):
            s, m = ids[f"{SECRETARY_PREFIX}{k:05d}"], ids[f"{MEMBER_PREFIX}{k:05d}"]
            grants.append(Grant(user_id=s, organization_id=pk, role=roles.BRANCH_COMMITTEE, created_at=now))
            grants.append(Grant(user_id=m, organization_id=pk, role=roles.MEMBER, created_at=now))
            if pk in secretaries:
                links.append(Member(pk=secretaries[pk], user_id=s))
            if pk in ordinary:
                links.append(Member(pk=ordinary[pk], user_id=m))
        insert_rows(Grant, grants)
        Member.objects.bulk_update(links, ["user"], batch_size=2000)
        log(f"账号：党支部书记 {len(branches)} 个，党员 {len(branches)} 个")

        # branch k pairs with a branch half the group away (another secondary unit)
        half = len(branches) // 2
        count = min(agreements, half)
        start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
        insert_rows(Agreement, [Agreement(title=f"{AGREEMENT_PREFIX}{i + 1:04d}", level="branch", starts_on=start, ends_on=end,
                                          signed_on=start, status="in_force", created_at=now) for i in range(count)])
        made = dict(Agreement.objects.filter(title__startswith=AGREEMENT_PREFIX).values_list("title", "pk"))
        pairs = {made[f"{AGREEMENT_PREFIX}{i + 1:04d}"]: (branches[i][0], branches[i + half][0]) for i in range(count)}
        insert_rows(Party, [Party(agreement_id=a, organization_id=o, confirmed_at=now)
                            for a, orgs in pairs.items() for o in orgs])
        insert_rows(Target, [Target(agreement_id=a, measure=measure, min_count=n, who=who)
                             for a in pairs for measure, n, who in (("activity", 4, "jointly"), ("review", 2, "each"),
                                                                    ("output", 1, "jointly"))])
        days = (today - start).days
        insert_rows(Activity, [Activity(agreement_id=a, title=f"联建活动{j}", category="study", is_exchange=j == 1,
                                        held_on=start + datetime.timedelta(days=rng.randint(0, max(0, days))))
                               for a in pairs for j in range(rng.randint(0, 4))])
        party_ids = {}
        for a, p in Party.objects.filter(agreement__in=list(pairs)).values_list("agreement", "pk"):
            party_ids.setdefault(a, []).append(p)
        through = Activity.parties.through
        insert_rows(through, [through(activity_id=act, party_id=p) for act, a in
                              Activity.objects.filter(agreement__in=list(pairs)).values_list("pk", "agreement")
                              for p in party_ids[a]])
        insert_rows(Output, [Output(agreement_id=a, kind="system", title="联建制度", produced_on=start)
                             for a in pairs if rng.random() < 0.5])
        log(f"共建协议：{count} 份（生效）")
