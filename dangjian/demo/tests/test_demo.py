import datetime
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core.dates import add_years
from dangjian.demo.demo import PASSWORD, load_demo
from dangjian.demo.generate import generate, remove_generated
from dangjian.meetings.models import Attendance, Meeting, MeetingOrganization
from dangjian.members import idcard
from dangjian.members.models import Member, MemberPost, Status, Transfer
from dangjian.orgs import rules
from dangjian.orgs.models import Committee, ExternalOrganization, Organization, OrgKind


def test_demo_builds_the_seed_group_with_a_login_per_role(db, client):
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
    for username in roles:  # through the real login page (axes and all), as a person would
        response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
        assert response.status_code == 302, username
        client.logout()
    assert get_user_model().objects.get(username="admin").is_staff
    assert Member.objects.get(user__username="shuji").committee_seats.filter(position="secretary").exists()
    assert Member.objects.filter(user__username="dangyuan", organization__code="SW03").exists()


def test_demo_members_are_valid_roster_rows(db):
    load_demo()
    for m in Member.objects.all():
        assert idcard.validate_id_number(m.id_number) == m.id_number
        assert idcard.birth_date_of(m.id_number) == m.birth_date
        assert idcard.gender_of(m.id_number) == m.gender
        assert add_years(m.birth_date, 18) <= m.joined_on
    assert not Member.objects.filter(status=Status.PROBATIONARY, confirmed_on__isnull=False).exists()
    assert not Member.objects.filter(status=Status.FULL, confirmed_on__isnull=True).exists()
    assert Member.objects.filter(status=Status.PROBATIONARY).exists()
    assert not Member.objects.filter(party_group__isnull=True).exclude(organization__name="离退休党支部").exists()


def test_demo_has_committees_by_size_terms_due_and_the_warning_cases(db):
    load_demo()
    today = timezone.localdate()
    assert Committee.objects.filter(due_on__lt=today).exists()  # some terms overdue for 换届
    assert Committee.objects.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=183)).exists()
    for branch in Organization.objects.filter(kind=OrgKind.BRANCH):
        _total, full = rules.member_counts(branch)
        seats = branch.current_committee().seats.count()
        assert (seats >= 3) if full >= 7 else (seats == 1), branch.name
    warnings = {b.code: " ".join(w.message for w in rules.structural_warnings(b))
                for b in Organization.objects.filter(code__in=["ZG05", "HM305"])}
    assert "正式党员不足3名" in warnings["ZG05"]
    assert "超过50名" in warnings["HM305"]
    assert MemberPost.objects.count() > 50 and Transfer.objects.exists() and ExternalOrganization.objects.exists()
    # 发展党员 in the secretary's branch: every stage up to 预备党员, one talk overdue, one probation extended
    from dangjian.recruitment import services as recruitment
    from dangjian.recruitment.models import Candidate

    pipeline = Candidate.objects.filter(organization__code="SW03")
    assert set(pipeline.values_list("stage", flat=True)) == {"applicant", "activist", "prospect", "probationary"}
    overdue = [c for c in pipeline if any(d.overdue for d in recruitment.next_due(c, recruitment.done_of(c)))]
    assert [c.name for c in overdue if c.stage == "applicant"] == ["陈晨"]
    assert pipeline.get(stage="probationary").steps.filter(step="extension").exists()
    # a year of 党费: everyone on the roll has a base; most paid; the secretary's branch has one member flagged
    from dangjian.dues import services as dues
    from dangjian.dues.models import DuesBase

    assert DuesBase.objects.count() == Member.objects.on_roll().count()
    if today.month > 7:  # (in the year's first months nobody can be six months behind yet)
        branch = Member.objects.on_roll().filter(organization__code="SW03")
        owing = dues.arrears(branch, dues.add_months(today.replace(day=1), -1))
        assert sum(a.flagged for a in owing.values()) == 1 and len(owing) < branch.count() / 2


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
    nodes = list(Organization.objects.filter(path__startswith=root.path))
    assert Organization.objects.get_descendant_count(root) == len(nodes) - 1
    children = Counter(n.path[:-Organization.steplen] for n in nodes)
    assert all(n.numchild == children[n.path] for n in nodes)  # what treebeard itself would have kept
    assert not Member.objects.filter(name_initials="").exists()
    # the copied facts on MeetingOrganization agree with their meetings (the compliance counts read them)
    assert MeetingOrganization.objects.count() == Meeting.objects.count() > 0
    assert not MeetingOrganization.objects.exclude(kind=F("meeting__kind"), held_on=F("meeting__held_on")).exists()
    remove_generated()
    assert not Organization.objects.exists()
    assert not (Member.objects.exists() or Meeting.objects.exists() or Attendance.objects.exists())
    assert not get_user_model().objects.filter(username="bench_admin").exists()


def test_generate_refuses_to_build_a_second_group_unless_replacing(db):
    call_command("generate", "--members", "40", stdout=StringIO())
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate", "--members", "40", stdout=StringIO())
    call_command("generate", "--members", "60", "--replace", stdout=StringIO())
    assert Organization.objects.filter(code="GEN").count() == 1
    assert Member.objects.count() == 60


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
    figures = benchmarks.run(200, log=lambda *a: None, load=False)  # gunicorn could not see this test's rows
    out = tmp_path / "bench.json"
    benchmarks.write_report(figures, out, append=False)
    report = json.loads(out.read_text())
    assert {"sqlite.member_list_page", "sqlite.import_time", "sqlite.export_peak_rss"} <= {
        k.replace("postgresql.", "sqlite.") for k in report}
    assert Member.objects.count() == 200  # the benchmark's imported rows are removed again…
    from auditlog.models import LogEntry  # …without leaving 200 "deleted" entries in the change log

    assert not LogEntry.objects.filter(object_id__gt=Member.objects.order_by("-id").first().pk,
                                       content_type__model="member").exists()
