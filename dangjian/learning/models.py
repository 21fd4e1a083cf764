"""学习培训 (DESIGN.md capability 8; seeds 000, 001): training classes with their courses, enrolment, attendance per
course (a sheet or a QR sign-in) and anonymous feedback. A member's training hours are the hours of the courses they
attended — derived, never typed — and are held against RULES.md's yearly minimums (党员教育管理工作条例: members
≥ 32 h, secretaries and committee members ≥ 56 h)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedManager

MEMBER_MINIMUM_HOURS = 32
COMMITTEE_MINIMUM_HOURS = 56


class Audience(models.TextChoices):
    MEMBERS = "members", _("全体党员")
    COMMITTEES = "committees", _("书记和委员")


class TrainingClass(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="training_classes",
                                     verbose_name=_("主办组织"))
    title = models.CharField(_("培训班名称"), max_length=120)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    video_link = models.URLField(_("视频链接"), blank=True, help_text=_("线上培训的会议或直播链接"))
    audience = models.CharField(_("培训对象"), max_length=12, choices=Audience.choices, default=Audience.MEMBERS)
    audience_orgs = models.ManyToManyField("orgs.Organization", blank=True, related_name="+",
                                           verbose_name=_("参训组织"), help_text=_("含其下级组织；不选即主办组织"))
    agreement = models.ForeignKey("cobuilding.Agreement", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("共建协议"),
                                  help_text=_("在结对共建协议下联合举办的，同时计为一次共建活动"))
    description = models.TextField(_("说明"), blank=True)
    checkin_token = models.CharField(max_length=32, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="class_dates_in_order")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("learning:class", args=[self.pk])


class Course(models.Model):
    scope_path = "training_class__organization__path"

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(_("课程"), max_length=120)
    lecturer = models.CharField(_("授课人"), max_length=60)
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["held_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=12), name="course_hours_range")]

    def __str__(self):
        return self.title


class Enrolment(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "member"], name="enrolment_once")]


class CourseAttendance(models.Model):
    """Who attended a course: marked on the sheet or by scanning the course's code (the time is kept)."""
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="course_attendance")
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "member"], name="course_attendance_once")]
        indexes = [models.Index(fields=["member", "course"], name="course_att_member")]


class Feedback(models.Model):
    """A participant's rating and comment — kept apart from who gave it (the receipt below only prevents a second)."""
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("总体评价"), choices=[(i, "★" * i) for i in range(1, 6)])
    content_rating = models.PositiveSmallIntegerField(_("课程内容"), choices=[(i, "★" * i) for i in range(1, 6)])
    comment = models.CharField(_("意见和建议"), max_length=500, blank=True)
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class FeedbackReceipt(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "member"], name="feedback_once")]


class Material(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("材料"), upload_to="learning/%Y/")
    name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)


AUDITED = [TrainingClass, Course]
