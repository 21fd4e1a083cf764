from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedManager

from .roles import ROLE_ACTIONS, ROLE_CHOICES


class Grant(models.Model):
    """A user holds a role on an organization and, through it, on the organization's subtree."""

    scope_path = "organization__path"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants", verbose_name=_("用户")
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="grants", verbose_name=_("组织")
    )
    role = models.CharField(_("角色"), max_length=32, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="grant_unique_user_org_role")
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"

    @property
    def actions(self):
        return ROLE_ACTIONS.get(self.role, frozenset())
AUDITED = [Grant]
