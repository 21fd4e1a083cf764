"""发展党员 in headless Chromium: the secretary registers an applicant and records steps on the page (the form shows
the fields the step needs), and when the 支部大会's admission is recorded the roster gains the 预备党员."""
import datetime

import pytest

from dangjian.factories import next_id_number
from dangjian.meetings import services as meetings
from dangjian.meetings.models import Vote
from dangjian.recruitment import services
from dangjian.recruitment.models import Candidate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date


def test_the_secretary_records_an_applicant_through_to_probationary_member(world, page_for, screenshot_dir):
    by = world.users.secretary
    page = page_for(by)
    page.click("nav >> text=发展党员")
    page.click("text=登记入党申请人")
    page.fill("#id_name", "赵小兵")
    page.fill("#id_id_number", next_id_number(D(1997, 7, 7), "M"))
    page.fill("#id_applied_on", "2023-01-09")
    page.click("button:has-text('登记')")
    page.wait_for_selector("h1:has-text('赵小兵')")
    page.select_option("#id_step", "talk")
    assert not page.is_visible("#id_vote") and not page.is_visible("#id_people")  # the talk needs a date only
    page.fill("#id_done_on", "2023-03-01")
    page.click("form button:has-text('登记')")
    page.wait_for_selector("text=最迟 2023-02-09")  # the rule and the dates, next to the field
    page.fill("#id_done_on", "2023-02-01")
    page.click("form button:has-text('登记')")
    page.wait_for_selector("text=已登记：党组织派人谈话")
    c = Candidate.objects.get(name="赵小兵")

    def held(kind, on):
        return meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
            "kind": kind, "topic": f"{kind} {on}", "held_on": on, "status": "held"},
            attendance={p.pk: ("present", "") for p in world.members.a1} if kind == "general_assembly" else None)

    for code, data in [("activist", {"done_on": D(2023, 7, 10), "meeting": held("committee", D(2023, 7, 10))}),
                       ("prospect", {"done_on": D(2024, 7, 10), "meeting": held("committee", D(2024, 7, 10))}),
                       ("sponsors", {"done_on": D(2024, 7, 15), "people": world.members.a1[:2]}),
                       ("vetting", {"done_on": D(2024, 8, 1), "passed": True}),
                       ("training", {"done_on": D(2024, 8, 20), "days": 3}),
                       ("committee_review", {"done_on": D(2024, 9, 20), "meeting": held("committee", D(2024, 9, 20))}),
                       ("publicity", {"done_on": D(2024, 9, 30), "ends_on": D(2024, 10, 11)}),
                       ("pre_review", {"done_on": D(2024, 10, 14), "passed": True}),
                       ("volunteer_form", {"done_on": D(2024, 10, 15)})]:
        services.record(candidate=c, code=code, data=data, by=by)
    assembly = held("general_assembly", D(2024, 10, 18))
    Vote.objects.create(meeting=assembly, subject="接收赵小兵为预备党员", yes=4)
    page.reload()
    page.select_option("#id_step", "admission")
    assert page.is_visible("#id_meeting") and page.is_visible("#id_vote")
    page.fill("#id_done_on", "2024-10-18")
    page.select_option("#id_meeting", str(assembly.pk))
    page.select_option("#id_vote", index=1)
    page.click("form button:has-text('登记')")
    page.wait_for_selector("text=已登记：支部大会讨论接收")
    assert page.is_visible("h1:has-text('预备党员')")
    page.screenshot(path=str(screenshot_dir / "recruitment-file.png"), full_page=True)
    page.click("text=党员档案")
    page.wait_for_selector("text=赵小兵")
    assert "预备党员" in page.content() and "2024-10-18" in page.content()
