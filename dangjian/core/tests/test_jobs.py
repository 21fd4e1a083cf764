"""core.jobs.run: a job another worker is still running is not run twice (PostgreSQL advisory lock), a job whose
worker died runs again, a finished job never does."""
import pytest
from django.db import connection

from dangjian.core import jobs
from dangjian.core.models import Job


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_a_job_locked_by_another_worker_is_busy_then_runs_once_the_lock_is_gone(django_user_model):
    import psycopg

    user = django_user_model.objects.create(username="owner")
    job = Job.objects.create(kind=Job.Kind.ROSTER_EXPORT, user=user, status=Job.Status.RUNNING)
    ran = []
    s = connection.settings_dict
    other = psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], password=s["PASSWORD"])
    other.execute("SELECT pg_advisory_lock(%s)", [(0x6A6F62 << 32) | job.pk])
    try:
        assert jobs.run(job.pk, lambda j: ran.append(j.pk)) == jobs.BUSY and ran == []
    finally:
        other.close()  # the other worker dies: its lock goes with its connection
    assert jobs.run(job.pk, lambda j: (ran.append(j.pk), j.finish())) is None and ran == [job.pk]
    jobs.run(job.pk, lambda j: ran.append("again"))
    assert ran == [job.pk]
