"""Turns the overview computation into what the pages, the PDF, the XLSX and the API show.

Reads only: two queries feed ``overview.compute_overview``; the rest is arranging its
result into tables and charts. Nothing here decides access: callers pass a region the
person may see and say whether the live (unpublished) figures and the advice may show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meedoen.directory.models import Region, Sector
from meedoen.students.models import Level, school_year_label

from . import charts
from . import overview as ov
from .models import InternshipPeriod, PlanningYear, ShiftDecision
from .selectors import overview_offer_inputs, overview_period_inputs, planning_year_of

LEVEL_LABELS = dict(Level.choices)
SECTOR_LABELS = dict(Sector.choices)


def level_label(level: str | None) -> str:
    return _("all levels") if level is None else str(LEVEL_LABELS.get(level, level))


@dataclass
class PeakView:
    peak: ov.Peak
    level_label: str
    week_numbers: list[int]
    first_monday: object
    last_sunday: object
    advice: list[ov.Suggestion] = field(default_factory=list)
    periods: dict[int, InternshipPeriod] = field(default_factory=dict)

    @property
    def ratio_pct(self) -> str:
        r = self.peak.ratio
        return "∞" if r == float("inf") else f"{100 * r:.0f}%"


@dataclass
class OverviewData:
    region: Region
    planning_year: PlanningYear
    overview: ov.Overview
    supply: ov.Supply
    periods: list[ov.PeriodInput]
    peaks: list[PeakView]

    @property
    def school_year(self) -> int:
        return self.overview.school_year

    @property
    def year_label(self) -> str:
        return school_year_label(self.overview.school_year)

    def week_rows(self) -> list[dict]:
        o = self.overview
        levels_by_week = o.peak_levels_by_week()
        return [
            {
                "index": i,
                "number": o.week_numbers[i],
                "monday": o.weeks[i],
                "demand": o.demand[i],
                "supply": o.supply[i],
                "limit": o.threshold * o.supply[i],
                "peak_levels": [level_label(lv) for lv in levels_by_week.get(i, [])],
            }
            for i in range(len(o.weeks))
        ]

    def active_week_range(self) -> range:
        """The weeks worth showing in tables: from the first to the last with demand."""
        o = self.overview
        used = [i for i, d in enumerate(o.demand) if d > 0.0005]
        if not used:
            return range(0)
        return range(used[0], used[-1] + 1)

    def heat_rows(self) -> list[tuple[str, list[float]]]:
        o = self.overview
        return [(name, o.school_demand[sid]) for sid, name in o.schools]

    def chart_labels(self) -> dict[str, str]:
        return {
            "week": _("Week"),
            "demand": _("Students on internship"),
            "supply": _("Open places"),
            "threshold": _("Peak threshold (%(pct)s%% of places)")
            % {"pct": self.planning_year.peak_share},
            "peak": _("Peak"),
            "own": _("Own school"),
        }

    def demand_chart(self, *, chart_id: str = "chart-demand", own: list[float] | None = None):
        o = self.overview
        return charts.demand_supply_svg(
            chart_id=chart_id,
            title=_("Students on internship against open places per week, %(year)s")
            % {"year": self.year_label},
            description=_(
                "Bar chart per week of the school year. Bars: students expected on "
                "internship; line: open places of published offers; dashed line: the "
                "peak threshold. Peak weeks are red and marked with an exclamation mark. "
                "The same figures are in the table below."
            ),
            week_numbers=o.week_numbers,
            demand=o.demand,
            supply=o.supply,
            threshold=o.threshold,
            peak_weeks=o.peak_weeks,
            own=own,
            labels=self.chart_labels(),
        )

    def heatmaps(self, *, rows_per_chart: int = 0, chart_id: str = "chart-heat") -> list:
        """The weeks × schools heat map; split into parts of ``rows_per_chart`` (for pages)."""
        o = self.overview
        rows = self.heat_rows()
        top = max([max(r, default=0) for _n, r in rows] + [1.0])
        size = rows_per_chart or max(1, len(rows))
        parts = [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]
        return [
            charts.heatmap_svg(
                chart_id=f"{chart_id}-{number}",
                title=_("Students on internship per school and week, %(year)s")
                % {"year": self.year_label},
                description=_(
                    "Heat map: one row per school, one column per week; darker cells "
                    "mean more students on internship. The last rows give all students "
                    "against the open places; peak weeks are marked red with an "
                    "exclamation mark above the column. The same figures are in the "
                    "table below."
                ),
                week_numbers=o.week_numbers,
                rows=part,
                demand=o.demand,
                supply=o.supply,
                peak_weeks=o.peak_weeks,
                labels=self.chart_labels(),
                top=top,
            )
            for number, part in enumerate(parts, start=1)
        ]


def _ignored(period_ids: list[int], periods: list[ov.PeriodInput]) -> frozenset:
    starts = {p.id: p.start for p in periods}
    rows = ShiftDecision.objects.filter(
        period_id__in=period_ids, decision=ShiftDecision.Decision.IGNORED
    ).values_list("period_id", "shift_weeks", "from_start")
    return frozenset((pid, k) for pid, k, start in rows if starts.get(pid) == start)


def overview_data(
    *,
    region: Region,
    school_year: int,
    sector: str | None = None,
    level: str | None = None,
    include_drafts_of: set[int] | frozenset[int] = frozenset(),
    advice: bool = False,
    advice_for_schools: set[int] | None = None,
) -> OverviewData:
    """The region's overview for one school year and filter, with advice if asked.

    ``advice_for_schools`` limits the advice to moves of those schools' periods (a
    coordinator sees what their own school could move).
    """
    planning_year = planning_year_of(region, school_year)
    periods = overview_period_inputs(
        school_year=school_year, region_ids=[region.pk], include_drafts_of=include_drafts_of
    )
    offers = overview_offer_inputs(school_year=school_year, region_ids=[region.pk])
    weeks = ov.school_year_weeks(school_year)
    supply = ov.compute_supply(offers, weeks[0], len(weeks))
    result = ov.compute_overview(
        periods,
        (),
        school_year=school_year,
        threshold=planning_year.threshold,
        sector=sector,
        level=level,
        supply=supply,
    )
    skip = _ignored([p.id for p in periods], periods) if advice else frozenset()
    peaks = []
    for peak in result.peaks:
        view = PeakView(
            peak=peak,
            level_label=level_label(peak.level),
            week_numbers=[result.week_numbers[w] for w in peak.weeks],
            first_monday=result.weeks[peak.weeks[0]],
            last_sunday=result.weeks[peak.weeks[-1]] + ov.datetime.timedelta(days=6),
        )
        if advice and sector is None:
            suggestions = ov.shift_advice(
                peak,
                periods,
                supply,
                school_year=school_year,
                threshold=planning_year.threshold,
                skip=skip,
                only_schools=advice_for_schools,
            )
            view.advice = suggestions
        peaks.append(view)
    wanted = {s.period_id for v in peaks for s in v.advice}
    if wanted:
        found = {
            p.pk: p
            for p in InternshipPeriod.objects.filter(pk__in=wanted)
            .select_related("school", "cohort")
            .prefetch_related("classes")
        }
        for v in peaks:
            v.periods = found
    return OverviewData(
        region=region,
        planning_year=planning_year,
        overview=result,
        supply=supply,
        periods=periods,
        peaks=peaks,
    )


def filter_label(sector: str | None, level: str | None) -> str:
    parts = [
        str(SECTOR_LABELS.get(sector, sector)) if sector else _("all sectors"),
        str(LEVEL_LABELS.get(level, level)) if level else _("all levels"),
    ]
    return ", ".join(parts)


def week_span(monday, sunday) -> str:
    return f"{date_format(monday, 'j M')} – {date_format(sunday, 'j M Y')}"
