"""品牌联建 read access: the co-building app's agreement grants (cobuilding.access.review_grants — in force, every
internal party confirmed, today inside the period), applied to the brands built jointly under those agreements."""
from django.db.models import Q


def joint_brand_source(user, action):
    from dangjian.cobuilding.access import review_grants

    if action != "view":
        return None
    grants = review_grants(user)
    if not grants:
        return None
    q = Q(pk__in=[])
    for agreement, _party, paths in grants:
        for path in paths:
            q |= Q(agreements=agreement.pk, organization__path__startswith=path)
    from .models import Brand

    return Q(pk__in=Brand.objects.filter(q).values("pk"))
