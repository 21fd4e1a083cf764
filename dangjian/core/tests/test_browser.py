"""End to end in headless Chromium: what a party affairs worker does on day one."""
import datetime

import pytest

from dangjian.factories import make_committee, next_id_number
from dangjian.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_logs_in_and_browses_the_tree_to_a_branch(world, page_for, live_server, screenshot_dir):
    make_committee(world.orgs.a1, world.members.a1[:3])
    page = page_for(world.users.group_admin)
    page.click("nav >> text=组织")
    page.wait_for_selector("text=示范集团党委")
    # the root is expanded on load; open 神渭管运公司党委 lazily
    page.wait_for_selector("#org-%d .toggle" % world.orgs.a.pk)
    page.click("#org-%d .toggle" % world.orgs.a.pk)
    page.wait_for_selector("text=第一党支部")
    page.screenshot(path=str(screenshot_dir / "tree.png"), full_page=True)
    page.click("a:has-text('第一党支部')")
    page.wait_for_selector("h1:has-text('第一党支部')")
    assert page.is_visible("text=委员会")
    assert page.is_visible("text=书记")
    # 4 正式党员 with a committee of 3 is against 支部条例 art. 6: the page says so
    assert page.is_visible("text=不设支部委员会")
    page.screenshot(path=str(screenshot_dir / "org-detail.png"), full_page=True)


def test_secretary_adds_a_member_in_the_browser(world, page_for, screenshot_dir):
    page = page_for(world.users.secretary)
    page.goto(page.url.rstrip("/") + "/members/add/")
    born = datetime.date(1992, 8, 1)
    page.fill("#id_name", "周红梅")
    page.select_option("#id_gender", "F")
    page.fill("#id_birth_date", born.isoformat())
    page.fill("#id_id_number", "110101199208010000")  # wrong checksum first
    page.fill("#id_joined_on", "2016-06-30")
    page.fill("#id_confirmed_on", "2017-06-30")
    page.fill("#id_organization", "A1")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=校验位错误")
    page.screenshot(path=str(screenshot_dir / "member-form-error.png"), full_page=True)
    assert not Member.objects.filter(name="周红梅").exists()
    page.fill("#id_id_number", next_id_number(born, "F"))
    page.click("button:has-text('保存')")
    page.wait_for_selector("h1:has-text('周红梅')")
    assert Member.objects.get(name="周红梅").organization_id == world.orgs.a1.pk


def test_member_list_is_usable_at_phone_width(world, page_for, screenshot_dir):
    page = page_for(world.users.group_admin, viewport={"width": 390, "height": 844})
    page.click("[data-toggle=nav]")
    page.click("nav >> text=党员")
    page.wait_for_selector("table.data")
    target = world.members.b1[0]
    page.fill("input[name=q]", target.name_initials)
    page.wait_for_selector("text=共 1 条")  # the list narrows as one types (htmx)
    assert page.is_visible(f"#results >> text={target.name}")
    page.screenshot(path=str(screenshot_dir / "members-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the page must not scroll sideways on a phone"


def test_secretary_imports_a_bad_then_a_good_roster(world, page_for, screenshot_dir, tmp_path):
    from dangjian.members.tests.roster_files import good_row, workbook

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([good_row(name="甲"), good_row(name="乙", **{"身份证号": "110101198804090011", "组织编码": "B1"})]).getvalue())
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook([good_row(name="欧阳晓"), good_row(name="司马青", group_code="A1G")]).getvalue())

    page = page_for(world.users.secretary)
    page.click("nav >> text=花名册导入")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("#import-errors")
    errors = page.inner_text("#import-errors")
    assert "校验位错误" in errors and "不在您的管辖范围内" in errors
    assert not page.is_visible("text=确认导入")
    page.screenshot(path=str(screenshot_dir / "import-errors.png"), full_page=True)
    assert not Member.objects.filter(name="甲").exists()

    page.click("a:has-text(\"重新上传\")")
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("text=校验通过")
    page.screenshot(path=str(screenshot_dir / "import-preview.png"), full_page=True)
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=已导入 2 名党员")
    assert Member.objects.filter(name__in=["欧阳晓", "司马青"], organization=world.orgs.a1).count() == 2


def test_secretary_records_a_meeting_on_a_phone_and_the_branch_turns_compliant(world, page_for, live_server, screenshot_dir):
    from django.utils import timezone

    from dangjian.meetings import periods

    quarter = periods.containing("quarter", timezone.localdate())
    page = page_for(world.users.secretary, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/meetings/org/{world.orgs.a1.pk}/compliance/?period={quarter.code}")
    row = page.locator("#compliance tr", has_text="支部党员大会")
    assert "已达标" not in row.inner_text()
    page.goto(f"{live_server.url}/meetings/org/{world.orgs.a1.pk}/new/")
    page.click("a.kind:has-text('支部党员大会')")
    page.fill("#id_topic", "学习贯彻党的二十届四中全会精神")
    page.fill("#id_place", "调度中心三楼会议室")
    absent = world.members.a1[2]
    page.check(f"input[name=att_{absent.pk}][value=leave]")
    page.fill(f"input[name=reason_{absent.pk}]", "外出培训")
    page.screenshot(path=str(screenshot_dir / "meeting-phone.png"), full_page=True)
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=外出培训")
    page.goto(f"{live_server.url}/meetings/org/{world.orgs.a1.pk}/compliance/?period={quarter.code}")
    row = page.locator("#compliance tr", has_text="支部党员大会")
    assert "已达标" in row.inner_text()
    page.screenshot(path=str(screenshot_dir / "compliance-phone.png"), full_page=True)


def test_admin_signs_an_agreement_records_a_joint_activity_and_progress_moves(world, page_for, live_server, screenshot_dir):
    from django.utils import timezone

    year = timezone.localdate().year
    page = page_for(world.users.group_admin)
    page.click("nav >> text=结对共建")
    page.click("text=登记共建协议")
    page.fill("#id_title", "神渭—渭化“结对子”目标责任书")
    page.select_option("#id_level", "committee")
    page.fill("#id_starts_on", f"{year}-01-01")
    page.fill("#id_ends_on", f"{year}-12-31")
    page.fill("#id_org_codes", "A,B")
    page.select_option("#id_t0_measure", "exchange")
    page.fill("#id_t0_min_count", "4")
    page.select_option("#id_t1_measure", "output")
    page.select_option("#id_t1_output_kind", "theory")
    page.fill("#id_t1_min_count", "1")
    page.click("button:has-text('保存')")
    page.wait_for_selector("#progress")
    assert "0/4" in page.inner_text("#progress")
    assert "生效" in page.inner_text("h1")  # the group admin covers both parties: confirmed for both at once
    assert "<" not in page.title()
    page.click("summary:has-text('登记共建活动')")
    page.fill("form[action$='/activities/add/'] #id_title", "党建共创共建“结对子”交流培训班")
    page.fill("form[action$='/activities/add/'] #id_held_on", f"{year}-04-27")
    page.select_option("form[action$='/activities/add/'] #id_category", "study")
    page.check("form[action$='/activities/add/'] #id_is_exchange")
    for box in page.locator("form[action$='/activities/add/'] input[name=parties]").all():
        box.check()
    page.click("form[action$='/activities/add/'] button:has-text('保存')")
    page.wait_for_selector("text=已登记共建活动")
    assert "1/4" in page.inner_text("#progress")
    page.screenshot(path=str(screenshot_dir / "cobuilding.png"), full_page=True)
    # the other side sees the same progress
    other = page_for(world.users.outsider)
    other.goto(page.url)
    assert "1/4" in other.inner_text("#progress")


def test_secretary_records_a_meeting_on_a_phone_by_exceptions(world, page_for, screenshot_dir):
    """Trust E: on a phone — everyone present except one on leave, the reason beside that row, save in reach."""
    from dangjian.meetings.models import Attendance, Meeting

    page = page_for(world.users.secretary, viewport={"width": 390, "height": 844})
    base = page.url.rstrip("/")
    page.goto(base + f"/meetings/org/{world.orgs.a1.pk}/new/theme_day/")
    page.fill("#id_topic", "手机登记的主题党日")
    away = world.members.a1[2]
    page.check(f"input[name=att_{away.pk}][value=leave]")
    page.check("[data-only-exceptions]")  # the compact view: only those not present
    assert page.locator("ul.attendance li:visible").count() == 1
    page.click(".sticky-actions button:has-text('保存')")  # the save button stays in reach
    page.wait_for_selector("text=请假须填写事由")
    page.screenshot(path=str(screenshot_dir / "phone-attendance-error.png"), full_page=False)
    assert not Meeting.objects.filter(topic="手机登记的主题党日").exists()
    page.fill(f"input[name=reason_{away.pk}]", "倒班")
    page.click(".sticky-actions button:has-text('保存')")
    page.wait_for_selector("h1:has-text('手机登记的主题党日')")
    meeting = Meeting.objects.get(topic="手机登记的主题党日")
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert statuses.pop(away.pk) == "leave" and set(statuses.values()) == {"present"}
