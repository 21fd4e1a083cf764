from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core.views import form_errors_text
from dangjian.core.scope import grant_paths, user_can
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import Organization

from . import services
from .forms import InspectionForm, PhotoForm, RoomForm
from .models import ChecklistItem, Photo, Room


@login_required
def index(request):
    top = Organization.objects.visible_to(request.user).order_by("depth", "path").first()
    if top is None or not (request.user.is_superuser or grant_paths(request.user, "view")):
        return redirect("home")
    return redirect("rooms:list", top.pk)


@login_required
def room_list(request, org_pk):
    """The rooms of an organization's subtree (and those shared with it), each with its latest inspection."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    rooms = services.with_state(Room.objects.visible_to(request.user).filter(
        organization__path__startswith=org.path).select_related("organization"))
    shared = Room.objects.visible_to(request.user).filter(shared_with=org).exclude(organization__path__startswith=org.path)
    total = len(ChecklistItem.for_org(org))
    return render(request, "rooms/list.html", {
        "org": org, "rooms": rooms[:500], "shared": shared.select_related("organization"), "total": total,
        "can_add": user_can(request.user, CHANGE, org)})


@login_required
def detail(request, pk):
    room = get_object_or_404(Room.objects.visible_to(request.user).select_related("organization"), pk=pk)
    latest, checklist, general_photos = services.checklist_state(room)
    can_change = user_can(request.user, CHANGE, room.organization)
    items = [i for i, _m, _p in checklist]
    return render(request, "rooms/detail.html", {
        "room": room, "latest": latest, "in_tree": user_can(request.user, "view", room.organization), "checklist": checklist, "general_photos": general_photos,
        "met": sum(1 for _i, m, _p in checklist if m), "history": room.inspections.all()[:20],
        "meetings": Meeting.objects.visible_to(request.user).filter(room=room).order_by("-held_on")[:30],
        "shared": room.shared_with.all(), "can_change": can_change,
        "inspection_form": InspectionForm(items=items, initial={"inspector": request.user.get_full_name()}) if can_change else None,
        "photo_form": PhotoForm(items=items) if can_change else None})


@login_required
def edit(request, pk=None, org_pk=None):
    if pk is not None:
        room = get_object_or_404(Room.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)
        owner = room.organization
    else:
        owner = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_pk)
        room = Room(organization=owner)
    form = RoomForm(request.POST or None, instance=room, user=request.user, owner=owner)
    if request.method == "POST" and form.is_valid():
        room = services.save_room(room=form.save(commit=False), shared_with=form.cleaned_data["shared_codes"])
        messages.success(request, _("已保存阵地：%(n)s") % {"n": room.name})
        return redirect("rooms:detail", room.pk)
    return render(request, "rooms/form.html", {"form": form, "room": room, "owner": owner})


def _changeable(request, pk):
    return get_object_or_404(Room.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)


@login_required
@require_POST
def inspect(request, pk):
    room = _changeable(request, pk)
    form = InspectionForm(request.POST, items=ChecklistItem.for_org(room.organization))
    if form.is_valid():
        try:
            services.inspect(room=room, inspected_on=form.cleaned_data["inspected_on"],
                             inspector=form.cleaned_data["inspector"], comment=form.cleaned_data["comment"],
                             results=form.results(), by=request.user)
            messages.success(request, _("已登记阵地检查"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{''.join(v)}" for k, v in form.errors.items()))
    return redirect("rooms:detail", room.pk)


@login_required
@require_POST
def upload_photo(request, pk):
    room = _changeable(request, pk)
    form = PhotoForm(request.POST, request.FILES, items=ChecklistItem.for_org(room.organization))
    if form.is_valid():
        services.add_photo(room=room, file=form.cleaned_data["file"], item=form.cleaned_data["item"])
        messages.success(request, _("已上传照片"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("rooms:detail", room.pk)


@login_required
def photo(request, pk):
    from dangjian.core.files import serve_upload

    p = get_object_or_404(Photo.objects.visible_to(request.user), pk=pk)
    return serve_upload(p.file, filename=p.name, as_attachment=False)
