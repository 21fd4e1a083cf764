"""Starting and running background jobs (core.models.Job).

`start` queues a task after the transaction that created the job commits (a worker never looks for a job that is
not there yet); with no broker configured Celery runs it in-process, so the embedded install behaves the same.
`run` is what the task calls: it re-fetches the job by id, skips a job already finished (a redelivered or duplicate
task does nothing twice), and records a failure as a message for the user, never a traceback.
"""
import logging
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)


def start(job, task):
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


BUSY = "busy"


def run(job_id, work):
    """Run `work(job)` for the job with this id, unless it has finished. `work` finishes the job itself (an import
    does so in the transaction that writes the rows, so a task redelivered after the commit finds it done).

    On PostgreSQL the run holds an advisory lock on the job: a task redelivered while another worker still runs it
    (the broker's visibility timeout is shorter than a long import) gets BUSY and retries later, while a job whose
    worker died — its connection, and so its lock, gone with it — runs again from the start."""
    with _exclusive(job_id) as mine:
        if not mine:
            return BUSY
        _run(job_id, work)


def _run(job_id, work):
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    job.refresh_from_db()
    try:
        work(job)
    except Exception:
        logger.exception("job %s failed", job_id)
        job.refresh_from_db()
        if not job.finished:
            job.finish(error=_("处理过程中出错，未写入任何数据。请重试；如仍失败请联系系统管理员（任务编号 %(id)s）") % {"id": job_id})


@contextmanager
def _exclusive(job_id):
    if connection.vendor != "postgresql":  # SQLite installs run jobs in-process or on one worker
        yield True
        return
    key = (0x6A6F62 << 32) | job_id  # "job" in the high bits: no clash with other advisory locks
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
