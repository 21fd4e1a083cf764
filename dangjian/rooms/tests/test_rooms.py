"""党建阵地 (seed 003: rooms to the "六有" standard): the checklist is data (a company's own version overrides the
default for its subtree), an inspection records each item met or not, the meeting form offers the rooms an
organization may use, and a room shared with another branch is read by it — never written."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.meetings.models import Meeting
from dangjian.rooms import services
from dangjian.rooms.models import ChecklistItem, Room

TODAY = timezone.localdate()


def test_a_room_is_registered_inspected_against_the_six_items_and_shows_its_state(world, login):
    client = login(world.users.secretary)
    fields = {"name": "党员活动室", "address": "办公楼二楼", "area": "45", "shared_codes": "A2"}
    refused = client.post(reverse("rooms:create", args=[world.orgs.a1.pk]), fields)  # A2 is outside the secretary's scope
    assert "A2 不存在或不在您的管辖范围内" in refused.content.decode() and not Room.objects.exists()
    client.post(reverse("rooms:create", args=[world.orgs.a1.pk]), {**fields, "shared_codes": ""})
    room = Room.objects.get(name="党员活动室")
    login(world.users.group_admin).post(reverse("rooms:edit", args=[room.pk]), {**fields, "shared_codes": "A2"})
    assert room.organization == world.orgs.a1 and list(room.shared_with.all()) == [world.orgs.a2]
    items = ChecklistItem.for_org(world.orgs.a1)
    assert [i.title for i in items] == ["有场所", "有设施", "有标志", "有党旗", "有书报", "有制度"]
    data = {"inspected_on": str(TODAY), "inspector": "组织部", **{f"met_{i.pk}": "on" for i in items[:4]}}
    client.post(reverse("rooms:inspect", args=[room.pk]), data)
    page = client.get(reverse("rooms:detail", args=[room.pk]))
    assert page.context["met"] == 4 and "达标 4/6" in page.content.decode()
    future = client.post(reverse("rooms:inspect", args=[room.pk]), {**data, "inspected_on": str(TODAY + datetime.timedelta(days=1))},
                         follow=True)
    assert "检查日期不能晚于今天" in future.content.decode() and room.inspections.count() == 1
    listing = client.get(reverse("rooms:list", args=[world.orgs.a1.pk]))
    assert [(r.name, r.met) for r in listing.context["rooms"]] == [("党员活动室", 4)]
    # a photo of one item, served through the scope
    client.post(reverse("rooms:upload_photo", args=[room.pk]), {"item": items[3].pk,
                                                                "file": SimpleUploadedFile("党旗.jpg", b"\xff\xd8\xff\xe0 jpg")})
    photo = room.photos.get()
    assert photo.item == items[3]
    assert b"".join(client.get(reverse("rooms:photo", args=[photo.pk])).streaming_content).startswith(b"\xff\xd8")
    bad = client.post(reverse("rooms:upload_photo", args=[room.pk]), {"file": SimpleUploadedFile("x.jpg", b"MZ not")})
    assert bad.status_code == 302 and room.photos.count() == 1
    assert login(world.users.outsider).get(reverse("rooms:photo", args=[photo.pk])).status_code == 404


def test_a_companys_own_checklist_version_applies_to_its_subtree(world):
    for i, title in enumerate(["有场所", "有设施", "有标志", "有党旗", "有书报", "有制度", "有网络"], 1):
        ChecklistItem.objects.create(organization=world.orgs.a, version="七有", order=i, title=title)
    assert [i.title for i in ChecklistItem.for_org(world.orgs.a1)][-1] == "有网络"
    assert len(ChecklistItem.for_org(world.orgs.b1)) == 6  # B keeps the default


def test_the_meeting_form_offers_own_and_shared_rooms_and_a_sharing_branch_reads_but_never_writes(world, login):
    own = services.save_room(room=Room(organization=world.orgs.a1, name="一支部活动室"), shared_with=[])
    shared = services.save_room(room=Room(organization=world.orgs.a2, name="二支部活动室"), shared_with=[world.orgs.a1])
    services.save_room(room=Room(organization=world.orgs.b1, name="B活动室"), shared_with=[])
    client = login(world.users.secretary)
    form = client.get(reverse("meetings:record", args=[world.orgs.a1.pk, "theme_day"])).context["form"]
    assert set(form.fields["room"].queryset) == {own, shared}
    response = client.post(reverse("meetings:record", args=[world.orgs.a1.pk, "theme_day"]), {
        "status": "held", "topic": "在共用阵地", "held_on": str(TODAY), "room": shared.pk, "place": ""})
    meeting = Meeting.objects.get(topic="在共用阵地")
    assert response.status_code == 302 and meeting.room == shared and meeting.place == "二支部活动室"
    assert client.get(reverse("rooms:detail", args=[shared.pk])).status_code == 200
    assert "在共用阵地" in client.get(reverse("rooms:detail", args=[shared.pk])).content.decode()
    assert client.get(reverse("rooms:edit", args=[shared.pk])).status_code == 404
    assert client.post(reverse("rooms:inspect", args=[shared.pk]), {"inspected_on": str(TODAY), "inspector": "x"}).status_code == 404
    assert login(world.users.outsider).get(reverse("rooms:detail", args=[shared.pk])).status_code == 404


def test_the_api_writes_rooms_in_scope(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users.secretary)
    ok = api.post("/api/rooms/", {"organization": world.orgs.a1.pk, "name": "学习室", "area": "30.5"}, format="json")
    assert ok.status_code == 201
    assert api.post("/api/rooms/", {"organization": world.orgs.a1.pk, "name": "学习室"}, format="json").status_code == 400
    assert api.post("/api/rooms/", {"organization": world.orgs.b1.pk, "name": "越界"}, format="json").status_code == 400
    assert api.post("/api/rooms/", {"organization": world.orgs.a1.pk, "name": "负面积", "area": "-3"}, format="json").status_code == 400
    assert not Room.objects.filter(name__in=["越界", "负面积"]).exists()
