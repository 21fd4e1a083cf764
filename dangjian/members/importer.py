"""花名册 import: validate every row, report every error by row and column, write all rows or none.

Fast enough for 100,000 rows: organizations and existing 身份证号 are fetched once in bulk (never a
query per row), members and their change-log entries are inserted by one statement each (core.bulk) in one short transaction.
"""
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import IMPORT
from dangjian.orgs.models import Organization, OrgKind

from . import idcard
from .models import Category, Member, date_errors
from .pinyin import initials_of
from .roster import BY_HEADER, COLUMNS, CellError, cell_text, parse_choice, parse_date

PREVIEW_ROWS = 20
# What a row of the file sets on a new member (the rest are the model's defaults).
ROW_FIELDS = ("name", "name_initials", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "unit",
              "job", "joined_on", "confirmed_on", "status", "category", "organization_id", "party_group_id")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("第%(row)d行") % {"row": self.row} if self.row else _("文件")
        col = f"【{self.column}】" if self.column else ""
        return f"{where}{col}{self.message}"


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    errors: list = field(default_factory=list)
    preview: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def as_dict(self, limit=1000):
        """What a background job keeps of the result: counts, the first `limit` errors, the preview rows."""
        def text(v):
            return v.isoformat() if hasattr(v, "isoformat") else v

        return {
            "total_rows": self.total_rows, "created": self.created, "error_count": len(self.errors),
            "errors": [{"row": e.row, "column": str(e.column), "message": str(e.message)} for e in self.errors[:limit]],
            "preview": [{k: text(v) for k, v in row.items()} for row in self.preview],
        }


class RosterFileError(ValueError):
    pass


SUFFIXES = (".xlsx", ".xls", ".ods")


def check_upload(name, size):
    """Refuse what is not a spreadsheet (.xlsx, .xls, .ods) or is too large before anything is parsed."""
    if not name.lower().endswith(SUFFIXES):
        raise RosterFileError(_("请上传 Excel 文件（.xlsx 或 .xls 格式，也可以是 WPS/LibreOffice 的 .ods）"))
    if size > settings.IMPORT_MAX_BYTES:
        raise RosterFileError(
            _("文件过大（%(mb).1f MB），上限为 %(max)d MB") % {"mb": size / 1048576, "max": settings.IMPORT_MAX_BYTES // 1048576}
        )


def _org_index(user):
    qs = Organization.objects.all() if user is None else Organization.objects.visible_to(user, IMPORT)
    return {code: (pk, path, kind) for code, pk, path, kind in qs.values_list("code", "pk", "path", "kind").order_by()}


def read_rows(fileobj):
    """(header cells, iterator of (spreadsheet row number, values)) from the 花名册 sheet, else the first.

    python-calamine (Rust) reads the workbook once, several times faster than openpyxl, and reads .xls and .ods
    as well; it gives "" for an empty cell and date objects for date cells."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(fileobj)
        names = wb.sheet_names
        sheet = wb.get_sheet_by_name("花名册" if "花名册" in names else names[0])
        rows = sheet.to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own error kinds for a file that is not a spreadsheet
        raise RosterFileError(_("无法读取该文件，请确认是 Excel（.xlsx 或 .xls）文件")) from None
    header = rows[0] if rows else None
    return wb, header, [(i, r) for i, r in enumerate(rows[1:], start=2)]


def import_roster(fileobj, *, user=None, commit=True, progress=None, on_saved=None):
    """Validate (and with commit=True, import) a roster workbook. user=None is the system (the CLI).

    progress(done, total, stage) is called as rows are checked; on_saved(result) runs inside the write transaction,
    so what it records (a background job marked done) commits with the rows or not at all."""
    result = ImportResult()
    try:
        wb, header, rows = read_rows(fileobj)
    except RosterFileError as e:
        result.errors.append(RowError(0, "", str(e)))
        return result
    try:
        columns = _map_header(header, result)
        if result.errors:
            return result
        members = _validate_rows(rows, columns, user, result, progress)
    finally:
        wb.close()
    if result.total_rows == 0 and not result.errors:
        result.errors.append(RowError(0, "", _("文件中没有党员数据行")))
    if result.errors or not commit:
        return result
    if progress:
        progress(result.total_rows, result.total_rows, _("写入数据库"))
    result.created = len(members)
    _save(members, user, lambda: on_saved and on_saved(result))
    return result


def _map_header(header, result):
    if not header:
        result.errors.append(RowError(1, "", _("文件为空，请使用下载的模板填写")))
        return {}
    positions = {}
    for i, cell in enumerate(header):
        name = cell_text(cell).rstrip("*＊ ")
        if name in BY_HEADER:
            positions[BY_HEADER[name].field] = i
    missing = [c.header for c in COLUMNS if c.required and c.field not in positions]
    if missing:
        result.errors.append(RowError(1, "", _("表头缺少必填列：%(cols)s。请使用下载的模板") % {"cols": "、".join(missing)}))
    return positions


def _validate_rows(rows, positions, user, result, progress=None):
    today = timezone.localdate()
    total = len(rows)
    orgs = _org_index(user)
    seen_ids = {}
    members = []
    add = result.errors.append
    present = [(c, positions[c.field], c.field.endswith(("_date", "_on"))) for c in COLUMNS if c.field in positions]
    for index, (rownum, values) in enumerate(rows):
        if progress and index % 2000 == 0:
            progress(index, total, _("校验数据"))
        width = len(values)
        raw = [(column, values[i] if i < width else None) for column, i, _is_date in present]
        texts = [cell_text(v) for _c, v in raw]
        if not any(texts):
            continue
        result.total_rows += 1
        errors_before = len(result.errors)
        data = {}
        for (column, i, is_date), (_c, value), text in zip(present, raw, texts):
            if text == "":
                if column.required:
                    add(RowError(rownum, column.header, _("必填，不能为空")))
                data[column.field] = None
                continue
            try:
                if is_date:
                    data[column.field] = parse_date(value)
                elif column.choices:
                    data[column.field] = parse_choice(column, text)
                else:
                    data[column.field] = text
            except CellError as e:
                add(RowError(rownum, column.header, str(e)))
                data[column.field] = None

        # the row's values, as a plain object: 100,000 model instances cost seconds and nothing here needs one
        member = SimpleNamespace(
            name=(data.get("name") or "")[:40], gender=data.get("gender") or "", ethnicity=data.get("ethnicity") or "汉族",
            birth_date=data.get("birth_date"), phone=(data.get("phone") or "")[:20], education=data.get("education") or "",
            unit=(data.get("unit") or "")[:120], job=(data.get("job") or "")[:60], joined_on=data.get("joined_on"),
            confirmed_on=data.get("confirmed_on"), status=data.get("status") or "",
            category=data.get("category") or Category.EMPLOYED, ended_on=None, organization_id=None, party_group_id=None,
        )
        number = data.get("id_number")
        if number:
            try:
                number = idcard.validate_id_number(number)
            except ValidationError as e:
                add(RowError(rownum, "身份证号", e.messages[0]))
                number = None
            else:
                for f, msg in idcard.consistency_errors(number, birth_date=member.birth_date, gender=member.gender).items():
                    add(RowError(rownum, Member._meta.get_field(f).verbose_name, msg))
                if number in seen_ids:
                    add(RowError(rownum, "身份证号", _("与第%(r)d行重复") % {"r": seen_ids[number]}))
                else:
                    seen_ids[number] = rownum
        member.id_number = number or ""
        if member.status:
            for f, msg in date_errors(member, today).items():
                add(RowError(rownum, str(Member._meta.get_field(f).verbose_name), msg))

        code = data.get("org_code")
        if code:
            org = orgs.get(code)
            if org is None:
                add(RowError(rownum, "组织编码", _("组织编码 %(c)s 不存在或不在您的管辖范围内") % {"c": code}))
            elif org[2] == OrgKind.GROUP:
                add(RowError(rownum, "组织编码", _("%(c)s 是党小组，请填写所在党支部的编码，党小组填在“党小组编码”列") % {"c": code}))
            else:
                member.organization_id = org[0]
                group_code = data.get("group_code")
                if group_code:
                    group = orgs.get(group_code)
                    if group is None or group[2] != OrgKind.GROUP or not group[1].startswith(org[1]):
                        add(RowError(rownum, "党小组编码", _("党小组 %(g)s 不在组织 %(c)s 之下") % {"g": group_code, "c": code}))
                    else:
                        member.party_group_id = group[0]
        if len(result.errors) == errors_before:
            member.name_initials = initials_of(member.name)
            members.append(tuple(getattr(member, f) for f in ROW_FIELDS))
            if len(result.preview) < PREVIEW_ROWS:
                result.preview.append({**data, "id_number": idcard.mask(number or "")})

    if progress:
        progress(total, total, _("核对已登记的身份证号"))
    _check_existing(seen_ids, result, user)
    result.errors.sort(key=lambda e: (e.row, e.column))
    return members


def _check_existing(seen_ids, result, user):
    """Numbers already on file, fetched in chunks (one query per 900 numbers, or 20,000 on PostgreSQL; not one per
    row), then — only if any are — who holds them. The holder is named only to someone who may see them: a number
    held in another company says so, and nothing more."""
    numbers = list(seen_ids)
    readable = Member.objects.all() if user is None else Member.objects.visible_to(user)
    step = 20000 if connection.vendor == "postgresql" else 900
    for i in range(0, len(numbers), step):
        held = _held(numbers[i : i + step])
        if not held:  # the usual case: all new, one query per chunk
            continue
        mine = dict(readable.filter(id_number__in=held).values_list("id_number", "name"))
        for number in held:
            if number in mine:
                message = _("该身份证号已登记（%(n)s），请勿重复导入") % {"n": mine[number]}
            else:
                message = _("该身份证号已在您管辖范围以外的组织登记；如是组织关系转入，请由上级党组织办理转接")
            result.errors.append(RowError(seen_ids[number], "身份证号", message))


def _held(numbers):
    """Which of `numbers` are on file. PostgreSQL takes the chunk as one array parameter (= ANY): an IN list of
    thousands of parameters costs more to plan than to run."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id_number FROM {Member._meta.db_table} WHERE id_number = ANY(%s)", [numbers])
            return [n for (n,) in cursor.fetchall()]
    return list(Member.objects.filter(id_number__in=numbers).values_list("id_number", flat=True).order_by())


@transaction.atomic
def _save(members, user, saved):
    """One INSERT statement for the members and one for their change-log entries (core.bulk): the write
    transaction — which on SQLite holds the only write lock — lasts seconds, not a minute. Every check ran before it."""
    from auditlog.models import LogEntry

    from dangjian.core.bulk import insert_rows

    from dangjian.core import generations

    from .tally import MEMBERS, ROSTER_TABLES, ROSTER_TOPIC

    before = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # the member tally counts the new rows in one statement; the roster's generation moves once
    with generations.bulk_write(ROSTER_TOPIC, ROSTER_TABLES), MEMBERS.bulk_insert(after_id=before):
        insert_rows(Member, (Member(), members), vary=ROW_FIELDS)
    ids = dict(Member.objects.filter(pk__gt=before).values_list("id_number", "pk").order_by())
    ct = ContentType.objects.get_for_model(Member)
    now = timezone.now()
    actor_id = user.pk if user is not None and user.is_authenticated else None
    prototype = LogEntry(content_type_id=ct.pk, action=LogEntry.Action.CREATE, changes={"来源": ["", "花名册导入"]},
                         actor_id=actor_id, timestamp=now)
    number, name = ROW_FIELDS.index("id_number"), ROW_FIELDS.index("name")
    insert_rows(LogEntry, (prototype, ((str(ids[m[number]]), ids[m[number]], m[name]) for m in members)),
                vary=("object_pk", "object_id", "object_repr"))
    saved()


