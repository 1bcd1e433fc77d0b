"""The reports by kind: who may open which, and how each is built into tables.

``REPORTS`` maps a kind (school, students, municipality, region, board) to the selector
that scopes its targets for a person and the function that builds it. Pages, downloads,
background exports and the API all go through ``target_for`` and ``build``, so access and
content are decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from meedoen.core.policy import access_or_404
from meedoen.students.models import school_year_label

from . import selectors as sel
from . import tables as tb


@dataclass
class Built:
    kind: str
    target: object
    year: int
    title: str
    subtitle: str
    tables: list[tb.Table]
    extra: dict = field(default_factory=dict)

    @property
    def year_label(self) -> str:
        return school_year_label(self.year)

    def table(self, key: str) -> tb.Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise Http404

    @property
    def filename(self) -> str:
        name = getattr(self.target, "brin", None) or str(self.target.pk)
        return f"meedoen-{self.kind}-{name}-{self.year}-{self.year + 1}"


def _school(target, year, cid="s") -> Built:
    report = sel.school_report(target, year)
    return Built(
        kind="school",
        target=target,
        year=year,
        title=_("End-of-year report MaS"),
        subtitle=f"{target.name} ({target.brin}) — {school_year_label(year)}",
        tables=tb.school_tables(report, chart_prefix=cid),
        extra={"report": report},
    )


def _students(target, year, cid="l") -> Built:
    rows = sel.settlement_students(target, year)
    return Built(
        kind="students",
        target=target,
        year=year,
        title=_("Students who did MaS, for the final settlement"),
        subtitle=f"{target.name} ({target.brin}) — {school_year_label(year)}",
        tables=[tb.settlement_table(rows)],
    )


def _municipality(target, year, cid="m") -> Built:
    overview = sel.area_overview(years=sel.trend_years(year), municipality=target)
    return Built(
        kind="municipality",
        target=target,
        year=year,
        title=_("MaS in the municipality (Wmo performance field 4)"),
        subtitle=f"{target.name} — {', '.join(overview.year_labels())}",
        tables=tb.area_tables(overview, cid=cid),
        extra={"overview": overview},
    )


def _region(target, year, cid="r") -> Built:
    overview = sel.area_overview(years=sel.trend_years(year), region=target)
    return Built(
        kind="region",
        target=target,
        year=year,
        title=_("Regional figures of the broker"),
        subtitle=f"{target.name} — {', '.join(overview.year_labels())}",
        tables=tb.area_tables(overview, region_level=True, cid=cid),
        extra={"overview": overview},
    )


def _board(target, year, cid="b") -> Built:
    overview = sel.board_overview(target, sel.trend_years(year))
    return Built(
        kind="board",
        target=target,
        year=year,
        title=_("Overview of the school board"),
        subtitle=f"{target.name} — {', '.join(overview.year_labels())}",
        tables=tb.board_tables(overview, cid=cid),
        extra={"overview": overview},
    )


@dataclass(frozen=True)
class Spec:
    targets: Callable[[object], QuerySet]
    build: Callable[..., Built]
    names: bool = False  # holds student names (list for the settlement)


REPORTS: dict[str, Spec] = {
    "school": Spec(sel.schools_reportable_by, _school),
    "students": Spec(sel.schools_with_student_list, _students, names=True),
    "municipality": Spec(sel.municipalities_reportable_by, _municipality),
    "region": Spec(sel.regions_reportable_by, _region),
    "board": Spec(sel.boards_reportable_by, _board),
}


def target_for(user, kind: str, pk, year: int):
    """The report's target if the person may see it, for a year that exists; else 404."""
    spec = REPORTS.get(kind)
    if spec is None or not sel.valid_year(year):
        raise Http404
    return access_or_404(spec.targets(user), pk=pk)


def build(kind: str, target, year: int, *, cid: str | None = None) -> Built:
    spec = REPORTS[kind]
    return spec.build(target, year, cid) if cid else spec.build(target, year)
