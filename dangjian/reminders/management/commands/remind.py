from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dangjian.reminders.tasks import compute_daily_reminders


class Command(BaseCommand):
    help = "计算当天的提醒并发送邮件摘要（配置了任务队列时提交给 worker；否则在本进程内执行，可由 cron 每日调用）"

    def add_arguments(self, parser):
        parser.add_argument("--in-process", action="store_true", help="不经任务队列，在本进程内立即执行")

    def handle(self, *args, in_process=False, **options):
        if in_process or settings.CELERY_TASK_ALWAYS_EAGER:
            new = compute_daily_reminders.apply().get()
            self.stdout.write(_("新增提醒：%(n)s") % {"n": new})
            return
        # A real broker, and no result backend is configured (the digest is fire-and-forget): never wait
        # for, or ask about, a result that will not be stored.
        task = compute_daily_reminders.delay()
        self.stdout.write(_("已提交到任务队列（任务 %(id)s），由 worker 执行") % {"id": task.id})
