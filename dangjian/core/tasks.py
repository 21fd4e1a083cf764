import datetime

from celery import shared_task


@shared_task
def purge_old_jobs(days=7):
    """Jobs and their files are kept a week: long enough to come back for a download, not an archive of exports."""
    from django.utils import timezone

    from .models import Job

    cutoff = timezone.now() - datetime.timedelta(days=days)
    removed = 0
    for job in Job.objects.filter(created_at__lt=cutoff).iterator():
        for f in (job.output, job.source):
            if f and not Job.objects.filter(source=f.name).exclude(pk=job.pk).filter(created_at__gte=cutoff).exists():
                f.delete(save=False)
        job.delete()
        removed += 1
    return removed
