"""三张名片 in headless Chromium (issue 11): the branch secretary declares a brand, attaches a meeting the branch
already recorded as evidence, and the 党委 moves it to 培育 and sees it in its portfolio — desktop and phone."""
import datetime

import pytest
from django.utils import timezone

from dangjian.meetings import services as meetings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_declare_attach_evidence_cultivate_and_see_it_in_the_portfolio(world, page_for, screenshot_dir):
    today = timezone.localdate()
    meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": "theme_day", "topic": "红色管道主题党日", "held_on": today - datetime.timedelta(days=5), "status": "held"})
    page = page_for(world.users.secretary)
    page.click("nav >> text=品牌项目")
    page.click("text=申报品牌")
    page.fill("#id_name", "管道先锋")
    page.fill("#id_slogan", "一管输千里 党员当先锋")
    page.select_option("#id_theme", label="聚活力")
    page.fill("#id_connotation", "党员在调度值守、应急处置中当先锋、作表率。")
    page.click("button:has-text('保存')")
    page.wait_for_selector("h1:has-text('管道先锋')")
    assert page.inner_text("#stage") == "申报"
    page.click("summary:has-text('添加佐证材料')")
    page.select_option("#id_meeting", label=f"{today - datetime.timedelta(days=5)} 主题党日：红色管道主题党日")
    page.click("form button:has-text('添加')")
    page.wait_for_selector("text=已添加佐证材料")
    assert page.is_visible("a:has-text('主题党日：红色管道主题党日')")
    page.screenshot(path=str(screenshot_dir / "brand-declared.png"), full_page=True)
    url = page.url

    boss = page_for(world.users.group_admin)
    boss.goto(url)
    boss.click("summary:has-text('作出决定')")
    boss.fill("#id_comment", "同意列入培育")
    boss.click("form button:has-text('确定')")
    boss.wait_for_selector("text=已登记决定")
    assert boss.inner_text("#stage") == "培育"
    boss.click("text=品牌与项目")
    boss.wait_for_selector("h1:has-text('品牌与项目')")
    boss.goto(boss.url.rsplit("/org/", 1)[0] + f"/org/{world.orgs.group.pk}/")
    assert "管道先锋" in boss.inner_text("#brands")
    assert boss.inner_text("#matrix").count("1") >= 1
    boss.screenshot(path=str(screenshot_dir / "brands-portfolio.png"), full_page=True)
    phone = page_for(world.users.group_admin, viewport={"width": 390, "height": 844})
    phone.goto(url)
    phone.wait_for_selector("h1:has-text('管道先锋')")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(screenshot_dir / "brand-phone.png"), full_page=True)
