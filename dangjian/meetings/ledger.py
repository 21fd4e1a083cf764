"""台账: the meeting record book of an organization for a year, generated from the records (.xlsx and .docx)."""
import io

from dangjian.core.xlsx import text_row

from django.db.models import Count, Prefetch, Q

from .models import Attendance, AttendanceStatus, MeetingStatus

YEARS = (1921, 2100)  # a ledger year outside this is a 404, not a server error
HEADERS = ["日期", "类型", "主题", "地点", "主持人", "记录人", "应到", "实到", "请假", "缺席", "请假/缺席人员", "会议记录"]


def ledger_meetings(org, year, meetings):
    """Held meetings the organization took part in, out of `meetings` (already scoped to the reader), with
    attendance counts in the same query and the absentees in one more — not a query per meeting. The counts
    read the attendance stored with each meeting, so a closed year's ledger does not move with the roster."""
    absent = Attendance.objects.exclude(status=AttendanceStatus.PRESENT).select_related("member").order_by("member__name")
    return (
        meetings.filter(participations__organization=org, status=MeetingStatus.HELD, held_on__year=year)
        .select_related("host", "recorder")
        .annotate(
            n_all=Count("attendance"),
            n_present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
            n_leave=Count("attendance", filter=Q(attendance__status=AttendanceStatus.LEAVE)),
            n_absent=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
        )
        .prefetch_related(Prefetch("attendance", queryset=absent, to_attr="not_present"))
        .order_by("held_on", "id")
    )


def _row(m):
    missing = "、".join(f"{a.member.name}（{a.get_status_display()}{'：' + a.reason if a.reason else ''}）"
                       for a in m.not_present)
    return [m.held_on, m.get_kind_display(), m.topic, m.place, str(m.host or ""), str(m.recorder or ""),
            m.n_all, m.n_present, m.n_leave, m.n_absent, missing, m.minutes]


def ledger_xlsx(org, year, meetings):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年会议记录"
    ws.append(text_row(ws, [f"{org.name} {year}年“三会一课”及组织生活记录台账"]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADERS)
    for m in ledger_meetings(org, year, meetings):
        ws.append(text_row(ws, _row(m)))
    for col, width in zip("ABCDEFGHIJKL", [11, 13, 30, 14, 8, 8, 6, 6, 6, 6, 30, 50]):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        row[0].number_format = "yyyy-mm-dd"
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_docx(org, year, meetings):
    from dangjian.core.ledgers import word_document

    doc = word_document()
    doc.add_heading(f"{org.name}\n{year}年“三会一课”及组织生活记录", level=1)
    rows = list(ledger_meetings(org, year, meetings))
    if not rows:
        doc.add_paragraph("本年度暂无会议记录。")
    for m in rows:
        doc.add_heading(f"{m.held_on:%Y年%m月%d日}　{m.get_kind_display()}：{m.topic}", level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in [("地点", m.place or "—"), ("主持人", str(m.host or "—")), ("记录人", str(m.recorder or "—")),
                             ("出勤", f"应到 {m.n_all} 人，实到 {m.n_present} 人，请假 {m.n_leave} 人，缺席 {m.n_absent} 人"),
                             ("请假/缺席", "、".join(f"{a.member.name}（{a.get_status_display()}{'：' + a.reason if a.reason else ''}）"
                                                for a in m.not_present) or "无")]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        doc.add_paragraph("会议记录：")
        doc.add_paragraph(m.minutes or "（未填写）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
