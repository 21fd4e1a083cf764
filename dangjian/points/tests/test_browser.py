"""我的 on a phone, in headless Chromium: a member sees their points, a line, and taps through to its meeting."""
import datetime

import pytest
from django.utils import timezone

from dangjian.meetings import services as meetings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_member_opens_me_on_the_phone_and_taps_through_to_the_meeting_that_earned_a_line(world, page_for,
                                                                                         screenshot_dir):
    me = world.members.me
    on = timezone.localdate().replace(day=1) - datetime.timedelta(days=3)
    meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": "general_assembly", "topic": "学习党章党规", "held_on": on, "status": "held"},
        attendance={m.pk: ("present", "") for m in world.members.a1})
    page = page_for(world.users.member, viewport=PHONE)
    page.click("button.nav-toggle")
    page.click("nav >> text=我的")
    page.wait_for_selector(".me-points .value")
    expected = "62.0" if on.year == timezone.localdate().year else "60.0"  # base 60 + 党员大会 2, in this year
    assert page.inner_text(".me-points .value") == expected
    assert page.is_visible("text=" + me.name)
    page.screenshot(path=str(screenshot_dir / "points-me-phone.png"), full_page=True)
    # the touch targets are large: every line of the list is at least 44 px high
    heights = page.eval_on_selector_all("ul.me-list li > a", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44
    page.click("ul.me-list >> text=学习党章党规")
    page.wait_for_selector("h1:has-text('学习党章党规')")
    assert "/meetings/" in page.url
    page.screenshot(path=str(screenshot_dir / "points-meeting-from-me-phone.png"), full_page=True)
