"""Starting and running background jobs (core.models.Job).

`start` queues a task after the transaction that created the job commits (a worker never looks for a job that is
not there yet); with no broker configured Celery runs it in-process, so the embedded install behaves the same.
`run` is what the task calls: it re-fetches the job by id, skips a job already finished (a redelivered or duplicate
task does nothing twice), and records a failure as a message for the user, never a traceback.
"""
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)


def start(job, task):
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def run(job_id, work):
    """Run `work(job)` for the job with this id, once it has finished. `work` finishes the job itself (an import
    does so in the transaction that writes the rows, so a task redelivered after the commit finds it done)."""
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
