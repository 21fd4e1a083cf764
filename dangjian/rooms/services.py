"""党建阵地: recording rooms, inspections and photos, and reading each room's state (its latest inspection)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ChecklistItem, Inspection, InspectionResult, Photo


@transaction.atomic
def save_room(*, room, shared_with):
    room.full_clean()
    room.save()
    room.shared_with.set(shared_with)
    return room


@transaction.atomic
def inspect(*, room, inspected_on, inspector, results, comment="", by=None, today=None):
    """Record an inspection against the items that apply to the room's organization; a date in the future is refused."""
    today = today or timezone.localdate()
    if inspected_on > today:
        raise ValidationError({"inspected_on": _("检查日期不能晚于今天")})
    applicable = {i.pk for i in ChecklistItem.for_org(room.organization)}
    if {i.pk for i in results} - applicable:
        raise ValidationError(_("检查项目不属于本组织适用的阵地标准"))
    inspection = Inspection.objects.create(room=room, inspected_on=inspected_on, inspector=inspector, comment=comment,
                                           recorded_by=by)
    InspectionResult.objects.bulk_create(InspectionResult(inspection=inspection, item=i, met=met)
                                         for i, met in results.items())
    return inspection


def add_photo(*, room, file, item=None):
    return Photo.objects.create(room=room, file=file, item=item, name=file.name[:200])


def with_state(rooms):
    """Each room annotated with its latest inspection's date and how many items it met then (one query)."""
    latest = Inspection.objects.filter(room=OuterRef("pk")).order_by("-inspected_on", "-pk")
    return rooms.annotate(
        last_inspected=Subquery(latest.values("inspected_on")[:1]),
        last_inspection=Subquery(latest.values("pk")[:1]),
    ).annotate(met=Subquery(
        InspectionResult.objects.filter(inspection=OuterRef("last_inspection"), met=True).order_by()
        .values("inspection").annotate(n=Count("pk")).values("n")[:1]))


def checklist_state(room):
    """[(item, met or None when never inspected, the item's photos)] by the latest inspection."""
    items = ChecklistItem.for_org(room.organization)
    latest = room.inspections.first()
    met = dict(latest.results.values_list("item_id", "met")) if latest else {}
    photos = {}
    for p in room.photos.all():
        photos.setdefault(p.item_id, []).append(p)
    return latest, [(i, met.get(i.pk) if latest else None, photos.get(i.pk, [])) for i in items], photos.get(None, [])
