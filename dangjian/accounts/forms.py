from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.members.forms import OrgCodeField
from dangjian.members.idcard import normalize
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from .roles import MANAGE_GRANTS, MEMBER, ROLE_CHOICES

User = get_user_model()


class AccountGrantForm(forms.Form):
    """Open an account (or reuse one) and grant it a role on an organization in the granter's subtree."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput, required=False, help_text=_("新账号必填；已有账号留空")
    )
    organization = OrgCodeField(label=_("授权组织"), action=MANAGE_GRANTS, units_only=False)
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)
    member_id_number = forms.CharField(
        label=_("对应党员身份证号"), max_length=18, required=False, help_text=_("角色为“党员”时必填，用于关联本人档案")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.granter = user
        self.fields["organization"].for_user(user, Organization.objects.visible_to(user, MANAGE_GRANTS))

    def clean(self):
        cleaned = super().clean()
        username = cleaned.get("username")
        existing = User.objects.filter(username=username).first() if username else None
        cleaned["existing_user"] = existing
        if existing is None and username:
            if not cleaned.get("password"):
                self.add_error("password", _("新账号请设置初始密码"))
            else:
                try:
                    password_validation.validate_password(cleaned["password"])
                except ValidationError as e:
                    self.add_error("password", e)
        org = cleaned.get("organization")
        if cleaned.get("role") == MEMBER and org:
            number = normalize(cleaned.get("member_id_number", ""))
            member = Member.objects.visible_to(self.granter).in_subtree(org).filter(id_number=number).first()
            if member is None:
                self.add_error("member_id_number", _("在该组织中找不到此身份证号的党员"))
            elif member.user_id and (existing is None or member.user_id != existing.pk):
                self.add_error("member_id_number", _("该党员已关联其他账号"))
            elif existing is not None and Member.objects.filter(user=existing).exclude(pk=member.pk).exists():
                # One account, one member record (Member.user is one-to-one).
                self.add_error("username", _("该账号已关联另一名党员的档案，不能再关联此党员"))
            cleaned["member"] = member
        return cleaned
