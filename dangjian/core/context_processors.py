from dangjian.accounts.roles import IMPORT, MANAGE_GRANTS, MANAGE_ORG
from dangjian.core.scope import grant_paths, own_record


def navigation(request):
    """What the header may link to: only what exists and what this user can open."""
    user = request.user
    if not user.is_authenticated:
        return {}
    has_scope = user.is_superuser or bool(grant_paths(user, "view"))
    mine = own_record(user)  # cached for the request: the scope check has usually read it already
    return {
        "nav": {
            "orgs": has_scope,
            "members": has_scope,
            "import": user.is_superuser or bool(grant_paths(user, IMPORT)),
            "manage_org": user.is_superuser or bool(grant_paths(user, MANAGE_ORG)),
            "grants": user.is_superuser or bool(grant_paths(user, MANAGE_GRANTS)),
            "me": mine["pk"] if mine else None,
            "unread": user.reminders.filter(read_at__isnull=True).count(),
        }
    }
