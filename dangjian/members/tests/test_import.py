import datetime

import pytest
from django.urls import reverse

from dangjian.members.importer import import_roster
from dangjian.members.models import Member

from .roster_files import good_row, workbook


def errors_of(result):
    return [(e.row, e.column) for e in result.errors]


def test_a_good_file_imports_every_row(world):
    rows = [good_row(name=f"孙立{i}", group_code="A1G") for i in range(3)] + [good_row("A2", name="钱多多", gender="女")]
    result = import_roster(workbook(rows))
    assert result.ok and result.created == 4
    m = Member.objects.get(name="钱多多")
    assert (m.organization.code, m.gender, m.phone, m.name_initials) == ("A2", "F", "13912345678", "qdd")
    assert Member.objects.get(name="孙立0").party_group.code == "A1G"


def test_imported_members_appear_in_the_change_log_with_the_importer(world):
    from auditlog.models import LogEntry

    import_roster(workbook([good_row()]), user=world.users.secretary)
    m = Member.objects.get(name="孙立平")
    entry = LogEntry.objects.get_for_object(m).get()
    assert entry.actor == world.users.secretary


BAD_ROWS = [
    ("missing name", {"姓名": ""}, "姓名", "必填"),
    ("bad checksum", {"身份证号": "110101198804090011"}, "身份证号", "校验位"),
    ("birth date mismatch", {"出生日期": "1988-04-10"}, "出生日期", "不一致"),
    ("gender mismatch", {"性别": "女"}, "性别", "不一致"),
    ("future date", {"入党日期": "2099-01-01", "转正日期": ""}, "入党日期", "不能晚于今天"),
    ("confirmed before joined", {"转正日期": "2011-01-01"}, "转正日期", "不能早于入党日期"),
    ("unreadable date", {"入党日期": "去年七一"}, "入党日期", "无法识别"),
    ("bad choice", {"党员状态": "积极分子"}, "党员状态", "不是有效的"),
    ("unknown org", {"组织编码": "NOPE"}, "组织编码", "不存在"),
    ("org is a group", {"组织编码": "A1G"}, "组织编码", "是党小组"),
    ("group not under org", {"组织编码": "A2", "党小组编码": "A1G"}, "党小组编码", "不在组织"),
    ("full member without confirmation", {"转正日期": ""}, "转正日期", "请填写转正日期"),
    ("joined before 18", {"入党日期": "2000-01-01", "转正日期": "2001-01-01"}, "入党日期", "年满十八岁"),
]


@pytest.mark.parametrize("label,change,column,words", BAD_ROWS, ids=[r[0] for r in BAD_ROWS])
def test_each_kind_of_bad_row_is_reported_and_nothing_is_written(world, label, change, column, words):
    before = Member.objects.count()
    rows = [good_row(name="甲"), good_row(name="乙"), good_row(name="丙")]
    rows[1].update(change)
    result = import_roster(workbook(rows))
    assert (3, column) in errors_of(result), result.errors
    assert any(words in e.message for e in result.errors)
    assert result.created == 0
    assert Member.objects.count() == before


def test_duplicates_within_the_file_name_both_rows(world):
    a = good_row(name="甲")
    b = dict(a, 姓名="乙")
    result = import_roster(workbook([a, good_row(name="丙"), b]))
    assert (4, "身份证号") in errors_of(result)
    assert "与第2行重复" in result.errors[0].message


def test_duplicates_against_the_database_are_rejected(world):
    existing = world.members.b1[0]
    row = good_row(name=existing.name, born=existing.birth_date, **{"身份证号": existing.id_number, "性别": "男"})
    result = import_roster(workbook([row]))
    assert errors_of(result) == [(2, "身份证号")]
    assert "已登记" in result.errors[0].message


def test_an_org_outside_the_users_scope_reads_as_unknown(world):
    before = Member.objects.count()
    result = import_roster(workbook([good_row("A1"), good_row("B1", name="越权")]), user=world.users.secretary)
    assert errors_of(result) == [(3, "组织编码")]
    assert "不在您的管辖范围内" in result.errors[0].message
    assert Member.objects.count() == before


def test_a_renamed_header_is_one_clear_error(world):
    from dangjian.members.roster import HEADERS

    headers = [("证件号码" if h == "身份证号" else h) for h in HEADERS]
    result = import_roster(workbook([good_row()], headers=headers))
    assert len(result.errors) == 1 and "身份证号" in result.errors[0].message


def test_an_empty_or_broken_file_is_rejected(world):
    import io

    assert "没有党员数据" in import_roster(workbook([])).errors[0].message
    broken = io.BytesIO(b"not a workbook")
    assert "无法读取" in import_roster(broken).errors[0].message


def test_every_error_of_every_row_is_listed(world):
    rows = [good_row(**{"姓名": "", "组织编码": "NOPE"}), good_row(**{"身份证号": "123"})]
    result = import_roster(workbook(rows))
    assert set(errors_of(result)) >= {(2, "姓名"), (2, "组织编码"), (3, "身份证号")}


def test_web_flow_upload_preview_confirm(world, login):
    client = login(world.users.secretary)
    response = client.post(reverse("members:import"), {"file": workbook([good_row(), good_row(name="王二")])})
    assert response.status_code == 200
    assert "校验通过" in response.content.decode()
    assert not Member.objects.filter(name="王二").exists()  # preview writes nothing
    job = response.context["job"]
    response = client.post(reverse("members:import_confirm"), {"job": job.pk})
    assert response.status_code == 302
    assert Member.objects.filter(name="王二", organization=world.orgs.a1).exists()


def test_web_preview_lists_errors_in_chinese_and_offers_no_confirm(world, login):
    client = login(world.users.secretary)
    bad = good_row(**{"身份证号": "110101198804090011"})
    body = client.post(reverse("members:import"), {"file": workbook([good_row(), bad])}).content.decode()
    assert "未导入任何数据" in body and "校验位错误" in body
    assert "确认导入" not in body


def test_a_confirm_token_belongs_to_its_uploader(world, login, client):
    c = login(world.users.secretary)
    job = c.post(reverse("members:import"), {"file": workbook([good_row()])}).context["job"]
    other = login(world.users.group_admin)  # same client, new session user
    response = other.post(reverse("members:import_confirm"), {"job": job.pk})
    assert response.status_code == 302
    assert not Member.objects.filter(name="孙立平").exists()


def test_non_spreadsheet_uploads_are_refused(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("roster.csv", b"xx")
    body = login(world.users.secretary).post(reverse("members:import"), {"file": f}).content.decode()
    assert ".xlsx" in body
    fake = SimpleUploadedFile("roster.xls", b"not a workbook")
    body = login(world.users.secretary).post(reverse("members:import"), {"file": fake}).content.decode()
    assert "无法读取" in body and "确认导入" not in body


@pytest.mark.parametrize("persona", ["member", "inspector"])
def test_members_and_inspectors_cannot_import(world, login, persona):
    assert login(getattr(world.users, persona)).get(reverse("members:import")).status_code == 403


def test_template_download_is_a_workbook_with_chinese_headers(world, login):
    import io

    from openpyxl import load_workbook

    response = login(world.users.secretary).get(reverse("members:import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb["花名册"]["A1"].value == "姓名*"
    assert "填写说明" in wb.sheetnames


def test_dates_in_common_spellings_are_read(world):
    row = good_row(**{"入党日期": "2012年7月1日", "转正日期": "20130701"})
    result = import_roster(workbook([row]))
    assert result.ok
    assert Member.objects.get(name="孙立平").joined_on == datetime.date(2012, 7, 1)


def test_a_number_held_in_another_company_is_refused_without_naming_the_holder(world):
    """Trust B4: the secretary of A1 learns that the number is taken, not who in 渭化 holds it."""
    existing = world.members.b1[0]
    existing.name = "渭化某人"
    existing.save()
    row = good_row(born=existing.birth_date, **{"身份证号": existing.id_number, "性别": "男"})
    result = import_roster(workbook([row]), user=world.users.secretary, commit=False)
    assert errors_of(result) == [(2, "身份证号")]
    assert "渭化某人" not in result.errors[0].message and "管辖范围以外" in result.errors[0].message
    mine = world.members.a1[1]
    row = good_row(born=mine.birth_date, **{"身份证号": mine.id_number, "性别": "男"})
    result = import_roster(workbook([row]), user=world.users.secretary, commit=False)
    assert mine.name in result.errors[0].message
