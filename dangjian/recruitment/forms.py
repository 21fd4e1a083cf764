from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.meetings.models import Meeting, MeetingKind, MeetingStatus, Vote
from dangjian.members.models import Member, Status
from dangjian.orgs.forms import DateInput

from .steps import BY_CODE, CHOICES


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    applied_on = forms.DateField(label=_("递交入党申请书日期"), widget=DateInput())
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class StepForm(forms.Form):
    """One step of the 25 for a candidate of `org`: the meetings, votes and members offered are the branch's."""

    step = forms.ChoiceField(label=_("步骤"), choices=CHOICES)
    done_on = forms.DateField(label=_("日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("截止日期"), widget=DateInput(), required=False,
                              help_text=_("公示：公示截止日期；延长预备期：延长至"))
    meeting = forms.ModelChoiceField(label=_("会议记录"), queryset=Meeting.objects.none(), required=False,
                                     help_text=_("支委会或支部大会的会议记录"))
    vote = forms.ModelChoiceField(label=_("表决"), queryset=Vote.objects.none(), required=False,
                                  help_text=_("支部大会讨论接收或转正时的表决（在会议记录中登记）"))
    people = forms.ModelMultipleChoiceField(label=_("培养联系人/入党介绍人"), queryset=Member.objects.none(),
                                            required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    days = forms.IntegerField(label=_("培训天数"), min_value=0, max_value=365, required=False)
    hours = forms.DecimalField(label=_("培训学时"), min_value=0, max_value=1000, decimal_places=1, required=False)
    passed = forms.BooleanField(label=_("通过（政审、预审、审批）"), required=False, initial=True)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    attachment = forms.FileField(label=_("材料"), required=False)

    def __init__(self, *args, org, available, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(c, label) for c, label in CHOICES if c in available]
        meetings = (Meeting.objects.filter(organization=org, status=MeetingStatus.HELD,
                                           kind__in=[MeetingKind.COMMITTEE, MeetingKind.GENERAL_ASSEMBLY])
                    .order_by("-held_on")[:60])
        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).order_by("-held_on")
        self.fields["vote"].queryset = (Vote.objects.filter(meeting__organization=org,
                                                            meeting__kind=MeetingKind.GENERAL_ASSEMBLY)
                                        .select_related("meeting").order_by("-meeting__held_on"))
        self.fields["vote"].label_from_instance = lambda v: f"{v.meeting.held_on} {v.subject}（赞成 {v.yes}）"
        self.fields["people"].queryset = (Member.objects.on_roll().filter(organization=org, status=Status.FULL)
                                          .order_by("name_initials"))

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f:
            from dangjian.meetings.attachments import check_attachment

            check_attachment(f)
        return f

    def clean_step(self):
        code = self.cleaned_data["step"]
        return BY_CODE[code].code
