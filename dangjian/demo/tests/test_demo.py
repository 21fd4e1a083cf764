from django.contrib.auth import get_user_model
from django.core.management import call_command

from dangjian.accounts.models import Grant
from dangjian.demo.demo import PASSWORD, load_demo
from dangjian.demo.generate import generate, remove_generated
from dangjian.members import idcard
from dangjian.members.models import Member, Status
from dangjian.orgs.models import Committee, Organization, OrgKind


def test_demo_builds_the_seed_group_with_a_login_per_role(db):
    load_demo()
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    branches = Organization.objects.filter(kind=OrgKind.BRANCH).count()
    assert 55 <= branches <= 65
    assert 1800 <= Member.objects.count() <= 2300
    for name in ["神渭管运公司党委", "渭化公司党委", "鹤煤三矿党委", "济二矿党委", "铸钢分公司党总支"]:
        assert Organization.objects.filter(name=name).exists()
    roles = dict(Grant.objects.values_list("user__username", "role"))
    assert roles == {"admin": "org_admin", "shuji": "branch_committee", "dangyuan": "member", "duda": "inspector",
                     "weihua": "org_admin"}
    User = get_user_model()
    for username in roles:
        assert User.objects.get(username=username).check_password(PASSWORD)
    assert Member.objects.get(user__username="shuji").committee_seats.filter(position="secretary").exists()


def test_demo_members_are_valid_roster_rows(db):
    load_demo()
    sample = list(Member.objects.all()[:400])
    for m in sample:
        assert idcard.validate_id_number(m.id_number) == m.id_number
        assert idcard.birth_date_of(m.id_number) == m.birth_date
        assert idcard.gender_of(m.id_number) == m.gender
    assert not Member.objects.filter(status=Status.PROBATIONARY, confirmed_on__isnull=False).exists()
    assert not Member.objects.filter(status=Status.FULL, confirmed_on__isnull=True).exists()
    from django.utils import timezone

    assert Committee.objects.filter(due_on__lt=timezone.localdate()).exists()  # some terms overdue for 换届


def test_load_demo_if_empty_leaves_existing_data_alone(db):
    load_demo()
    before = Member.objects.count()
    call_command("load_demo", "--if-empty")
    assert Member.objects.count() == before


def test_generated_group_is_a_valid_tree_of_the_requested_size(db):
    root = generate(600, log=lambda *a: None)
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Member.objects.in_subtree(root).count() == 600
    assert Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).count() == 30
    # numchild is what treebeard would have kept
    for org in Organization.objects.filter(path__startswith=root.path)[:50]:
        assert org.numchild == Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).count()
    remove_generated()
    assert not Organization.objects.filter(code="GEN").exists()


def test_bench_runs_end_to_end_and_writes_the_report(db, tmp_path, monkeypatch):
    import json

    from dangjian.demo import benchmarks

    # the export figure runs in a child process that cannot see this test's transaction: measure it in-process
    def fake_child(args):
        from dangjian.members.exporter import write_roster

        with open(args[1], "wb") as fh:
            write_roster(Member.objects.all(), fh)
        return 0.1, 50.0

    monkeypatch.setattr(benchmarks, "run_child", fake_child)
    figures = benchmarks.run(200, log=lambda *a: None)
    out = tmp_path / "bench.json"
    benchmarks.write_report(figures, out, append=False)
    report = json.loads(out.read_text())
    assert {"sqlite.member_list_page", "sqlite.import_time", "sqlite.export_peak_rss"} <= {
        k.replace("postgresql.", "sqlite.") for k in report}
    assert Member.objects.count() == 200  # the benchmark's imported rows are removed again
