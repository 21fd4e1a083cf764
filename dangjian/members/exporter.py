"""花名册 export and the import template, as .xlsx.

The export streams rows from the database (`.iterator()` over `values_list`, no model instances, no
per-row query) into openpyxl's write-only workbook, which spools to disk: memory stays flat at 100,000 rows.
"""
import datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian.accounts.roles import VIEW_IDCARD
from dangjian.core.scope import grant_paths
from dangjian.core.xlsx import text_row

from . import idcard
from .roster import COLUMNS, HEADERS, label_of

EXTRA_HEADERS = ["所在党组织", "党籍终止日期"]
RED = PatternFill("solid", fgColor="C8161D")
WHITE_BOLD = Font(bold=True, color="FFFFFF")
CHOICES = {c.field: c for c in COLUMNS if c.choices}


def _id_visibility(user):
    """A predicate on an organization path: may this user see full 身份证号 there?"""
    if user is None or user.is_superuser:
        return lambda path, owner_id: True
    paths = tuple(grant_paths(user, VIEW_IDCARD))
    return lambda path, owner_id: owner_id == user.pk or path.startswith(paths) if paths else owner_id == user.pk


def write_roster(queryset, fileobj, *, user=None, progress=None):
    """Write the members of `queryset` (already scoped and filtered) to `fileobj`; returns the row count.
    progress(rows written) is called every 2,000 rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(HEADERS + EXTRA_HEADERS)
    may_see = _id_visibility(user)
    rows = (
        queryset.order_by("organization__path", "name", "id")
        .values_list(
            "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "unit", "job",
            "joined_on", "confirmed_on", "status", "category", "organization__code", "party_group__code",
            "organization__name", "ended_on", "organization__path", "user_id",
        )
        .iterator(chunk_size=2000)
    )
    count = 0
    for r in rows:
        (name, gender, eth, born, number, phone, edu, unit, job, joined, confirmed, status, category, org_code,
         group_code, org_name, ended, path, owner) = r
        ws.append(text_row(ws, [
            name, label_of(CHOICES["gender"], gender), eth, born, number if may_see(path, owner) else idcard.mask(number),
            phone, label_of(CHOICES["education"], edu), unit, job, joined, confirmed, label_of(CHOICES["status"], status),
            label_of(CHOICES["category"], category), org_code, group_code or "", org_name, ended,
        ]))
        count += 1
        if progress and count % 2000 == 0:
            progress(count)
    wb.save(fileobj)
    return count


def build_template():
    """The import template: marked headers, one example row, dropdowns for the choice columns, instructions."""
    import io

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=column.header + ("*" if column.required else ""))
        cell.fill, cell.font = RED, WHITE_BOLD
        if column.help:
            cell.comment = Comment(column.help, "dangjian")
        ws.column_dimensions[cell.column_letter].width = 20 if column.field in ("id_number", "unit") else 13
        if column.choices:
            dv = DataValidation(type="list", formula1='"%s"' % ",".join(label for _v, label in column.choices),
                                allow_blank=not column.required, showErrorMessage=True,
                                errorTitle=_("无效的值"), error=_("请从下拉列表中选择"))
            dv.add(f"{cell.column_letter}2:{cell.column_letter}5000")
            ws.add_data_validation(dv)
    example = ["张三", "男", "汉族", datetime.date(1985, 6, 15), idcard.make_id_number("110101", datetime.date(1985, 6, 15), 123),
               "13800000000", "大学本科", "调度中心", "调度员", datetime.date(2010, 7, 1), datetime.date(2011, 7, 1),
               "正式党员", "在职", "（填写组织编码）", ""]
    ws.append(example)
    for row in ws.iter_rows(min_row=2, max_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列", "是否必填", "说明"])
    for column in COLUMNS:
        allowed = "、".join(label for _v, label in column.choices)
        help_ws.append([column.header, "必填" if column.required else "", "；".join(x for x in (column.help, f"可选：{allowed}" if allowed else "") if x)])
    help_ws.append([])
    help_ws.append(["说明", "", "第2行为示例，导入前请删除。任何一行有错误时整个文件都不会导入，系统会列出全部错误所在的行和列。"])
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["C"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
