import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TERM = "term", _("换届")
    PROBATION = "probation", _("预备党员转正")
    POLITICAL_BIRTHDAY = "birthday", _("政治生日")
    MEETING_DUE = "meeting_due", _("会议待召开")
    INACTIVE = "inactive", _("长期未参加组织生活")
    RECRUITMENT = "recruitment", _("发展党员")
    DUES = "dues", _("党费")
    BRANDS = "brands", _("品牌与项目")


class ReminderQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Reminder(models.Model):
    """One thing a user should act on. `key` makes the daily job idempotent: the same fact on the same
    day range is one reminder, however often the job runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=120)
    title = models.CharField(_("提醒"), max_length=200)
    due_on = models.DateField(_("日期"), null=True, blank=True)
    url = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=10, default="info")  # info / warning
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["read_at", "due_on", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_inbox")]

    def __str__(self):
        return self.title


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar feed; regenerating it revokes the old one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)

    @classmethod
    def for_user(cls, user):
        feed, _created = cls.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
        return feed

    def regenerate(self):
        self.token = secrets.token_urlsafe(32)
        self.save(update_fields=["token"])


class DigestSent(models.Model):
    """The daily e-mail digest went to this user on this day. The unique key, inserted in the same transaction
    as the sending, is what makes the digest go out at most once a day even when a task is retried after a worker
    died or two beat schedulers run — the database decides, not a hope."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]
