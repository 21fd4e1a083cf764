from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.meetings.attachments import check_attachment
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organization

from .models import Course, TrainingClass


class TrainingClassForm(forms.ModelForm):
    audience_codes = forms.CharField(label=_("参训组织（编码）"), required=False,
                                     help_text=_("用逗号分隔，含其下级组织；不填即本组织全体"))
    video_link = forms.URLField(label=_("视频链接"), required=False, assume_scheme="https",
                                help_text=_("线上培训的会议或直播链接"))

    class Meta:
        model = TrainingClass
        fields = ["title", "starts_on", "ends_on", "place", "video_link", "audience", "agreement", "description"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, organizer, **kwargs):
        super().__init__(*args, **kwargs)
        from dangjian.cobuilding.models import Agreement

        self.user, self.organizer = user, organizer
        self.fields["agreement"].queryset = Agreement.objects.visible_to(user).filter(
            parties__organization__path__startswith=organizer.path, status="in_force").distinct()
        self.fields["agreement"].empty_label = _("（不是联合培训）")

    def clean_audience_codes(self):
        codes = [c.strip() for c in self.cleaned_data.get("audience_codes", "").replace("，", ",").split(",") if c.strip()]
        found = {o.code: o for o in Organization.objects.visible_to(self.user).filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(_("组织编码 %(c)s 不存在或不在您的管辖范围内") % {"c": "、".join(missing)})
        return list(found.values())

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("结束日期不能早于开始日期"))
        return data


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "lecturer", "held_on", "hours"]
        widgets = {"held_on": DateInput()}

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if not 0 < hours <= 12:
            raise ValidationError(_("每门课程的学时应大于 0、不超过 12"))
        return hours


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("总体评价"), coerce=int, choices=[(i, "★" * i) for i in range(5, 0, -1)],
                                    widget=forms.RadioSelect)
    content_rating = forms.TypedChoiceField(label=_("课程内容"), coerce=int, choices=[(i, "★" * i) for i in range(5, 0, -1)],
                                            widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见和建议"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("匿名提交：主办方只看到评分和意见，看不到是谁提交的"))


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("培训材料"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        check_attachment(f)
        return f


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=[])
    text = forms.CharField(label=_("题目"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    options = forms.CharField(label=_("选项"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("选择题每行一个选项，依次为 A、B、C…"))
    answer = forms.CharField(label=_("答案"), max_length=200, help_text=_("选择题填字母（多选如 ACD）；判断题填“对”或“错”；填空题多个可接受答案用 | 分隔"))
    tags = forms.CharField(label=_("标签"), max_length=100, required=False)
    difficulty = forms.TypedChoiceField(label=_("难度"), coerce=int, choices=[(1, _("易")), (2, _("中")), (3, _("难"))], initial=2)
    explanation = forms.CharField(label=_("解析"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import QuestionKind

        self.fields["kind"].choices = QuestionKind.choices

    def clean(self):
        from .quiz import check_question

        data = super().clean()
        data["options"] = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        if "kind" in data:
            for field, message in check_question(data["kind"], data.get("text"), data["options"], data.get("answer")).items():
                self.add_error(field if field in self.fields else None, message)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("题库文件（Excel）"))


class ContestForm(forms.ModelForm):
    class Meta:
        from .models import Contest

        model = Contest
        fields = ["title", "opens_at", "closes_at", "time_limit", "attempts", "mode", "random_count", "random_tag",
                  "random_difficulty", "questions"]
        widgets = {"opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "questions": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args, bank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = bank
        self.fields["questions"].label_from_instance = lambda q: f"[{q.get_kind_display()}] {q.text[:50]}"
        self.fields["questions"].help_text = _("固定题目（按住 Ctrl 多选）；设置了随机抽题数时不用")

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("截止时间须晚于开始时间"))
        if not 1 <= (data.get("time_limit") or 0) <= 240:
            self.add_error("time_limit", _("答题时限应在 1 至 240 分钟之间"))
        if not 1 <= (data.get("attempts") or 0) <= 10:
            self.add_error("attempts", _("可作答次数应在 1 至 10 之间"))
        if not data.get("random_count") and not data.get("questions"):
            self.add_error("questions", _("请选择固定题目，或设置随机抽题数"))
        return data
