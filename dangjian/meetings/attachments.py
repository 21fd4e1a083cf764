"""Attachment checks: the type by extension AND by the file's first bytes, and the size."""
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
