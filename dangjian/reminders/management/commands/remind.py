from django.core.management.base import BaseCommand

from dangjian.reminders.tasks import compute_daily_reminders


class Command(BaseCommand):
    help = "计算当天的提醒并发送邮件摘要（通过任务队列；未配置队列时在本进程内执行，可由 cron 每日调用）"

    def handle(self, *args, **options):
        result = compute_daily_reminders.delay()
        new = result.get() if result.ready() else "已提交到任务队列"
        self.stdout.write(f"新增提醒：{new}")
