"""党费 in headless Chromium, as the branch secretary works it: a member six months behind is flagged; the
secretary records the month's dues for the branch in one batch, and the flag clears."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.dues import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretary_records_a_months_dues_and_sees_the_arrears_flag_clear(world, page_for, screenshot_dir):
    this_month = timezone.localdate().replace(day=1)
    start = services.add_months(this_month, -8)
    for m in world.members.a1:
        services.declare_base(member=m, starts_on=start, category="salaried", income=Decimal("5100"),
                              by=world.users.group_admin)
    behind = world.members.a1[2]
    for m in world.members.a1:  # everyone paid last month but one, who never paid
        if m != behind:
            services.record_month(members=list(services.due_in(type(m).objects.filter(pk=m.pk),
                                                               services.add_months(this_month, -1))
                                               .select_related("organization")),
                                  month=services.add_months(this_month, -1), by=world.users.group_admin,
                                  paid_on=timezone.localdate() - datetime.timedelta(days=1))
    page = page_for(world.users.secretary)
    page.click("nav >> text=党费")
    page.wait_for_selector("h1:has-text('党费')")
    row = page.locator("tr", has_text=behind.name)
    assert "连续 8 个月未交" in row.inner_text()
    page.screenshot(path=str(screenshot_dir / "dues-month-before.png"), full_page=True)
    page.fill("#id_receipt_prefix", "DF-")
    page.click("text=登记勾选党员本月交纳")
    page.wait_for_selector("text=已登记 4 人")
    row = page.locator("tr", has_text=behind.name)
    assert "已交" in row.inner_text() and "未交" not in row.inner_text() and "连续" not in row.inner_text()
    assert page.inner_text(".stats") .count("100.0%") == 1
    page.screenshot(path=str(screenshot_dir / "dues-month-after.png"), full_page=True)
