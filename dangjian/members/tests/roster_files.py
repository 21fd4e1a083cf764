"""Builds roster workbooks in memory for the import tests."""
import datetime
import io

from openpyxl import Workbook

from dangjian.factories import next_id_number
from dangjian.members.roster import HEADERS


def good_row(org_code="A1", *, group_code="", born=datetime.date(1988, 4, 9), gender="男", name="孙立平", **over):
    number = next_id_number(born, "M" if gender == "男" else "F")
    row = {
        "姓名": name, "性别": gender, "民族": "汉族", "出生日期": born, "身份证号": number, "联系电话": 13912345678,
        "学历": "大学本科", "工作单位": "机关", "岗位/职务": "科员", "入党日期": "2012/7/1", "转正日期": "2013-07-01",
        "党员状态": "正式党员", "人员类别": "在职", "组织编码": org_code, "党小组编码": group_code,
    }
    row.update(over)
    return row


def workbook(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out
