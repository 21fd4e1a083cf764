"""Roster tasks: they take a job id, and core.jobs.run re-fetches it (idempotent under redelivery); a job another
worker is still running is retried a little later."""
from celery import shared_task

from dangjian.core.jobs import BUSY, run

from . import jobs

RETRY = {"bind": True, "max_retries": None, "default_retry_delay": 15}


def _run_or_retry(task, job_id, work):
    if run(job_id, work) == BUSY:
        raise task.retry()


@shared_task(**RETRY)
def check_roster(self, job_id):
    _run_or_retry(self, job_id, jobs.check)


@shared_task(**RETRY)
def import_roster(self, job_id):
    _run_or_retry(self, job_id, jobs.import_checked)


@shared_task(**RETRY)
def export_roster(self, job_id):
    _run_or_retry(self, job_id, jobs.export)
