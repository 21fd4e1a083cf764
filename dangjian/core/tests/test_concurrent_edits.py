"""Production 4: two people edit the same record; the second save over a stale version is refused with what
changed — never a silent overwrite — and a deliberate second save then goes through."""
import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.factories import UserFactory, grant


def member_form_data(response):
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def test_the_second_save_over_a_stale_member_is_refused_with_what_changed(world):
    from dangjian.accounts import roles

    colleague = UserFactory(username="colleague", first_name="李委员")
    grant(colleague, world.orgs.a1, roles.BRANCH_COMMITTEE)
    m = world.members.a1[1]
    url = reverse("members:edit", args=[m.pk])
    first, second = Client(), Client()
    first.force_login(world.users.secretary)
    second.force_login(colleague)
    mine, theirs = member_form_data(first.get(url)), member_form_data(second.get(url))
    assert first.post(url, {**mine, "phone": "13900000001"}).status_code == 302
    response = second.post(url, {**theirs, "phone": "13900000002"})
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "已被他人修改" in message and "13900000001" in message and "13900000002" in message
    m.refresh_from_db()
    assert m.phone == "13900000001" and m.version == 2
    # having looked, a second save is a deliberate overwrite
    again = member_form_data(response)
    assert second.post(url, {**again, "phone": "13900000002"}).status_code == 302
    m.refresh_from_db()
    assert m.phone == "13900000002" and m.version == 3


def test_the_second_save_over_a_stale_meeting_is_refused(world):
    from dangjian.meetings import services
    from dangjian.meetings.models import Meeting
    from dangjian.accounts import roles

    colleague = UserFactory(username="colleague2")
    grant(colleague, world.orgs.a1, roles.BRANCH_COMMITTEE)
    day = timezone.localdate() - datetime.timedelta(days=2)
    marks = {p.pk: ("present", "") for p in world.members.a1}
    from unittest.mock import patch

    with patch.object(services, "ensure_in_scope"):
        meeting = services.record_meeting(host=world.orgs.a1, by=world.users.secretary, attendance=marks, fields={
            "kind": "theme_day", "topic": "原主题", "held_on": day, "status": "held"})
    url = reverse("meetings:edit", args=[meeting.pk])
    first, second = Client(), Client()
    first.force_login(world.users.secretary)
    second.force_login(colleague)
    base = {"status": "held", "held_on": day.isoformat(), "change_reason": "补充"}
    v1 = first.get(url).context["form"]["version"].value()
    v2 = second.get(url).context["form"]["version"].value()
    assert first.post(url, {**base, "topic": "第一人改", "version": v1}).status_code == 302
    response = second.post(url, {**base, "topic": "第二人改", "version": v2})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).topic == "第一人改"
