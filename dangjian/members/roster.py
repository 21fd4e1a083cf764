"""The 花名册 columns, shared by the import template, the import and the export (so an export re-imports)."""
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Category, Education, Gender, Status


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    choices: tuple = ()  # (value, label) pairs; the sheet holds labels
    help: str = ""


def _labels(choices):
    return tuple((str(v), str(label)) for v, label in choices)


COLUMNS = [
    Column("name", "姓名", True, help="党员姓名"),
    Column("gender", "性别", True, _labels(Gender.choices)),
    Column("ethnicity", "民族", help="留空按汉族"),
    Column("birth_date", "出生日期", True, help="如 1985-06-15"),
    Column("id_number", "身份证号", True, help="18位，须与出生日期、性别一致"),
    Column("phone", "联系电话"),
    Column("education", "学历", choices=_labels(Education.choices)),
    Column("unit", "工作单位"),
    Column("job", "岗位/职务"),
    Column("joined_on", "入党日期", True, help="如 2010-07-01"),
    Column("confirmed_on", "转正日期", help="正式党员必填；预备党员留空"),
    Column("status", "党员状态", True, _labels(Status.choices)),
    Column("category", "人员类别", choices=_labels(Category.choices), help="留空按在职"),
    Column("org_code", "组织编码", True, help="所在党支部（或党总支、党委）的组织编码"),
    Column("group_code", "党小组编码", help="可留空"),
]
HEADERS = [c.header for c in COLUMNS]
BY_HEADER = {c.header: c for c in COLUMNS}
# Short forms people type in Excel.
ALIASES = {"status": {"预备": Status.PROBATIONARY, "正式": Status.FULL}}

DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


class CellError(ValueError):
    pass


def parse_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise CellError(_("日期“%(v)s”无法识别，请填写如 2020-01-05 的日期") % {"v": text})


def parse_choice(column, value):
    text = str(value).strip()
    for v, label in column.choices:
        if text in (label, v):
            return v
    alias = ALIASES.get(column.field, {}).get(text)
    if alias:
        return str(alias)
    allowed = "、".join(label for _v, label in column.choices)
    raise CellError(_("“%(v)s”不是有效的%(col)s，可选：%(allowed)s") % {"v": text, "col": column.header, "allowed": allowed})


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers typed as numbers
    return str(value).strip()


def label_of(column, value):
    for v, label in column.choices:
        if v == value:
            return label
    return value or ""
