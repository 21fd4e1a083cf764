"""A load-test group: ~N/20 branches under 50 secondary committees, N members, committees and 党小组."""
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import roles
from dangjian.accounts.models import Grant
from dangjian.members.models import Member
from dangjian.orgs.models import Committee, CommitteeMember, Organization, OrgKind

from . import builder

ROOT_CODE = "GEN"
SECONDARY = 50


def generated_root():
    return Organization.objects.filter(code=ROOT_CODE).first()


def remove_generated():
    """Delete the generated group (members first: organizations are protected while they have members)."""
    root = generated_root()
    if root is None:
        return
    with transaction.atomic():
        subtree = Organization.objects.filter(path__startswith=root.path)
        CommitteeMember.objects.filter(committee__organization__in=subtree).delete()
        Committee.objects.filter(organization__in=subtree).delete()
        Member.objects.filter(organization__in=subtree).delete()
        Grant.objects.filter(organization__in=subtree).delete()
        Organization.objects.filter(pk__in=subtree.values("pk")).order_by("-depth").delete()
        get_user_model().objects.filter(username="bench_admin").delete()


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
    return generated_root()
