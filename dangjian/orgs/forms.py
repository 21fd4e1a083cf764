from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member

from .models import Committee, ExternalOrganization, Organization, OrgKind, Position, validate_parent


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganizationForm(forms.ModelForm):
    """Create (under a given parent) or edit an organization. The parent comes from the URL, never a free choice."""

    class Meta:
        model = Organization
        fields = ["kind", "code", "name", "short_name", "unit", "founded_on", "dissolved_on", "order", "leader"]
        widgets = {"founded_on": DateInput(), "dissolved_on": DateInput()}

    def __init__(self, *args, user, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.parent = parent
        if self.instance.pk:
            # Changing the kind would break the tree's rules for existing children; re-create instead.
            self.fields["kind"].disabled = True
        if self.instance.pk and self.instance.kind == OrgKind.GROUP:
            branch = Organization.objects.get_parent(self.instance)
            self.fields["leader"].queryset = (
                Member.objects.visible_to(user).on_roll().filter(organization=branch).order_by("name_initials", "name")
            )
        else:
            del self.fields["leader"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind
        if not self.instance.pk and kind:
            try:
                validate_parent(kind, self.parent)
            except ValidationError as e:
                self.add_error("kind", e)
        return cleaned


class MoveForm(forms.Form):
    new_parent_code = forms.CharField(label=_("新的上级组织编码"), max_length=40)

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.org = org

    def clean_new_parent_code(self):
        code = self.cleaned_data["new_parent_code"].strip()
        parent = Organization.objects.visible_to(self.user, "move_org").filter(code=code).first()
        if parent is None:
            raise ValidationError(_("组织编码 %(code)s 不存在或不在您的管辖范围内") % {"code": code})
        if parent.path.startswith(self.org.path):
            raise ValidationError(_("不能移动到自身或其下级组织之下"))
        try:
            validate_parent(self.org.kind, parent)
        except ValidationError as e:
            raise ValidationError(e.messages) from None
        return parent


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["term_number", "elected_on", "term_years"]
        widgets = {"elected_on": DateInput()}

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        candidates = (
            Member.objects.visible_to(user).on_roll().in_subtree(organization).order_by("name_initials", "name").only("id", "name")
        )
        from .rules import committee_size, default_term_years

        # as many seats as the organization's kind allows (a 基层党委 up to 11), never silently fewer
        self.seat_count = committee_size(organization.kind)[2]
        if self.instance.pk:
            self.seat_count = max(self.seat_count, self.instance.seats.count())
        self.seat_fields = []
        for i in range(self.seat_count):
            m, p = f"seat_{i}_member", f"seat_{i}_position"
            self.fields[m] = forms.ModelChoiceField(
                label=_("委员%(n)d") % {"n": i + 1}, queryset=candidates, required=False
            )
            self.fields[p] = forms.ChoiceField(
                label=_("职务"), choices=[("", _("请选择"))] + list(Position.choices), required=False
            )
            self.seat_fields.append((self[m], self[p]))
        if not self.instance.pk:
            last = organization.committees.order_by("-term_number").first()
            self.initial.setdefault("term_number", (last.term_number + 1) if last else 1)
            self.initial.setdefault("term_years", default_term_years(organization.kind))
        else:  # correcting the current term (补选, a seat changes hands): start from today's seats
            for i, seat in enumerate(self.instance.seats.order_by("order", "id")):
                self.initial[f"seat_{i}_member"] = seat.member_id
                self.initial[f"seat_{i}_position"] = seat.position

    def clean(self):
        cleaned = super().clean()
        seats, seen = [], set()
        for i in range(self.seat_count):
            member, position = cleaned.get(f"seat_{i}_member"), cleaned.get(f"seat_{i}_position")
            if member and not position:
                self.add_error(f"seat_{i}_position", _("请选择职务"))
            elif position and not member:
                self.add_error(f"seat_{i}_member", _("请选择党员"))
            elif member:
                if member.pk in seen:
                    self.add_error(f"seat_{i}_member", _("同一名党员不能重复任职"))
                seen.add(member.pk)
                seats.append((member, position))
        if not seats:
            raise ValidationError(_("请至少登记一名委员（书记）"))
        if sum(1 for _m, p in seats if p == Position.SECRETARY) > 1:
            raise ValidationError(_("书记只能有一名"))
        from .rules import committee_size

        most = committee_size(self.organization.kind)[2]
        if len(seats) > most:
            raise ValidationError(_("%(k)s委员会最多%(m)d人") % {"k": self.organization.get_kind_display(), "m": most})
        term = cleaned.get("term_number")
        if term and Committee.objects.filter(organization=self.organization, term_number=term).exclude(
                pk=self.instance.pk).exists():
            self.add_error("term_number", _("第%(n)s届委员会已登记") % {"n": term})
        cleaned["seats"] = seats
        return cleaned


class ExternalOrganizationForm(forms.ModelForm):
    """A partner outside the tree, registered by (and visible within) one of the user's organizations."""

    class Meta:
        model = ExternalOrganization
        fields = ["name", "unit", "contact", "phone", "note", "owner"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Registering organizations are few (committees and branches a user administers), so a <select> is fine
        # — but only down to 党委/党总支 level plus the user's own grant organizations.
        self.fields["owner"].queryset = (
            Organization.objects.visible_to(user, "manage_org")
            .exclude(kind=OrgKind.GROUP)
            .filter(depth__lte=3)
            .order_by("path")
        )
