"""The yearly overview as a PDF (A4 landscape, WeasyPrint) and as an XLSX (openpyxl).

Both carry aggregates only: students per school and week, open places, the peaks and the
schools contributing to them. The broker's copy adds the list of periods.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import charts
from .presenters import OverviewData, filter_label

# School rows per heat-map part: one part fits an A4 landscape page with its header.
ROWS_PER_PAGE = 24


def overview_pdf(data: OverviewData, *, sector, level, periods=None) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango is slow and pages don't need it

    html = render_to_string(
        "planning/overview_pdf.html",
        {
            "data": data,
            "filter_label": filter_label(sector, level),
            "demand_chart": data.demand_chart(chart_id="pdf-demand"),
            "heatmaps": data.heatmaps(rows_per_chart=ROWS_PER_PAGE, chart_id="pdf-heat"),
            "week_halves": _halves([data.week_rows()[i] for i in data.active_week_range()]),
            "periods": periods,
            "generated": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def _halves(rows: list) -> list[list]:
    """Two columns of week rows, so the table of a whole year fits one landscape page."""
    middle = (len(rows) + 1) // 2
    return [rows[:middle], rows[middle:]] if rows else [[]]


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour.lstrip("#"), end_color=colour.lstrip("#"))


def overview_xlsx(data: OverviewData, *, sector, level, periods=None) -> bytes:
    o = data.overview
    wb = Workbook()
    bold = Font(bold=True)
    # Sheet 1: weeks × schools.
    ws = wb.active
    ws.title = _("Weeks x schools")[:31]
    ws.append([f"{data.region.name} — {_('yearly overview')} {data.year_label}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Filter"), filter_label(sector, level)])
    ws.append([_("Peak threshold"), f"{data.planning_year.peak_share}% " + _("of the open places")])
    ws.append([])
    header = [_("School"), *[f"{_('wk')} {n}" for n in o.week_numbers], _("Most in a week")]
    ws.append(header)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = bold
    ws.append(["", *[date_format(w, "d-m") for w in o.weeks], ""])
    rows = data.heat_rows()
    top = max([max(r, default=0) for _n, r in rows] + [1.0])
    for name, values in rows:
        ws.append([name, *[round(v) for v in values], round(max(values, default=0))])
        r = ws.max_row
        for i, value in enumerate(values):
            fill, colour = charts.heat_colour(value, top)
            cell = ws.cell(row=r, column=2 + i)
            if fill != "#ffffff":
                cell.fill = _fill(fill)
                cell.font = Font(color=colour.lstrip("#"))
    peak_weeks = o.peak_weeks
    ws.append([_("Students on internship"), *[round(v) for v in o.demand], round(max(o.demand))])
    r = ws.max_row
    ws.cell(row=r, column=1).font = bold
    for i in peak_weeks:
        ws.cell(row=r, column=2 + i).fill = _fill("#f4cccc")
        ws.cell(row=r, column=2 + i).font = Font(bold=True, color="A4161A")
    ws.append([_("Open places"), *[round(v) for v in o.supply], ""])
    ws.cell(row=ws.max_row, column=1).font = bold
    ws.append([_("Peak"), *["!" if i in peak_weeks else "" for i in range(len(o.weeks))], ""])
    ws.column_dimensions["A"].width = 34
    for col in range(2, len(o.weeks) + 2):
        ws.column_dimensions[get_column_letter(col)].width = 6
    ws.freeze_panes = ws.cell(row=header_row + 2, column=2)

    # Sheet 2: demand against supply per week and level.
    ws = wb.create_sheet(_("Demand and supply")[:31])
    levels = o.levels
    ws.append(
        [
            _("Week"),
            _("Monday"),
            _("Students on internship"),
            _("Open places"),
            _("Peak threshold"),
            _("Peak"),
            *[f"{lv}: {_('students')}" for lv in levels],
            *[f"{lv}: {_('places')}" for lv in levels],
        ]
    )
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True)
    for row in data.week_rows():
        i = row["index"]
        ws.append(
            [
                row["number"],
                row["monday"],
                round(row["demand"], 1),
                round(row["supply"]),
                round(row["limit"], 1),
                ", ".join(row["peak_levels"]),
                *[round(o.demand_by_level[lv][i], 1) for lv in levels],
                *[round(o.supply_by_level[lv][i]) for lv in levels],
            ]
        )
        ws.cell(row=ws.max_row, column=2).number_format = "DD-MM-YYYY"
    ws.column_dimensions["B"].width = 12
    ws.freeze_panes = "C2"

    # Sheet 3: the peaks and the schools contributing.
    ws = wb.create_sheet(_("Peaks")[:31])
    ws.append([_("Level"), _("Weeks"), _("Students"), _("Open places"), _("Schools")])
    for cell in ws[1]:
        cell.font = bold
    for view in data.peaks:
        ws.append(
            [
                view.level_label,
                ", ".join(str(n) for n in view.week_numbers),
                round(view.peak.demand),
                round(view.peak.supply),
                "; ".join(f"{name} ({most:.0f})" for _sid, name, most in view.peak.schools),
            ]
        )
    ws.column_dimensions["E"].width = 90

    if periods is not None:
        ws = wb.create_sheet(_("Periods")[:31])
        ws.append(
            [
                _("School"),
                _("Cohort"),
                _("Classes"),
                _("Format"),
                _("Start"),
                _("End"),
                _("Students"),
                _("Hours per student"),
                _("Status"),
            ]
        )
        for cell in ws[1]:
            cell.font = bold
        for p in periods:
            ws.append(
                [
                    p.school.name,
                    str(p.cohort),
                    ", ".join(c.name for c in p.classes.all()),
                    p.get_format_display(),
                    p.start_date,
                    p.end_date,
                    p.students,
                    p.hours_per_student,
                    p.get_status_display(),
                ]
            )
            for col in (5, 6):
                ws.cell(row=ws.max_row, column=col).number_format = "DD-MM-YYYY"
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 28
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
