"""Attachment checks: the type by extension AND by the file's content, and the size.

A .docx or .xlsx is a ZIP, but not every ZIP is one: its [Content_Types].xml must declare the Office main part
(a renamed archive of executables, or a macro-enabled .docm/.xlsm, is refused)."""
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = {
    ".jpg": [b"\xff\xd8\xff"], ".jpeg": [b"\xff\xd8\xff"], ".png": [b"\x89PNG"], ".pdf": [b"%PDF"],
    ".docx": [b"PK\x03\x04"], ".xlsx": [b"PK\x03\x04"], ".doc": [b"\xd0\xcf\x11\xe0"],
}


def check_attachment(upload):
    name = upload.name.lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in SIGNATURES:
        raise ValidationError(_("不支持的文件类型，仅限照片（jpg、png）、PDF 和 Word/Excel 文件"))
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("文件过大，上限为 %(m)d MB") % {"m": settings.ATTACHMENT_MAX_BYTES // 1048576})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]):
        raise ValidationError(_("文件内容与扩展名 %(e)s 不符") % {"e": ext})
    if ext in OFFICE_MAIN_PART:
        check_office_package(upload, ext)


OFFICE_MAIN_PART = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def check_office_package(upload, ext):
    try:
        with zipfile.ZipFile(upload) as z:
            types = z.read("[Content_Types].xml").decode("utf-8", "replace")
            has_macros = any(n.lower().endswith("vbaproject.bin") for n in z.namelist())
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        types, has_macros = "", False
    finally:
        upload.seek(0)
    if OFFICE_MAIN_PART[ext] not in types:
        raise ValidationError(_("文件不是有效的 %(e)s 文档") % {"e": ext})
    if has_macros:
        raise ValidationError(_("不接受含宏的文档，请另存为不含宏的 %(e)s 后上传") % {"e": ext})
