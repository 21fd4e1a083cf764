"""Writing spreadsheet rows that are data, never formulas.

A name or minutes text typed (or imported) as "=HYPERLINK(…)" or "+1+cmd|…" would otherwise come back from our
exports as a live formula in the user's Excel (CSV/formula injection, OWASP). Every text cell we write is a
text cell; a text beginning with one of the formula characters also gets Excel's quote prefix, so editing it in
Excel keeps it text.
"""
from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_row(ws, values):
    """`values` as cells for ws.append (write-only or normal worksheet): strings stay strings."""
    cells = []
    for v in values:
        if isinstance(v, str) and v.startswith(FORMULA_START):
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"
            cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(v)
    return cells
