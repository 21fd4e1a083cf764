"""A ledger (台账) as a download, the same rows in Excel or in Word: the inspections that ask for the registers and
the 党费 register take either. Excel cells are written as data, never formulas (core.xlsx); Word uses the Chinese
body font the meeting ledger uses."""
import io
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_document():
    """A python-docx Document whose body text is 宋体 10.5 pt (also for the East Asian script)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(10.5)
    return doc


def _text(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def ledger_response(title, header, rows, *, as_word=False):
    """`rows` (lists of values) under `header`, titled `title`, as an .xlsx or .docx attachment."""
    out = io.BytesIO()
    if as_word:
        from docx.enum.section import WD_ORIENT

        doc = word_document()
        section = doc.sections[0]
        if len(header) > 6:  # a wide register reads better across the page
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        doc.add_heading(title, level=1)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = text
        for row in rows:
            for cell, value in zip(table.add_row().cells, row):
                cell.text = _text(value)
        if not rows:
            doc.add_paragraph("（无）")
        doc.save(out)
        suffix, kind = "docx", DOCX
    else:
        from openpyxl import Workbook

        from .xlsx import text_row

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title[:31])
        ws.append(text_row(ws, [title]))
        ws.append(list(header))
        for row in rows:
            ws.append(text_row(ws, list(row)))
        wb.save(out)
        suffix, kind = "xlsx", XLSX
    response = HttpResponse(out.getvalue(), content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{title}.{suffix}')}"
    return response
