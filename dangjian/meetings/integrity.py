"""Who may unlock a locked meeting record: the superior organization (a grant strictly above the host)."""
from dangjian.core.scope import grant_paths


def can_unlock(user, meeting):
    if user.is_superuser:
        return True
    host = meeting.organization.path
    return any(host.startswith(p) and p != host for p in grant_paths(user, "change"))
