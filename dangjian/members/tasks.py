"""Roster tasks: they take a job id, and core.jobs.run re-fetches it (idempotent under redelivery)."""
from celery import shared_task

from dangjian.core.jobs import run

from . import jobs


@shared_task
def check_roster(job_id):
    run(job_id, jobs.check)


@shared_task
def import_roster(job_id):
    run(job_id, jobs.import_checked)


@shared_task
def export_roster(job_id):
    run(job_id, jobs.export)
