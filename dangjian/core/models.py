"""Background jobs: the record a long import or export leaves behind, so the user may close the page and come back.

The task that does the work takes the job's id and re-fetches it (a redelivered task finds the job as it is), moves it
queued → running → done/failed, and reports progress on the row; the page polls it. The result file is on the
configured storage and goes out through the scope check like every upload (core/files.py), to its owner only.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A job is its owner's: nobody else sees its page, progress or file (superusers included — it may hold
        what only the owner's grants could read)."""
        return self.filter(user=user) if user.is_authenticated else self.none()


class Job(models.Model):
    class Kind(models.TextChoices):
        ROSTER_CHECK = "roster_check", _("花名册校验")
        ROSTER_IMPORT = "roster_import", _("花名册导入")
        ROSTER_EXPORT = "roster_export", _("花名册导出")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("发起人"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("当前步骤"), max_length=60, blank=True)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    source = models.FileField(_("上传文件"), upload_to="jobs/in/", blank=True)
    output = models.FileField(_("结果文件"), upload_to="jobs/out/", blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    def report(self, done, total=None, stage=None):
        """Progress, written straight to the row (outside any transaction the work holds open elsewhere)."""
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        if stage is not None:
            fields["stage"] = stage
        Job.objects.filter(pk=self.pk).update(**fields)
        for k, v in fields.items():
            setattr(self, k, v)

    def finish(self, *, result=None, error="", status=None):
        self.status = status or (self.Status.FAILED if error else self.Status.DONE)
        self.result = result if result is not None else self.result
        self.error = error
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "result", "error", "finished_at", "output", "stage"])


class Generation(models.Model):
    """Increments of a topic's generation (core.generations): its generation is the sum of its rows. Written by
    triggers in the writing transaction — on PostgreSQL one new row per statement, so concurrent writers never
    wait for each other on it; SQLite (one writer) keeps one row per topic."""

    topic = models.CharField(_("主题"), max_length=40)
    n = models.BigIntegerField(_("增量"), default=1)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")
        indexes = [models.Index(fields=["topic"], include=["n"], name="generation_topic")]

    def __str__(self):
        return f"{self.topic}+{self.n}"
