"""The demo group, built from the organizations named in the seed articles."""
import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from dangjian.accounts import roles
from dangjian.accounts.models import Grant
from dangjian.members.models import Member, MemberPost, PostKind, Transfer, TransferKind
from dangjian.orgs.models import ExternalOrganization, Organization, OrgKind

from . import builder

PASSWORD = "dangjian2026"

# (code, name, unit, [branches]) — subsidiaries named in the seeds (000: 神渭管运/渭化; 001: 鹤煤三矿;
# 003: 济二矿; 004: 中车眉山车辆 铸钢分公司党总支 and its 八联 partners).
SUBSIDIARIES = [
    ("SW", "神渭管运公司党委", "陕西神渭煤炭管道运输有限责任公司", [
        "机关第一党支部", "机关第二党支部", "调度运行党支部", "首站运行党支部", "中间站运行党支部",
        "末站运行党支部", "维修保障党支部", "物资供应党支部", "安全环保党支部", "离退休党支部", "工程技术党支部", "信息中心党支部"]),
    ("WH", "渭化公司党委", "陕西渭河煤化工集团有限责任公司", [
        "机关党支部", "合成氨车间党支部", "甲醇车间党支部", "尿素车间党支部", "热电车间党支部",
        "检修车间党支部", "质检中心党支部", "储运车间党支部", "销售公司党支部", "离退休党支部", "技术中心党支部", "物资供应党支部"]),
    ("HM3", "鹤煤三矿党委", "河南能源鹤煤公司三矿", [
        "综采一队党支部", "综采二队党支部", "掘进一队党支部", "掘进二队党支部", "机电队党支部", "运输队党支部",
        "通风队党支部", "机关第一党支部", "机关第二党支部", "后勤服务党支部", "离退休党支部", "选煤厂党支部"]),
    ("JE", "济二矿党委", "山东能源济宁二号煤矿", [
        "综采工区党支部", "综掘工区党支部", "机电工区党支部", "运搬工区党支部", "通防工区党支部",
        "洗选中心党支部", "机关党支部", "安监处党支部", "后勤党支部", "离退休党支部", "地测科党支部", "综采二工区党支部"]),
]
MEISHAN = ("MS", "中车眉山车辆有限公司党委", "中车眉山车辆有限公司", ["制动分公司党支部", "物流装备党支部", "机关党支部", "转向架分公司党支部", "货车修理党支部"])
ZHUGANG = ("ZG", "铸钢分公司党总支", "中车眉山车辆有限公司铸钢分公司",
           ["铸造车间党支部", "清理车间党支部", "技术质量党支部", "管理党支部", "设备能源党支部"])

USERS = [
    # username, full name, role, org code, linked member?
    ("admin", "组织部 王建华", roles.ORG_ADMIN, "G", False),
    ("shuji", None, roles.BRANCH_COMMITTEE, "SW03", True),
    ("dangyuan", None, roles.MEMBER, "SW03", True),
    ("duda", "督导组 刘志刚", roles.INSPECTOR, "SW", False),
    ("weihua", "渭化组织部 陈雪梅", roles.ORG_ADMIN, "WH", False),
]


def load_demo(*, seed=2026, stdout=None):
    rng = builder.seeded(seed)
    today = timezone.localdate()
    with builder.transaction.atomic():
        tree = builder.TreeBuilder()
        root = tree.root(kind=OrgKind.COMMITTEE, code="G", name="示范能源集团有限公司党委", short_name="集团党委",
                         unit="示范能源集团有限公司", founded_on=datetime.date(2008, 7, 1))
        branches = []
        for order, (code, name, unit, branch_names) in enumerate(SUBSIDIARIES + [MEISHAN], 1):
            sub = tree.child(root, kind=OrgKind.COMMITTEE, code=code, name=name, unit=unit, order=order,
                             founded_on=datetime.date(rng.randint(1995, 2012), 7, 1))
            parents = [(sub, branch_names)]
            if code == "MS":
                zg = tree.child(sub, kind=OrgKind.GENERAL_BRANCH, code=ZHUGANG[0], name=ZHUGANG[1], unit=ZHUGANG[2],
                                founded_on=datetime.date(2003, 7, 1))
                parents.append((zg, ZHUGANG[3]))
            for parent, bnames in parents:
                for i, bname in enumerate(bnames, 1):
                    b = tree.child(parent, kind=OrgKind.BRANCH, code=f"{parent.code}{i:02d}", name=bname, unit=parent.unit,
                                   order=i, founded_on=datetime.date(rng.randint(2000, 2018), rng.randint(1, 12), 1))
                    branches.append(b)
        groups = {}
        for b in branches:
            if "离退休" in b.name:
                continue
            for g in range(1, rng.choice([2, 3, 3, 4]) + 1):
                groups.setdefault(b.code, []).append(
                    tree.child(b, kind=OrgKind.GROUP, code=f"{b.code}G{g}", name=f"第{'一二三四'[g - 1]}党小组", order=g))
        tree.save()

        used = set(Member.objects.values_list("id_number", flat=True))
        members = []
        for idx, b in enumerate(branches):
            retired = "离退休" in b.name
            size = rng.randint(26, 46)
            probationary_share = 0.0 if retired else 0.06
            if b.code == "HM305":  # 机电队: a big branch, past 支部条例's 50
                size = 56
            if b.code == "ZG05":  # 设备能源: too few 正式党员 for a branch (warning case)
                size = 3
            gs = groups.get(b.code, [None])
            for k in range(size):
                prob = rng.random() < probationary_share or (b.code == "ZG05" and k == 0)
                members.append(builder.make_member(rng, b, used, today, group=gs[k % len(gs)], retired=retired,
                                                   probationary=prob))
        builder.bulk_members(members)

        saved = builder.fetch_members([b.pk for b in branches])
        committees = []
        for i, b in enumerate(branches):
            ms = saved.get(b.pk, [])
            # spread terms so some are overdue, some due within six months, most current
            elected = today - datetime.timedelta(days=[200, 500, 800, 1000, 1150, 1200][i % 6] + rng.randint(0, 60))
            committees.append(builder.elect(rng, b, ms, today=today, elected_on=elected))
        subs = [n for n in tree.nodes if n.depth == 2 or n.kind == OrgKind.GENERAL_BRANCH]
        for s in subs:
            pool = [m for b in branches if b.path.startswith(s.path) for m in saved.get(b.pk, [])]
            committees.append(builder.elect(rng, s, pool, today=today, term_years=5, size=7 if s.depth == 2 else 5,
                                            elected_on=today - datetime.timedelta(days=rng.randint(200, 1700))))
        builder.save_committees(committees)

        add_posts_and_transfers(rng, branches, saved, today)
        ExternalOrganization.objects.bulk_create([
            ExternalOrganization(name="中车眉山车辆有限公司研究所党支部", unit="中车眉山车辆有限公司研究所", contact="赵工",
                                 owner=Organization.objects.get(code="ZG"), note="“八联”共建：技术攻关、人才联育"),
            ExternalOrganization(name="眉山市东坡区某社区党委", unit="东坡区某社区", contact="李书记",
                                 owner=Organization.objects.get(code="ZG"), note="服务联动、群团联手"),
            ExternalOrganization(name="渭南市某村党支部", unit="渭南市某村", owner=Organization.objects.get(code="SW"),
                                 note="结对帮扶"),
        ])
        accounts = create_users(rng)
        from .meetings_demo import load_meetings

        load_meetings(rng, today)
        from django.contrib.auth import get_user_model

        from .cobuilding_demo import load_cobuilding

        load_cobuilding(get_user_model().objects.get(username="admin"), today)
        from .points_demo import load_points

        analyze()  # the points demo publishes a 党委's branches: one statement over thousands of fresh rows
        load_points(today)
        from .recruitment_demo import load_recruitment

        load_recruitment(today)
        from .dues_demo import load_dues

        load_dues(rng, today)
        from .brands_demo import load_brands

        load_brands(today)
        from .learning_demo import load_learning

        load_learning(rng, today)
    analyze()
    return accounts


def analyze():
    """PostgreSQL: give the planner the sizes of the tables just filled (it plans a fresh, unanalyzed table as
    nearly empty — a nested loop over thousands of rows that runs for minutes). Allowed inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def add_posts_and_transfers(rng, branches, saved, today):
    posts, transfers = [], []
    kinds = [(PostKind.VANGUARD, "党员先锋岗"), (PostKind.MODEL, "党员示范岗"), (PostKind.AREA, "党员责任区"),
             (PostKind.TEAM, "党员攻坚团队")]
    for b in branches:
        for m in rng.sample(saved.get(b.pk, []), min(2, len(saved.get(b.pk, [])))):
            kind, label = rng.choice(kinds)
            posts.append(MemberPost(member=m, kind=kind, title=f"{b.name.replace('党支部', '')}{label}",
                                    started_on=today - datetime.timedelta(days=rng.randint(30, 900))))
    MemberPost.objects.bulk_create(posts)
    # a few members moved between branches of the same company last year
    for a, b in zip(branches[::9], branches[1::9]):
        for m in saved.get(b.pk, [])[:1]:
            transfers.append(Transfer(member=m, kind=TransferKind.INTERNAL, from_org=a, to_org=b,
                                      transferred_on=today - datetime.timedelta(days=rng.randint(60, 400)),
                                      reason="工作调动"))
    Transfer.objects.bulk_create(transfers)


def create_users(rng):
    User = get_user_model()
    accounts = []
    for username, full_name, role, code, linked in USERS:
        org = Organization.objects.get(code=code)
        member = None
        if linked:
            qs = Member.objects.filter(organization=org, user__isnull=True, status="full")
            if role == roles.BRANCH_COMMITTEE:
                secretary = org.current_committee().seats.filter(position="secretary").first()
                member = secretary.member if secretary else qs.first()
            else:
                member = qs.exclude(committee_seats__isnull=False).first()
            full_name = member.name
        user = User.objects.create_user(username=username, password=PASSWORD, first_name=full_name or "",
                                        is_staff=(username == "admin"))
        Grant.objects.create(user=user, organization=org, role=role)
        if member:
            member.user = user
            member.save(update_fields=["user"])
        accounts.append((username, PASSWORD, dict(roles.ROLE_CHOICES)[role], org.name, full_name))
    return accounts
