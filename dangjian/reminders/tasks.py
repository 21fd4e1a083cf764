from celery import shared_task


@shared_task
def compute_daily_reminders():
    """The daily job: reminders for every user, then an e-mail digest to those with an address."""
    from .services import remind_all

    return remind_all()
