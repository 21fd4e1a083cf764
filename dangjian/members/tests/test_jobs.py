"""Large roster imports and exports as background jobs (Production 3): progress on the page, a download when done,
the job its owner's alone, all rows or none when a worker dies, and nothing done twice when a task is redelivered."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core import jobs as jobs_core
from dangjian.core.models import Job
from dangjian.members import jobs as member_jobs
from dangjian.members.models import Member

from .roster_files import good_row, workbook


@pytest.fixture
def as_jobs(settings, monkeypatch):
    """Every upload and export is large enough for a job; tasks run in-process (no broker), as in the embedded
    install — the same code a worker runs — when the request's transaction commits (here: at once)."""
    settings.IMPORT_TASK_BYTES = 0
    settings.EXPORT_TASK_ROWS = 1
    monkeypatch.setattr(jobs_core.transaction, "on_commit", lambda fn: fn())


def rows(n, org="A1"):
    return [good_row(org, name=f"导入{i:03d}") for i in range(n)]


def test_a_large_import_is_checked_then_imported_by_jobs(world, login, as_jobs):
    client = login(world.users.secretary)
    response = client.post(reverse("members:import"), {"file": workbook(rows(30))})
    check = Job.objects.get(kind=Job.Kind.ROSTER_CHECK)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[check.pk])
    page = client.get(response["Location"]).content.decode()
    assert "校验通过：共 30 名党员" in page and not Member.objects.filter(name__startswith="导入").exists()
    assert check.result["total_rows"] == 30 and check.done == 30 and check.attempts == 1

    response = client.post(reverse("members:import_confirm"), {"job": check.pk})
    job = Job.objects.get(kind=Job.Kind.ROSTER_IMPORT)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert "已导入 30 名党员" in client.get(response["Location"]).content.decode()
    assert Member.objects.filter(name__startswith="导入", organization=world.orgs.a1).count() == 30
    # the checked file cannot be imported a second time (double click, second tab, back button)
    again = client.post(reverse("members:import_confirm"), {"job": check.pk}, follow=True)
    assert "已过期或已提交" in again.content.decode()
    assert Job.objects.filter(kind=Job.Kind.ROSTER_IMPORT).count() == 1


def test_the_progress_partial_polls_until_the_job_is_finished(world, login):
    client = login(world.users.secretary)
    job = Job.objects.create(kind=Job.Kind.ROSTER_EXPORT, user=world.users.secretary, total=4000, done=1000,
                             stage="写出 Excel", status=Job.Status.RUNNING)
    partial = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "1000 / 4000" in partial and 'value="25"' in partial
    job.finish(result={"rows": 4000, "filename": "x.xlsx"})
    partial = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in partial and "已导出 4000 名党员" in partial


def test_a_large_export_is_a_job_with_the_filters_and_scope_of_its_owner(world, login, as_jobs):
    client = login(world.users.secretary)  # A1's secretary: A1 only
    response = client.get(reverse("members:export"), {"gender": "M"})
    job = Job.objects.get(kind=Job.Kind.ROSTER_EXPORT)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)["花名册"]
    names = {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)}
    expected = set(Member.objects.on_roll().in_subtree(world.orgs.a1).filter(gender="M").values_list("name", flat=True))
    assert expected and names == expected and job.result["rows"] == len(expected)


@pytest.mark.parametrize("name", ["detail", "progress", "download"])
def test_a_job_is_its_owners_alone(world, login, as_jobs, name):
    login(world.users.secretary).get(reverse("members:export"))
    job = Job.objects.get(kind=Job.Kind.ROSTER_EXPORT)
    for other in (world.users.group_admin, world.users.outsider):
        assert login(other).get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404


def test_a_worker_dying_mid_import_leaves_nothing_and_the_redelivered_task_imports_everything(
        world, monkeypatch, settings):
    from django.core.files.base import ContentFile

    from dangjian.core import bulk

    check = Job.objects.create(kind=Job.Kind.ROSTER_CHECK, user=world.users.secretary)
    check.source.save("r.xlsx", ContentFile(workbook(rows(40)).getvalue()))
    job = Job.objects.create(kind=Job.Kind.ROSTER_IMPORT, user=world.users.secretary, source=check.source.name)
    real = bulk.insert_rows
    calls = []

    def dies_after_the_members(model, objs, **kw):
        real(model, objs, **kw)
        calls.append(model)
        if model is Member:  # the members are written; the change log is not yet: the worker is killed here
            raise SystemExit("worker killed")

    monkeypatch.setattr(bulk, "insert_rows", dies_after_the_members)
    with pytest.raises(SystemExit):  # not caught as a job failure: a killed worker does not get to report
        jobs_core.run(job.pk, member_jobs.import_checked)
    assert not Member.objects.filter(name__startswith="导入").exists()  # rolled back: none, never half
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 1

    monkeypatch.setattr(bulk, "insert_rows", real)
    jobs_core.run(job.pk, member_jobs.import_checked)  # acks_late: the broker redelivers the task
    assert Member.objects.filter(name__startswith="导入").count() == 40
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["created"] == 40 and job.attempts == 2
    jobs_core.run(job.pk, member_jobs.import_checked)  # a duplicate delivery after the commit does nothing
    assert Member.objects.filter(name__startswith="导入").count() == 40


def test_an_unexpected_failure_is_a_message_for_the_user_not_a_traceback(world, login, monkeypatch, as_jobs):
    def broken(job):
        raise RuntimeError("disk full")

    monkeypatch.setattr(member_jobs, "export", broken)
    client = login(world.users.secretary)
    response = client.get(reverse("members:export"), follow=True)
    job = Job.objects.get(kind=Job.Kind.ROSTER_EXPORT)
    assert job.status == Job.Status.FAILED and "任务编号" in job.error and "disk full" not in job.error
    assert response.status_code == 200 and "未写入任何数据" in response.content.decode()


def test_old_jobs_and_their_files_are_purged(world):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from dangjian.core.tasks import purge_old_jobs

    old = Job.objects.create(kind=Job.Kind.ROSTER_EXPORT, user=world.users.secretary)
    old.output.save("old.xlsx", ContentFile(b"x"))
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = Job.objects.create(kind=Job.Kind.ROSTER_EXPORT, user=world.users.secretary)
    recent.output.save("new.xlsx", ContentFile(b"y"))
    assert purge_old_jobs() == 1
    assert not old.output.storage.exists(old.output.name) and recent.output.storage.exists(recent.output.name)
    assert list(Job.objects.all()) == [recent]


def test_a_checked_file_with_errors_lists_them_on_the_job_page(world, login, as_jobs):
    """Every kind of message (some are lazily translated) is kept on the job as text."""
    bad = [good_row(name="坏日期", **{"出生日期": "1990-13-45"}), good_row(**{"身份证号": "123", "组织编码": "NOPE"}),
           good_row(**{"党员状态": "群众"}), good_row(**{"转正日期": ""})]
    client = login(world.users.secretary)
    response = client.post(reverse("members:import"), {"file": workbook(bad)}, follow=True)
    job = Job.objects.get(kind=Job.Kind.ROSTER_CHECK)
    assert job.status == Job.Status.DONE, job.error
    page = response.content.decode()
    assert "无法识别" in page and "NOPE" in page and "不是有效的党员状态" in page and "正式党员请填写转正日期" in page
    assert "确认导入" not in page
