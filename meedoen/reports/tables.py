"""The reports as tables (and the charts drawn from them), for pages, PDF, XLSX, CSV and API.

Every report is a list of ``Table``s with stable keys, so that each table can be
downloaded on its own (``…/table/<key>.csv``) and the whole report as one workbook or PDF.
Counts of students in the municipality's and the broker's figures pass through
``suppression`` here, before anything is shown or exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from meedoen.directory.models import Sector
from meedoen.stagebank.models import Format
from meedoen.students.models import Level

from . import charts
from .selectors import AreaOverview, BoardOverview, SchoolReport
from .suppression import Cell, suppress_single, suppress_table

SECTORS = dict(Sector.choices)
LEVELS = dict(Level.choices)
FORMATS = dict(Format.choices)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    note: str = ""
    chart: SafeString | None = None
    numeric_from: int = 1  # columns from this index on are figures (right-aligned)

    def plain_rows(self) -> list[list]:
        """Rows (and the total) with hidden cells as their mark, for CSV and XLSX."""
        out = [[_plain(v) for v in row] for row in self.rows]
        if self.total is not None:
            out.append([_plain(v) for v in self.total])
        return out

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "rows": [[_json(v) for v in row] for row in self.rows],
            "total": [_json(v) for v in self.total] if self.total is not None else None,
        }


def _plain(value):
    if isinstance(value, Cell):
        return value.shown
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _json(value):
    if isinstance(value, Cell):
        return None if value.hidden else value.value
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _bar_value(value):
    if isinstance(value, Cell):
        return None if value.hidden else value.value
    return float(value) if isinstance(value, Decimal) else value


# ---------------------------------------------------------------------------
# The school's end-of-year report.
# ---------------------------------------------------------------------------


def hours_bucket_labels() -> dict[str, str]:
    return {
        "none": _("No confirmed hours yet"),
        "under_half": _("Under half of the requirement"),
        "half": _("Half or more, not yet all"),
        "met": _("Requirement met"),
    }


def cohort_label(year_of_study, level) -> str:
    if not year_of_study and not level:
        return _("Without class")
    return f"{LEVELS.get(level, level or '')} {year_of_study or ''}".strip()


def suggestions(report: SchoolReport) -> list[str]:
    """Bottlenecks the data suggests: unfilled periods, students without a placement,
    organisations with poor evaluations or open attention flags."""
    out = []
    for p in report.unfilled_periods():
        out.append(
            _(
                "%(cohort)s (%(format)s, from %(start)s): %(placed)s of the %(expected)s "
                "expected students have a placement."
            )
            % {
                "cohort": cohort_label(p["cohort__year_of_study"], p["cohort__level"]),
                "format": FORMATS.get(p["format"], p["format"]),
                "start": p["start_date"].strftime("%d-%m-%Y"),
                "placed": p["placed"],
                "expected": p["expected"],
            }
        )
    missing = report.without_placement()
    if missing:
        out.append(
            _(
                "%(n)s enrolled students of the cohorts with an internship period have no "
                "placement this year."
            )
            % {"n": missing}
        )
    for o in report.poor_organisations:
        if o["average"] is not None:
            text = _("%(name)s: evaluated %(avg)s on average (out of 5) in %(n)s evaluations.") % {
                "name": o["name"],
                "avg": str(o["average"]).replace(".", ","),
                "n": o["evaluations"],
            }
        else:
            text = str(o["name"])
        if o["open_flags"]:
            text += " " + _("%(n)s open attention flag(s) with the broker.") % {
                "n": o["open_flags"]
            }
        out.append(text)
    return out


def school_tables(report: SchoolReport, *, chart_prefix: str = "s") -> list[Table]:
    cid = chart_prefix
    summary = Table(
        key="summary",
        title=_("Summary"),
        columns=[_("Figure"), _("Number")],
        rows=[
            [_("Students with a placement"), report.placed],
            [_("Students who did MaS"), report.started],
            [_("Students who completed their placement"), report.completed],
            [_("Students who met the hour requirement"), report.met_requirement],
            [_("Expected students (internship periods)"), report.expected],
            [_("Students of those cohorts without a placement"), report.without_placement()],
            [_("Confirmed hours in total"), report.total_hours],
            [_("Average confirmed hours per student who did MaS"), report.average_hours],
            [_("Partner organisations"), len(report.organisations)],
        ],
    )
    cohorts = report.by_cohort()
    cohort_table = Table(
        key="cohorts",
        title=_("Students by year of study and level"),
        columns=[
            _("Year and level"),
            _("With a placement"),
            _("Did MaS"),
            _("Completed"),
            _("Requirement met"),
        ],
        rows=[
            [
                cohort_label(c["year_of_study"], c["level"]),
                c["placed"],
                c["started"],
                c["completed"],
                c["met"],
            ]
            for c in cohorts
        ],
        total=[_("Total"), report.placed, report.started, report.completed, report.met_requirement],
    )
    cohort_table.chart = charts.grouped_bars_svg(
        chart_id=f"{cid}-cohorts",
        title=cohort_table.title,
        description=_("Students who did MaS and who completed it, per year of study and level."),
        groups=[r[0] for r in cohort_table.rows],
        series=[
            (_("Did MaS"), [r[2] for r in cohort_table.rows]),
            (_("Completed"), [r[3] for r in cohort_table.rows]),
        ],
    )
    labels = hours_bucket_labels()
    buckets = report.hour_buckets()
    hours_table = Table(
        key="hours",
        title=_("Hours against the requirement"),
        columns=[_("Confirmed hours"), _("Students")],
        rows=[[labels[k], n] for k, n in buckets],
        total=[_("Total"), sum(n for _k, n in buckets)],
    )
    hours_table.chart = charts.bar_chart_svg(
        chart_id=f"{cid}-hours",
        title=hours_table.title,
        description=_(
            "Students with a placement by their confirmed hours against the requirement."
        ),
        bars=[(r[0], r[1]) for r in hours_table.rows],
    )
    ranges = report.hour_ranges()
    ranges_table = Table(
        key="hour_ranges",
        title=_("Distribution of confirmed hours per student"),
        columns=[_("Hours"), _("Students")],
        rows=[[label, n] for label, n in ranges],
        total=[_("Total"), sum(n for _l, n in ranges)],
    )
    ranges_table.chart = charts.bar_chart_svg(
        chart_id=f"{cid}-ranges",
        title=ranges_table.title,
        description=_("Number of students per range of confirmed hours."),
        bars=[(r[0], r[1]) for r in ranges_table.rows],
        colour=charts.SERIES[2],
    )
    sectors = Table(
        key="sectors",
        title=_("Sectors"),
        columns=[_("Sector"), _("Students")],
        rows=[[str(SECTORS.get(code, code)), n] for code, n in report.by_sector()],
        note=_("A student with placements in two sectors counts in both."),
    )
    sectors.chart = charts.bar_chart_svg(
        chart_id=f"{cid}-sectors",
        title=sectors.title,
        description=_("Students with a placement per sector."),
        bars=[(r[0], r[1]) for r in sectors.rows],
        colour=charts.SERIES[1],
    )
    orgs = Table(
        key="organisations",
        title=_("Partner organisations"),
        columns=[_("Organisation"), _("Place"), _("Students"), _("Completed")],
        rows=[[o["name"], o["city"], o["students"], o["completed"]] for o in report.organisations],
        numeric_from=2,
    )
    top = report.organisations[:12]
    orgs.chart = charts.bar_chart_svg(
        chart_id=f"{cid}-orgs",
        title=_("Partner organisations with the most students"),
        description=_("The twelve organisations with the most students of the school this year."),
        bars=[(o["name"], o["students"]) for o in top],
    )
    formats = Table(
        key="formats",
        title=_("Formats used"),
        columns=[_("Format"), _("Internship periods"), _("Expected students")],
        rows=[
            [str(FORMATS.get(f["format"], f["format"])), f["periods"], f["students"]]
            for f in report.formats()
        ],
    )
    bottlenecks = Table(
        key="bottlenecks",
        title=_("Bottlenecks suggested by the data"),
        columns=[_("Suggestion")],
        rows=[[s] for s in suggestions(report)],
        numeric_from=99,
    )
    return [summary, cohort_table, hours_table, ranges_table, sectors, orgs, formats, bottlenecks]


def settlement_table(rows: list[dict]) -> Table:
    return Table(
        key="students",
        title=_("Students who did MaS"),
        columns=[
            _("Student number"),
            _("Name"),
            _("Class"),
            _("Level"),
            _("Year"),
            _("Organisation(s)"),
            _("Confirmed hours"),
            _("Required hours"),
            _("From"),
            _("To"),
            _("Completed"),
        ],
        rows=[
            [
                r["student_number"],
                r["name"],
                r["class"],
                r["level"],
                r["year_of_study"],
                ", ".join(r["organisations"]),
                r["hours"],
                r["required"],
                r["start"],
                r["end"],
                _("yes") if r["completed"] else _("no"),
            ]
            for r in rows
        ],
        numeric_from=99,
    )


# ---------------------------------------------------------------------------
# Area overviews (municipality, broker): suppressed.
# ---------------------------------------------------------------------------


def _label(key: str, name) -> str:
    if isinstance(name, tuple):  # (name, id) of an organisation
        return name[0]
    return str(SECTORS.get(name, name)) if key == "by_sector" else name


def _breakdown(key, title, label, data: dict, overview: AreaOverview, cid: str) -> Table:
    """Rows by ``data`` key; per year two columns (placed, completed), each suppressed."""
    years = overview.years
    names = sorted(data, key=lambda k: str(k))
    raw = [
        [len(data[n][y][0]) if y in data[n] else 0 for y in years]
        + [len(data[n][y][1]) if y in data[n] else 0 for y in years]
        for n in names
    ]
    totals = [len(overview.placed[y]) for y in years] + [len(overview.completed[y]) for y in years]
    cells, total_cells = suppress_table(raw, totals)
    n = len(years)
    columns = [label]
    for yl in overview.year_labels():
        columns += [f"{yl}: {_('placed')}", f"{yl}: {_('completed')}"]

    def interleave(row):
        out = []
        for i in range(n):
            out += [row[i], row[n + i]]
        return out

    table = Table(
        key=key,
        title=title,
        columns=columns,
        rows=[[_label(key, name), *interleave(cells[i])] for i, name in enumerate(names)],
        total=[_("Total"), *interleave(total_cells)],
        note=suppression_note(),
    )
    idx = 1 + 2 * (n - 1)
    shown = [
        (row[0], _bar_value(row[idx]))
        for row in table.rows
        if not (isinstance(row[idx], Cell) and row[idx].value == 0)
    ]
    table.chart = charts.bar_chart_svg(
        chart_id=f"{cid}-{key}",
        title=f"{title} — {overview.year_labels()[-1]}",
        description=_("Students placed in the last school year; hidden figures are marked •."),
        bars=shown[:15],
    )
    return table


def suppression_note() -> str:
    return _(
        "• = fewer than 5, or hidden so that a small number cannot be worked out from the "
        "total. No figure about students under 5 is shown."
    )


def area_tables(
    overview: AreaOverview, *, region_level: bool = False, cid: str = "a"
) -> list[Table]:
    years, labels = overview.years, overview.year_labels()
    supply = Table(
        key="supply",
        title=_("Supply: organisations, offers and places"),
        columns=[_("Figure"), *labels],
        rows=[
            [
                _("Organisations with a published offer"),
                *[overview.organisations[y] for y in years],
            ],
            [_("Published offers"), *[overview.offers[y][0] for y in years]],
            [_("Places"), *[overview.offers[y][1] for y in years]],
            [
                _("Organisations recruited (new on the platform)"),
                *[overview.recruited[y] for y in years],
            ],
        ],
        note=_("Organisations registered in total: %(n)s.") % {"n": overview.organisations_total},
    )
    supply.chart = charts.grouped_bars_svg(
        chart_id=f"{cid}-supply",
        title=_("Offers and places per school year"),
        description=_("Published offers and their places in the area, per school year."),
        groups=labels,
        series=[
            (_("Offers"), [overview.offers[y][0] for y in years]),
            (_("Places"), [overview.offers[y][1] for y in years]),
        ],
    )

    def supply_breakdown(key, title, label, counters, translate=False):
        names = sorted({k for y in years for (k, _kind) in counters[y]}, key=str)
        cols = [label]
        for yl in labels:
            cols += [f"{yl}: {_('offers')}", f"{yl}: {_('places')}"]
        rows = []
        for name in names:
            row = [str(SECTORS.get(name, name)) if translate else name]
            for y in years:
                row += [counters[y][(name, "offers")], counters[y][(name, "capacity")]]
            rows.append(row)
        return Table(key=key, title=title, columns=cols, rows=rows)

    by_sector_supply = supply_breakdown(
        "supply_sector", _("Supply by sector"), _("Sector"), overview.supply_by_sector, True
    )
    by_place_supply = supply_breakdown(
        "supply_place", _("Supply by place"), _("Place"), overview.supply_by_place
    )
    placed = [suppress_single(len(overview.placed[y])) for y in years]
    completed = [suppress_single(len(overview.completed[y])) for y in years]
    participation = Table(
        key="participation",
        title=_("Participation: students placed and completed"),
        columns=[_("Figure"), *labels],
        rows=[[_("Students placed"), *placed], [_("Students who completed"), *completed]],
        note=suppression_note(),
    )
    participation.chart = charts.grouped_bars_svg(
        chart_id=f"{cid}-participation",
        title=participation.title,
        description=_("Students placed and students who completed, per school year."),
        groups=labels,
        series=[
            (_("Placed"), [_bar_value(c) for c in placed]),
            (_("Completed"), [_bar_value(c) for c in completed]),
        ],
    )
    tables = [supply, by_sector_supply, by_place_supply, participation]
    if region_level:
        tables.append(
            _breakdown(
                "by_municipality",
                _("Participation by municipality of the organisation"),
                _("Municipality"),
                overview.by_municipality,
                overview,
                cid,
            )
        )
    tables += [
        _breakdown(
            "by_school",
            _("Participation by school"),
            _("School"),
            overview.by_school,
            overview,
            cid,
        ),
        _breakdown(
            "by_sector",
            _("Participation by sector"),
            _("Sector"),
            overview.by_sector,
            overview,
            cid,
        ),
        _breakdown(
            "by_organisation",
            _("Participation by organisation"),
            _("Organisation"),
            overview.by_organisation,
            overview,
            cid,
        ),
    ]
    broker = Table(
        key="broker",
        title=_("The broker's activity"),
        columns=[_("Figure"), *labels],
        rows=[
            [_("Organisations recruited"), *[overview.recruited[y] for y in years]],
            [_("Offers reviewed"), *[overview.reviewed[y] for y in years]],
            [
                _("Mediations for students"),
                *[suppress_single(overview.mediations[y]) for y in years],
            ],
        ],
        note=suppression_note(),
    )
    follow = Table(
        key="follow_up",
        title=_("Follow-up: students who continued to volunteer"),
        columns=[_("Figure"), *labels],
        rows=[
            [
                _("Students invited to keep volunteering"),
                *[suppress_single(len(overview.follow_up_offered[y])) for y in years],
            ],
            [
                _("Students who continued"),
                *[suppress_single(len(overview.follow_up_accepted[y])) for y in years],
            ],
        ],
        note=suppression_note(),
    )
    return [*tables, broker, follow]


# ---------------------------------------------------------------------------
# The school board's overview.
# ---------------------------------------------------------------------------


def board_tables(overview: BoardOverview, *, cid: str = "b") -> list[Table]:
    years, labels = overview.years, overview.year_labels()
    totals = overview.totals()

    def hours(minutes: int) -> Decimal:
        return (Decimal(minutes) / 60).quantize(Decimal("0.1"))

    trend = Table(
        key="trend",
        title=_("All schools of the board per school year"),
        columns=[_("Figure"), *labels],
        rows=[
            [_("Students with a placement"), *[totals[y]["placed"] for y in years]],
            [_("Students who did MaS"), *[totals[y]["started"] for y in years]],
            [_("Students who completed"), *[totals[y]["completed"] for y in years]],
            [_("Students who met the hour requirement"), *[totals[y]["met"] for y in years]],
            [_("Confirmed hours"), *[hours(totals[y]["minutes"]) for y in years]],
        ],
    )
    trend.chart = charts.grouped_bars_svg(
        chart_id=f"{cid}-trend",
        title=trend.title,
        description=_("Students who did MaS and who completed, per school year, all schools."),
        groups=labels,
        series=[
            (_("Did MaS"), [totals[y]["started"] for y in years]),
            (_("Completed"), [totals[y]["completed"] for y in years]),
        ],
    )
    columns = [_("School"), _("BRIN")]
    for yl in labels:
        columns += [f"{yl}: {_('did MaS')}", f"{yl}: {_('completed')}", f"{yl}: {_('hours')}"]
    rows = []
    for school in overview.schools:
        row = [school.name, school.brin]
        for y in years:
            f = overview.figures[school.pk][y]
            row += [f["started"], f["completed"], hours(f["minutes"])]
        rows.append(row)
    total = [_("Total"), ""]
    for y in years:
        total += [totals[y]["started"], totals[y]["completed"], hours(totals[y]["minutes"])]
    schools = Table(
        key="schools",
        title=_("Per school"),
        columns=columns,
        rows=rows,
        total=total,
        numeric_from=2,
    )
    last = years[-1]
    schools.chart = charts.bar_chart_svg(
        chart_id=f"{cid}-schools",
        title=_("Students who did MaS per school — %(year)s") % {"year": labels[-1]},
        description=_("Students who did MaS in the last school year, per school of the board."),
        bars=[(s.name, overview.figures[s.pk][last]["started"]) for s in overview.schools],
    )
    return [trend, schools]
