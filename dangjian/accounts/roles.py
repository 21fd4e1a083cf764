"""Roles are named sets of actions; a grant of a role on an organization covers its whole subtree."""
from django.utils.translation import gettext_lazy as _

ORG_ADMIN = "org_admin"
BRANCH_COMMITTEE = "branch_committee"
INSPECTOR = "inspector"
MEMBER = "member"

ROLE_CHOICES = [
    (ORG_ADMIN, _("党务工作者（组织管理员）")),
    (BRANCH_COMMITTEE, _("支部书记/支委")),
    (INSPECTOR, _("督导（只读）")),
    (MEMBER, _("党员")),
]

# Actions, by what they let a user do inside the granted subtree.
VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
EXPORT = "export"
IMPORT = "import"
VIEW_IDCARD = "view_idcard"  # full 身份证号; others see it masked
VIEW_CHANGELOG = "view_changelog"
MANAGE_ORG = "manage_org"  # create/edit organizations and committees
MOVE_ORG = "move_org"
MANAGE_GRANTS = "manage_grants"  # open accounts and grant roles inside the subtree

ROLE_ACTIONS = {
    ORG_ADMIN: frozenset(
        {VIEW, ADD, CHANGE, DELETE, EXPORT, IMPORT, VIEW_IDCARD, VIEW_CHANGELOG, MANAGE_ORG, MOVE_ORG, MANAGE_GRANTS}
    ),
    BRANCH_COMMITTEE: frozenset({VIEW, ADD, CHANGE, EXPORT, IMPORT, VIEW_IDCARD, MANAGE_ORG}),
    INSPECTOR: frozenset({VIEW, EXPORT, VIEW_CHANGELOG}),
    # A member sees their own record only; that comes from Member.user, not from a subtree.
    MEMBER: frozenset(),
}

# What a member may do with their own record (and see of their own organization).
SELF_ACTIONS = frozenset({VIEW, VIEW_IDCARD})
