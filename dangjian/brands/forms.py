from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.core.versioning import VersionField
from dangjian.meetings.attachments import check_attachment
from dangjian.orgs.forms import DateInput

from .models import Brand, Campaign, Milestone, Project, ReviewKind, Stage


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "declare_by", "accept_by", "ends_on", "themes", "description"]
        widgets = {"starts_on": DateInput(), "declare_by": DateInput(), "accept_by": DateInput(), "ends_on": DateInput(),
                   "themes": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        s, d, a, e = (data.get(k) for k in ("starts_on", "declare_by", "accept_by", "ends_on"))
        if s and d and a and e and not (s <= d <= a and s <= e):
            raise ValidationError(_("日期应依次为：开始日期 ≤ 申报截止 ≤ 验收截止，且开始日期不晚于结束日期"))
        return data


class BrandForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Brand
        fields = ["name", "slogan", "theme", "campaign", "declared_on", "connotation", "measures", "agreements"]
        widgets = {"declared_on": DateInput(), "connotation": forms.Textarea(attrs={"rows": 4}),
                   "measures": forms.Textarea(attrs={"rows": 4}), "agreements": forms.CheckboxSelectMultiple}

    def __init__(self, *args, owner, user, **kwargs):
        super().__init__(*args, **kwargs)
        from dangjian.cobuilding.models import Agreement

        from .models import Theme

        if not Theme.objects.exists():
            Theme.ensure_defaults()

        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).filter(
            organization__path__in=[owner.path[:i] for i in range(4, len(owner.path) + 1, 4)])
        self.fields["campaign"].empty_label = _("（不属于创建活动）")
        self.fields["agreements"].queryset = Agreement.objects.visible_to(user).filter(
            parties__organization__path__startswith=owner.path).distinct()
        self.fields["agreements"].help_text = _("品牌联建：所选共建协议的其他共建方在协议有效期内可查阅本品牌（只读）")
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            for f in ("campaign", "declared_on"):
                self.fields[f].disabled = True


class DecisionForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("决定"), choices=[])
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
    comment = forms.CharField(label=_("意见"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import NEXT_STAGE

        choices = []
        if brand.stage in NEXT_STAGE:
            nxt = NEXT_STAGE[brand.stage]
            choices.append((nxt, _("同意进入“%(s)s”") % {"s": Stage(nxt).label}))
        if brand.stage != Stage.REVOKED:
            choices.append((Stage.REVOKED, _("撤销")))
        self.fields["to_stage"].choices = choices


class EvidenceForm(forms.Form):
    """Link one record already in the system, or upload a file of the brand's/project's own."""

    meeting = forms.ModelChoiceField(label=_("组织生活记录"), queryset=None, required=False)
    activity = forms.ModelChoiceField(label=_("共建活动"), queryset=None, required=False)
    output = forms.ModelChoiceField(label=_("共建成果"), queryset=None, required=False)
    file = forms.FileField(label=_("文件或照片"), required=False)
    title = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("上传文件时必填"))
    on = forms.DateField(label=_("日期"), widget=DateInput(), required=False, help_text=_("上传文件时必填"))
    milestone = forms.ModelChoiceField(label=_("对应节点"), queryset=Milestone.objects.none(), required=False)

    def __init__(self, *args, linkable, milestones=None, **kwargs):
        super().__init__(*args, **kwargs)
        meetings, activities, outputs = linkable
        self.fields["meeting"].queryset = meetings
        self.fields["activity"].queryset = activities
        self.fields["output"].queryset = outputs
        self.fields["meeting"].label_from_instance = lambda m: f"{m.held_on} {m.get_kind_display()}：{m.topic}"
        self.fields["activity"].label_from_instance = lambda a: f"{a.held_on} {a.title}"
        self.fields["output"].label_from_instance = lambda o: f"{o.produced_on} {o.title}"
        if milestones is None:
            del self.fields["milestone"]
        else:
            self.fields["milestone"].queryset = milestones

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f:
            check_attachment(f)
        return f


class ProjectForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Project
        fields = ["title", "kind", "year", "theme", "campaign", "started_on", "problem", "goal", "measures", "owner", "team"]
        widgets = {"started_on": DateInput(), "problem": forms.Textarea(attrs={"rows": 3}),
                   "goal": forms.Textarea(attrs={"rows": 3}), "measures": forms.Textarea(attrs={"rows": 3}),
                   "team": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, owner, user, **kwargs):
        super().__init__(*args, **kwargs)
        from dangjian.members.models import Member

        people = Member.objects.on_roll().filter(organization__path__startswith=owner.path).order_by("name_initials", "name")
        self.fields["owner"].queryset = people
        self.fields["team"].queryset = people
        self.fields["team"].help_text = _("党员攻坚团队（按住 Ctrl 多选）")
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).filter(
            organization__path__in=[owner.path[:i] for i in range(4, len(owner.path) + 1, 4)])
        self.fields["campaign"].empty_label = _("（不属于创建活动）")
        self.fields["year"].min_value = 2000
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            for f in ("campaign", "started_on", "year"):
                self.fields[f].disabled = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError(_("年度应在 2000 至 2100 之间"))
        return year


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "note"]
        widgets = {"due_on": DateInput()}


class IndicatorForm(forms.ModelForm):
    """A business figure the project aims to move; the same name again updates it (e.g. the actual at year end)."""

    class Meta:
        from .models import Indicator

        model = Indicator
        fields = ["name", "unit", "baseline", "target", "actual"]


class UpdateForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput())
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ProjectMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("状态"), choices=[("running", _("实施")), ("closed", _("结项")), ("stopped", _("终止"))])
    on = forms.DateField(label=_("日期"), widget=DateInput())


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ReviewKind.choices)
    score = forms.DecimalField(label=_("得分"), min_value=0, max_value=100, decimal_places=1)
    reviewed_on = forms.DateField(label=_("评价日期"), widget=DateInput())
    comment = forms.CharField(label=_("评价意见"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


