"""Reports as files: CSV and XLSX per table, XLSX and PDF (with its charts) per report.

The PDF is rendered by WeasyPrint from ``reports/report_pdf.html`` with the same SVG
charts as the page; every chart is followed by its table.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .presenters import Built
from .tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "pdf": "application/pdf"}


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return "" if value is None else value


def table_csv(table: Table) -> bytes:
    """Semicolon-separated with a BOM: what Dutch Excel opens without asking."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(table.columns)
    for row in table.plain_rows():
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet(wb: Workbook, table: Table, used: set[str], *, first: bool):
    title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or table.key
    base, n = title, 2
    while title in used:
        suffix = f" {n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(table.columns)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.plain_rows():
        ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD-MM-YYYY"
    if table.total is not None:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    if table.note:
        ws.append([])
        ws.append([table.note])
    ws.column_dimensions["A"].width = 44
    for letter in "BCDEFGHIJKLMN":
        ws.column_dimensions[letter].width = 16
    ws.freeze_panes = "B3"


def tables_xlsx(tables: list[Table], *, heading: str = "") -> bytes:
    wb = Workbook()
    used: set[str] = set()
    for i, table in enumerate(tables):
        _sheet(wb, table, used, first=i == 0)
    if heading:
        wb.properties.title = heading[:250]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_pdf(built: Built) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango is slow and pages don't need it

    html = render_to_string(
        "reports/report_pdf.html", {"built": built, "generated": timezone.localtime()}
    )
    return HTML(string=html).write_pdf()


def report_file(built: Built, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a whole report as PDF or XLSX."""
    if fmt == "pdf":
        return report_pdf(built), CONTENT_TYPES["pdf"], f"{built.filename}.pdf"
    heading = f"{built.title} — {built.subtitle}"
    return tables_xlsx(built.tables, heading=heading), XLSX, f"{built.filename}.xlsx"


def table_file(built: Built, key: str, fmt: str) -> tuple[bytes, str, str]:
    table = built.table(key)
    name = f"{built.filename}-{key}"
    if fmt == "csv":
        return table_csv(table), CONTENT_TYPES["csv"], f"{name}.csv"
    return tables_xlsx([table]), XLSX, f"{name}.xlsx"
