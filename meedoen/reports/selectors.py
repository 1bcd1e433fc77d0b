"""Reads of the reports: who may see which report, and the figures of each.

Definitions, used by every report alike:

* A placement belongs to the school year in which it starts (1 August – 31 July); one
  without a start date to the year in which it was made.
* A student is *placed* in a year with a placement in one of the states that hold a place
  (accepted … completed); *did MaS* (started) with a placement that is active or completed,
  or with confirmed hours in the year; *completed* with a completed placement.
* Hours are the confirmed hours logged on dates in the school year; the requirement is the
  student's cohort's (else the school's).
* Year of study and level are those of the student's class (cohort) today.

Each report is read with a fixed, small number of queries (no query per student, school
or organisation); the tests assert the counts.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from meedoen.core.policy import principal_for
from meedoen.directory.models import (
    Municipality,
    Organisation,
    Region,
    Role,
    School,
    SchoolBoard,
    Sector,
)
from meedoen.evaluations.models import AttentionFlag, Evaluation, EvaluationKind
from meedoen.hours.models import EntryStatus, FollowUpOffer, FollowUpStatus, HourEntry
from meedoen.placements.models import TAKING_STATES, Placement, PlacementStatus
from meedoen.planning.models import InternshipPeriod
from meedoen.stagebank.models import Vacancy, VacancyEvent
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import AccessGrant, Student, current_school_year, school_year_label

from .models import ReportExport, SchemeKind, SchoolReportNote, SubsidyScheme

STARTED_STATES = {PlacementStatus.ACTIVE, PlacementStatus.COMPLETED}
POOR_AVERAGE = Decimal("3.0")  # below this average (scale 1–5) an organisation is a bottleneck
TREND_YEARS = 3
EARLIEST_YEAR = 2000


def school_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 8, 1), datetime.date(year + 1, 7, 31)


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 8 else day.year - 1


def valid_year(year: int) -> bool:
    """Years a report can be asked for: from 2000 up to next school year."""
    return EARLIEST_YEAR <= year <= current_school_year() + 1


def year_choices() -> list[tuple[int, str]]:
    now = current_school_year()
    return [(y, school_year_label(y)) for y in range(now + 1, now - 6, -1)]


def trend_years(year: int) -> list[int]:
    return list(range(year - TREND_YEARS + 1, year + 1))


def _aware(day: datetime.date, end: bool = False) -> datetime.datetime:
    t = datetime.time.max if end else datetime.time.min
    return timezone.make_aware(datetime.datetime.combine(day, t))


def in_years_q(years: list[int], prefix: str = "") -> Q:
    """Placements (``prefix`` leads to one) that start in one of ``years``."""
    first, _ = school_year_bounds(min(years))
    _, last = school_year_bounds(max(years))
    return Q(**{f"{prefix}start_date__range": (first, last)}) | Q(
        **{
            f"{prefix}start_date__isnull": True,
            f"{prefix}created_at__range": (_aware(first), _aware(last, end=True)),
        }
    )


def placement_year(start_date, created_at) -> int:
    if start_date is not None:
        return school_year_of(start_date)
    return school_year_of(timezone.localtime(created_at).date())


# ---------------------------------------------------------------------------
# Who may see which report.
# ---------------------------------------------------------------------------


def schools_reportable_by(user) -> QuerySet[School]:
    """Schools whose end-of-year report a person may read: the coordinator's own school,
    the schools of the project lead's board; every school for the administrator."""
    p = principal_for(user)
    if p.is_admin:
        return School.objects.all()
    if not p.roles:
        return School.objects.none()
    return School.objects.filter(Q(pk__in=p.coordinator_school_ids) | Q(board_id__in=p.board_ids))


def schools_with_student_list(user) -> QuerySet[School]:
    """Schools whose list of students (names) a person may read: only those who may see the
    students' names (``docs/access.md``) — the school's coordinator and the administrator.
    The board's project lead sees aggregates only."""
    p = principal_for(user)
    if p.is_admin:
        return School.objects.all()
    return School.objects.filter(pk__in=p.coordinator_school_ids)


def may_write_note(user, school: School) -> bool:
    p = principal_for(user)
    return p.is_admin or school.pk in p.coordinator_school_ids


def municipalities_reportable_by(user) -> QuerySet[Municipality]:
    """The municipality's own overview; the broker's for the municipalities of the region."""
    p = principal_for(user)
    if p.is_admin:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(pk__in=p.municipality_ids) | Q(region_id__in=p.broker_region_ids)
    )


def regions_reportable_by(user) -> QuerySet[Region]:
    p = principal_for(user)
    if p.is_admin:
        return Region.objects.all()
    return Region.objects.filter(pk__in=p.broker_region_ids)


def boards_reportable_by(user) -> QuerySet[SchoolBoard]:
    p = principal_for(user)
    if p.is_admin:
        return SchoolBoard.objects.all()
    return SchoolBoard.objects.filter(pk__in=p.board_ids)


# Which scheme kinds a role may calculate, and for what (school, municipality, region).
SCHEME_SCOPE = {
    SchemeKind.PILOT: "school",
    SchemeKind.ADDITIONAL: "school",
    SchemeKind.MUNICIPAL: "municipality",
    SchemeKind.NATIONAL_ORGANISATION: "region",
}


def scheme_targets(user, kind: str) -> QuerySet:
    """What a person may calculate a scheme for (empty: the scheme is not theirs)."""
    scope = SCHEME_SCOPE.get(kind)
    if scope == "school":
        return schools_reportable_by(user).order_by("name")
    if scope == "municipality":
        return municipalities_reportable_by(user).order_by("name")
    if scope == "region":
        return regions_reportable_by(user).order_by("name")
    return School.objects.none()


def may_see_schemes(user) -> bool:
    p = principal_for(user)
    return p.is_admin or bool(
        p.coordinator_school_ids or p.board_ids or p.municipality_ids or p.broker_region_ids
    )


def schemes_visible_to(user) -> QuerySet[SubsidyScheme]:
    """The schemes a person may calculate with (by the kinds they have a target for)."""
    if not may_see_schemes(user):
        return SubsidyScheme.objects.none()
    p = principal_for(user)
    kinds = set()
    if p.is_admin:
        kinds = set(SchemeKind.values)
    if p.coordinator_school_ids or p.board_ids:
        kinds |= {SchemeKind.PILOT, SchemeKind.ADDITIONAL}
    if p.municipality_ids or p.broker_region_ids:
        kinds.add(SchemeKind.MUNICIPAL)
    if p.broker_region_ids:
        kinds.add(SchemeKind.NATIONAL_ORGANISATION)
    return SubsidyScheme.objects.filter(kind__in=kinds)


def scheme_for(kind: str, day: datetime.date) -> SubsidyScheme | None:
    """The version of a kind that applies on ``day`` (latest valid_from, then version)."""
    return (
        SubsidyScheme.objects.filter(kind=kind, valid_from__lte=day)
        .order_by("-valid_from", "-version")
        .first()
    )


def exports_of(user) -> QuerySet[ReportExport]:
    if not getattr(user, "is_authenticated", False):
        return ReportExport.objects.none()
    return ReportExport.objects.filter(requested_by=user).defer("content")


def note_of(school: School, year: int) -> SchoolReportNote | None:
    return SchoolReportNote.objects.filter(school=school, school_year=year).first()


# ---------------------------------------------------------------------------
# The school's end-of-year report.
# ---------------------------------------------------------------------------


def _sector(vacancy_sector: str | None, org_sectors) -> str:
    if vacancy_sector:
        return vacancy_sector
    if org_sectors:
        return org_sectors[0]
    return Sector.OTHER


@dataclass
class StudentFigures:
    cohort_id: int | None
    year_of_study: int | None
    level: str | None
    required: int
    placed: bool = False
    started: bool = False
    completed: bool = False
    minutes: int = 0
    organisations: set = field(default_factory=set)
    sectors: set = field(default_factory=set)


@dataclass
class SchoolReport:
    school: School
    year: int
    students: dict[int, StudentFigures]
    organisations: list[dict]
    periods: list[dict]
    cohort_sizes: dict[int, int]
    poor_organisations: list[dict]
    note: SchoolReportNote | None

    @property
    def year_label(self) -> str:
        return school_year_label(self.year)

    @property
    def placed(self) -> int:
        return sum(1 for s in self.students.values() if s.placed)

    @property
    def started(self) -> int:
        return sum(1 for s in self.students.values() if s.started)

    @property
    def completed(self) -> int:
        return sum(1 for s in self.students.values() if s.completed)

    @property
    def met_requirement(self) -> int:
        return sum(1 for s in self.students.values() if s.minutes >= s.required * 60 > 0)

    @property
    def total_minutes(self) -> int:
        return sum(s.minutes for s in self.students.values())

    @property
    def total_hours(self) -> Decimal:
        return (Decimal(self.total_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def average_hours(self) -> Decimal:
        n = self.started
        if not n:
            return Decimal("0.0")
        minutes = sum(s.minutes for s in self.students.values() if s.started)
        return (Decimal(minutes) / 60 / n).quantize(Decimal("0.1"))

    @property
    def expected(self) -> int:
        return sum(p["students"] for p in self.periods)

    @property
    def is_empty(self) -> bool:
        return not self.students and not self.periods

    def by_cohort(self) -> list[dict]:
        groups: dict[tuple, dict] = {}
        for s in self.students.values():
            key = (s.year_of_study or 0, s.level or "")
            g = groups.setdefault(
                key,
                {
                    "year_of_study": s.year_of_study,
                    "level": s.level,
                    "placed": 0,
                    "started": 0,
                    "completed": 0,
                    "met": 0,
                },
            )
            g["placed"] += s.placed
            g["started"] += s.started
            g["completed"] += s.completed
            g["met"] += s.minutes >= s.required * 60 > 0
        return [groups[k] for k in sorted(groups)]

    def hour_buckets(self) -> list[tuple[str, int]]:
        """Students who did MaS by confirmed hours against their requirement."""
        buckets = Counter()
        for s in self.students.values():
            if not (s.started or s.placed):
                continue
            need = s.required * 60
            if s.minutes == 0:
                buckets["none"] += 1
            elif need and s.minutes < need / 2:
                buckets["under_half"] += 1
            elif need and s.minutes < need:
                buckets["half"] += 1
            else:
                buckets["met"] += 1
        return [(k, buckets.get(k, 0)) for k in ("none", "under_half", "half", "met")]

    def hour_ranges(self) -> list[tuple[str, int]]:
        """Students by confirmed hours in ranges of ten."""
        edges = [(0, 0), (1, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 71)]
        counts = Counter()
        for s in self.students.values():
            if not (s.started or s.placed):
                continue
            h = s.minutes // 60
            for lo, hi in edges:
                if lo <= h <= hi:
                    counts[f"{lo}–{hi}" if lo != hi else str(lo)] += 1
                    break
            else:
                counts["72+"] += 1
        labels = [f"{lo}–{hi}" if lo != hi else str(lo) for lo, hi in edges] + ["72+"]
        return [(label, counts.get(label, 0)) for label in labels]

    def by_sector(self) -> list[tuple[str, int]]:
        counts = Counter()
        for s in self.students.values():
            for sector in s.sectors:
                counts[sector] += 1
        return [(code, counts.get(code, 0)) for code in Sector.values if counts.get(code)]

    def formats(self) -> list[dict]:
        groups: dict[str, dict] = {}
        for p in self.periods:
            g = groups.setdefault(p["format"], {"format": p["format"], "periods": 0, "students": 0})
            g["periods"] += 1
            g["students"] += p["students"]
        return sorted(groups.values(), key=lambda g: -g["students"])

    def placed_by_cohort(self) -> Counter:
        return Counter(s.cohort_id for s in self.students.values() if s.placed)

    def unfilled_periods(self) -> list[dict]:
        """Periods whose cohort has fewer students placed than the period expects."""
        placed = self.placed_by_cohort()
        per_cohort_expected = Counter()
        for p in self.periods:
            per_cohort_expected[p["cohort_id"]] += p["students"]
        out = []
        seen = set()
        for p in self.periods:
            cid = p["cohort_id"]
            if cid in seen:
                continue
            seen.add(cid)
            if placed.get(cid, 0) < per_cohort_expected[cid]:
                out.append(
                    {
                        **p,
                        "expected": per_cohort_expected[cid],
                        "placed": placed.get(cid, 0),
                        "missing": per_cohort_expected[cid] - placed.get(cid, 0),
                    }
                )
        return out

    def without_placement(self) -> int:
        """Enrolled students of the cohorts with a period this year, without a placement."""
        placed = self.placed_by_cohort()
        return sum(max(0, n - placed.get(cid, 0)) for cid, n in self.cohort_sizes.items())


def school_report(school: School, year: int) -> SchoolReport:
    """The end-of-year report's figures: eight queries, whatever the size of the school."""
    first, last = school_year_bounds(year)
    students: dict[int, StudentFigures] = {}

    def figures(sid, cohort_id, yos, level, cohort_req):
        row = students.get(sid)
        if row is None:
            row = students[sid] = StudentFigures(
                cohort_id=cohort_id,
                year_of_study=yos,
                level=level,
                required=cohort_req if cohort_req is not None else school.required_hours,
            )
        return row

    cohort_fields = (
        "student__school_class__cohort_id",
        "student__school_class__cohort__year_of_study",
        "student__school_class__cohort__level",
        "student__school_class__cohort__required_hours",
    )
    placements = (
        Placement.objects.filter(student__school=school, status__in=TAKING_STATES)
        .filter(in_years_q([year]))
        .values_list(
            "pk", "student_id", "status", "organisation_id", "vacancy__sector", *cohort_fields
        )
        .order_by()
    )
    org_ids: set[int] = set()
    pending_sectors: list[tuple[StudentFigures, str | None, int]] = []
    # placement -> (student, cohort fields): to put the hours with their student.
    owner: dict[int, tuple] = {}
    for pk, sid, status, org_id, sector, cid, yos, level, req in placements:
        owner[pk] = (sid, cid, yos, level, req)
        row = figures(sid, cid, yos, level, req)
        row.placed = True
        row.started = row.started or status in STARTED_STATES
        row.completed = row.completed or status == PlacementStatus.COMPLETED
        row.organisations.add(org_id)
        org_ids.add(org_id)
        pending_sectors.append((row, sector, org_id))
    # Hours per placement (a small GROUP BY); hours on a placement outside the year's
    # placements (cancelled, or started the year before) are looked up once, together.
    minutes_by_placement = dict(
        HourEntry.objects.filter(
            placement__student__school=school,
            status=EntryStatus.CONFIRMED,
            date__range=(first, last),
        )
        .values_list("placement_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    others = [pk for pk in minutes_by_placement if pk not in owner]
    if others:
        for pk, *fields in Placement.objects.filter(pk__in=others).values_list(
            "pk", "student_id", *cohort_fields
        ):
            owner[pk] = tuple(fields)
    for pk, minutes in minutes_by_placement.items():
        row = figures(*owner[pk])
        row.minutes += minutes or 0
        if row.minutes:
            row.started = True
    orgs = {
        o["pk"]: o
        for o in Organisation.objects.filter(pk__in=org_ids).values("pk", "name", "city", "sectors")
    }
    for row, sector, org_id in pending_sectors:
        row.sectors.add(_sector(sector, (orgs.get(org_id) or {}).get("sectors")))
    per_org: dict[int, dict] = {}
    for row in students.values():
        for org_id in row.organisations:
            entry = per_org.setdefault(org_id, {"students": 0, "completed": 0})
            entry["students"] += 1
            entry["completed"] += row.completed
    organisations = sorted(
        (
            {
                "id": org_id,
                "name": orgs[org_id]["name"],
                "city": orgs[org_id]["city"],
                "students": n["students"],
                "completed": n["completed"],
            }
            for org_id, n in per_org.items()
            if org_id in orgs
        ),
        key=lambda o: (-o["students"], o["name"]),
    )
    periods = list(
        InternshipPeriod.objects.filter(school=school, school_year=year)
        .values(
            "pk",
            "format",
            "students",
            "cohort_id",
            "cohort__year_of_study",
            "cohort__level",
            "start_date",
            "end_date",
            "status",
        )
        .order_by("start_date", "pk")
    )
    cohort_ids = {p["cohort_id"] for p in periods}
    cohort_sizes = dict(
        Student.objects.filter(school=school, active=True, school_class__cohort_id__in=cohort_ids)
        .values_list("school_class__cohort_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    poor = _poor_organisations(org_ids, first, last, orgs)
    return SchoolReport(
        school=school,
        year=year,
        students=students,
        organisations=organisations,
        periods=periods,
        cohort_sizes=cohort_sizes,
        poor_organisations=poor,
        note=note_of(school, year),
    )


def _poor_organisations(org_ids, first, last, orgs) -> list[dict]:
    if not org_ids:
        return []
    averages = {
        row["organisation_id"]: row
        for row in Evaluation.objects.filter(
            organisation_id__in=org_ids,
            kind__in=[EvaluationKind.STUDENT, EvaluationKind.SCHOOL],
            submitted_at__range=(_aware(first), _aware(last, end=True)),
            average__isnull=False,
        )
        .values("organisation_id")
        .annotate(avg=Avg("average"), n=Count("pk"))
        .order_by()
    }
    flags = dict(
        AttentionFlag.objects.filter(organisation_id__in=org_ids, resolved_at__isnull=True)
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for org_id in org_ids:
        row = averages.get(org_id)
        avg = Decimal(row["avg"]).quantize(Decimal("0.1")) if row else None
        if (avg is not None and avg < POOR_AVERAGE) or flags.get(org_id):
            out.append(
                {
                    "name": orgs[org_id]["name"],
                    "average": avg,
                    "evaluations": row["n"] if row else 0,
                    "open_flags": flags.get(org_id, 0),
                }
            )
    return sorted(out, key=lambda o: o["name"])


def settlement_students(school: School, year: int) -> list[dict]:
    """Every student who did MaS in the year, with the organisations, hours and dates —
    the list for the subsidy's final settlement. Three queries."""
    first, last = school_year_bounds(year)
    rows: dict[int, dict] = {}
    placements = (
        Placement.objects.filter(student__school=school, status__in=TAKING_STATES)
        .filter(in_years_q([year]))
        .values_list("student_id", "status", "organisation__name", "start_date", "end_date")
        .order_by("start_date", "pk")
    )
    for sid, status, org, start, end in placements:
        r = rows.setdefault(
            sid,
            {"organisations": [], "start": None, "end": None, "started": False, "completed": False},
        )
        if org not in r["organisations"]:
            r["organisations"].append(org)
        if start and (r["start"] is None or start < r["start"]):
            r["start"] = start
        if end and (r["end"] is None or end > r["end"]):
            r["end"] = end
        r["started"] = r["started"] or status in STARTED_STATES
        r["completed"] = r["completed"] or status == PlacementStatus.COMPLETED
    minutes = dict(
        HourEntry.objects.filter(
            placement__student__school=school,
            status=EntryStatus.CONFIRMED,
            date__range=(first, last),
        )
        .values_list("placement__student_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    for sid, m in minutes.items():
        if m:
            rows.setdefault(
                sid,
                {
                    "organisations": [],
                    "start": None,
                    "end": None,
                    "started": True,
                    "completed": False,
                },
            )["started"] = True
    students = Student.objects.filter(pk__in=[sid for sid, r in rows.items() if r["started"]])
    out = []
    for s in students.select_related("school_class", "school_class__cohort").order_by(
        "last_name", "first_name", "pk"
    ):
        r = rows[s.pk]
        cohort = s.school_class.cohort if s.school_class_id else None
        out.append(
            {
                "student_number": s.student_number,
                "name": s.full_name,
                "class": s.school_class.name if s.school_class_id else "",
                "level": cohort.get_level_display() if cohort else "",
                "year_of_study": cohort.year_of_study if cohort else "",
                "organisations": r["organisations"],
                "hours": (Decimal(minutes.get(s.pk) or 0) / 60).quantize(Decimal("0.1")),
                "required": cohort.required_hours if cohort else school.required_hours,
                "start": r["start"],
                "end": r["end"],
                "completed": r["completed"],
            }
        )
    return out


def expected_students(school: School, year: int) -> int:
    """The number declared for the year: the students of the school's internship periods."""
    return (
        InternshipPeriod.objects.filter(school=school, school_year=year).aggregate(
            n=Sum("students")
        )["n"]
        or 0
    )


def mas_student_count(school: School, year: int) -> int:
    """Students who did MaS in the year (the final count), without building the report."""
    first, last = school_year_bounds(year)
    placed = set(
        Placement.objects.filter(student__school=school, status__in=STARTED_STATES)
        .filter(in_years_q([year]))
        .values_list("student_id", flat=True)
    )
    with_hours = set(
        HourEntry.objects.filter(
            placement__student__school=school,
            status=EntryStatus.CONFIRMED,
            date__range=(first, last),
        ).values_list("placement__student_id", flat=True)
    )
    return len(placed | with_hours)


# ---------------------------------------------------------------------------
# Area overviews: a municipality (Wmo performance field 4) or a region (the broker).
# ---------------------------------------------------------------------------


@dataclass
class AreaOverview:
    """Figures of an area over years; counts of students are raw here and suppressed by
    the presenter (``tables.py``) — the API and pages never show them unsuppressed."""

    name: str
    years: list[int]
    organisations: dict[int, int]  # year -> organisations (with an offer that year)
    organisations_total: int
    supply_by_sector: dict[int, Counter]  # year -> sector -> (offers, capacity)
    supply_by_place: dict[int, Counter]
    offers: dict[int, tuple[int, int]]  # year -> (offers, capacity)
    placed: dict[int, set]  # year -> student ids placed
    completed: dict[int, set]
    by_school: dict[str, dict[int, tuple[set, set]]]
    by_sector: dict[str, dict[int, tuple[set, set]]]
    by_organisation: dict[str, dict[int, tuple[set, set]]]
    by_municipality: dict[str, dict[int, tuple[set, set]]]
    recruited: dict[int, int]
    reviewed: dict[int, int]
    mediations: dict[int, int]
    follow_up_offered: dict[int, set]
    follow_up_accepted: dict[int, set]

    def year_labels(self) -> list[str]:
        return [school_year_label(y) for y in self.years]

    @property
    def is_empty(self) -> bool:
        return not any(self.placed.values()) and not any(self.offers.values())


def area_overview(*, years: list[int], municipality=None, region=None) -> AreaOverview:
    """Supply, participation, the broker's activity and the follow-up in an area, per
    school year. A municipality's area is its organisations (where students do MaS) and,
    for mediations, its schools' locations; a region's is everything in it. Eight queries."""
    if municipality is not None:
        org_q = Q(organisation__municipality=municipality)
        org_filter = Q(municipality=municipality)
        school_q = Q(student__school__locations__municipality=municipality)
        name = municipality.name
    else:
        org_q = Q(organisation__region=region)
        org_filter = Q(region=region)
        school_q = Q(student__school__region=region)
        name = region.name
    first, _ = school_year_bounds(min(years))
    _, last = school_year_bounds(max(years))
    # Supply: published offers of the area's organisations, by sector and place.
    supply_by_sector: dict[int, Counter] = {y: Counter() for y in years}
    supply_by_place: dict[int, Counter] = {y: Counter() for y in years}
    offers: dict[int, list[int]] = {y: [0, 0] for y in years}
    org_with_offer: dict[int, set] = {y: set() for y in years}
    vacancy_rows = (
        Vacancy.objects.filter(org_q, school_year__in=years, published_at__isnull=False)
        .values_list("school_year", "sector", "organisation__city", "organisation_id")
        .annotate(n=Count("pk"), capacity=Sum("capacity"))
        .order_by()
    )
    for year, sector, city, org_id, n, capacity in vacancy_rows:
        supply_by_sector[year][(sector, "offers")] += n
        supply_by_sector[year][(sector, "capacity")] += capacity or 0
        place = city or "—"
        supply_by_place[year][(place, "offers")] += n
        supply_by_place[year][(place, "capacity")] += capacity or 0
        offers[year][0] += n
        offers[year][1] += capacity or 0
        org_with_offer[year].add(org_id)
    organisations = Organisation.objects.filter(org_filter)
    org_created = list(organisations.values_list("created_at", flat=True))
    recruited = Counter(
        school_year_of(timezone.localtime(c).date()) for c in org_created if c is not None
    )
    # Participation: one row per placement; students counted distinctly in every cell.
    placed: dict[int, set] = {y: set() for y in years}
    completed: dict[int, set] = {y: set() for y in years}
    by_school: dict = defaultdict(lambda: defaultdict(lambda: (set(), set())))
    by_sector: dict = defaultdict(lambda: defaultdict(lambda: (set(), set())))
    by_org: dict = defaultdict(lambda: defaultdict(lambda: (set(), set())))
    by_mun: dict = defaultdict(lambda: defaultdict(lambda: (set(), set())))
    rows = (
        Placement.objects.filter(org_q, status__in=TAKING_STATES)
        .filter(in_years_q(years))
        .values_list(
            "student_id",
            "status",
            "start_date",
            "created_at",
            "student__school__name",
            "vacancy__sector",
            "organisation__sectors",
            "organisation__name",
            "organisation_id",
            "organisation__municipality__name",
        )
        .order_by()
    )
    for sid, status, start, created, school, vsector, osectors, org, org_id, mun in rows:
        year = placement_year(start, created)
        if year not in placed:
            continue
        done = status == PlacementStatus.COMPLETED
        placed[year].add(sid)
        sector = _sector(vsector, osectors)
        for table, key in (
            (by_school, school),
            (by_sector, sector),
            (by_org, (org, org_id)),  # two organisations may share a name
            (by_mun, mun or "—"),
        ):
            cell = table[key][year]
            cell[0].add(sid)
            if done:
                cell[1].add(sid)
        if done:
            completed[year].add(sid)
    # The broker's activity: offers reviewed (published or returned after review).
    reviewed = Counter(
        school_year_of(timezone.localtime(at).date())
        for at in VacancyEvent.objects.filter(
            from_status=VacancyStatus.SUBMITTED,
            to_status__in=[VacancyStatus.PUBLISHED, VacancyStatus.RETURNED],
            at__range=(_aware(first), _aware(last, end=True)),
        )
        .filter(**{f"vacancy__{k}": v for k, v in _org_lookup(municipality, region).items()})
        .values_list("at", flat=True)
    )
    # Mediations: the schools' grants of one student to the region's broker.
    mediation_dates = (
        AccessGrant.objects.filter(
            student__isnull=False,
            grantee__memberships__role=Role.BROKER,
            created_at__range=(_aware(first), _aware(last, end=True)),
        )
        .filter(school_q)
        .values_list("pk", "created_at")
        .distinct()
    )
    mediations = Counter(
        school_year_of(timezone.localtime(at).date()) for _pk, at in mediation_dates
    )
    # Follow-up: students invited to keep volunteering, and those who accepted.
    follow_offered: dict[int, set] = {y: set() for y in years}
    follow_accepted: dict[int, set] = {y: set() for y in years}
    for sid, status, at in (
        FollowUpOffer.objects.filter(
            **{f"placement__{k}": v for k, v in _org_lookup(municipality, region).items()},
            offered_at__range=(_aware(first), _aware(last, end=True)),
        )
        .values_list("placement__student_id", "status", "offered_at")
        .order_by()
    ):
        year = school_year_of(timezone.localtime(at).date())
        if year in follow_offered:
            follow_offered[year].add(sid)
            if status == FollowUpStatus.ACCEPTED:
                follow_accepted[year].add(sid)
    return AreaOverview(
        name=name,
        years=years,
        organisations={y: len(org_with_offer[y]) for y in years},
        organisations_total=len(org_created),
        supply_by_sector=supply_by_sector,
        supply_by_place=supply_by_place,
        offers={y: (offers[y][0], offers[y][1]) for y in years},
        placed=placed,
        completed=completed,
        by_school=by_school,
        by_sector=by_sector,
        by_organisation=by_org,
        by_municipality=by_mun,
        recruited={y: recruited.get(y, 0) for y in years},
        reviewed={y: reviewed.get(y, 0) for y in years},
        mediations={y: mediations.get(y, 0) for y in years},
        follow_up_offered=follow_offered,
        follow_up_accepted=follow_accepted,
    )


def _org_lookup(municipality, region) -> dict:
    if municipality is not None:
        return {"organisation__municipality": municipality}
    return {"organisation__region": region}


# ---------------------------------------------------------------------------
# The school board's overview.
# ---------------------------------------------------------------------------


@dataclass
class BoardOverview:
    board: SchoolBoard
    years: list[int]
    schools: list[School]
    # school id -> year -> figures
    figures: dict[int, dict[int, dict]]

    def year_labels(self) -> list[str]:
        return [school_year_label(y) for y in self.years]

    def totals(self) -> dict[int, dict]:
        out = {}
        for y in self.years:
            t = {"placed": 0, "started": 0, "completed": 0, "minutes": 0, "met": 0}
            for s in self.schools:
                for k in t:
                    t[k] += self.figures[s.pk][y][k]
            out[y] = t
        return out


def board_overview(board: SchoolBoard, years: list[int]) -> BoardOverview:
    """Per school of the board and per year: students placed, who did MaS, completed,
    hours and the requirement met. Three queries."""
    schools = list(School.objects.filter(board=board).order_by("name"))
    ids = [s.pk for s in schools]
    empty = {"placed": 0, "started": 0, "completed": 0, "minutes": 0, "met": 0}
    per_student: dict[tuple[int, int], dict] = {}
    first, _ = school_year_bounds(min(years))
    _, last = school_year_bounds(max(years))
    required_default = {s.pk: s.required_hours for s in schools}
    for sid, school_id, status, start, created, req in (
        Placement.objects.filter(student__school_id__in=ids, status__in=TAKING_STATES)
        .filter(in_years_q(years))
        .values_list(
            "student_id",
            "student__school_id",
            "status",
            "start_date",
            "created_at",
            "student__school_class__cohort__required_hours",
        )
        .order_by()
    ):
        year = placement_year(start, created)
        row = per_student.setdefault(
            (sid, year),
            {
                "school": school_id,
                "placed": True,
                "started": False,
                "completed": False,
                "minutes": 0,
                "required": req or required_default[school_id],
            },
        )
        row["started"] = row["started"] or status in STARTED_STATES
        row["completed"] = row["completed"] or status == PlacementStatus.COMPLETED
    sums = {f"y{y}": Sum("minutes", filter=Q(date__range=school_year_bounds(y))) for y in years}
    for sid, school_id, req, *totals in (
        HourEntry.objects.filter(
            placement__student__school_id__in=ids,
            status=EntryStatus.CONFIRMED,
            date__range=(first, last),
        )
        .values_list(
            "placement__student_id",
            "placement__student__school_id",
            "placement__student__school_class__cohort__required_hours",
        )
        .annotate(**sums)
        .values_list(
            "placement__student_id",
            "placement__student__school_id",
            "placement__student__school_class__cohort__required_hours",
            *sums,
        )
        .order_by()
    ):
        for year, minutes in zip(years, totals, strict=True):
            if not minutes:
                continue
            row = per_student.setdefault(
                (sid, year),
                {
                    "school": school_id,
                    "placed": False,
                    "started": False,
                    "completed": False,
                    "minutes": 0,
                    "required": req or required_default[school_id],
                },
            )
            row["minutes"] += minutes
            row["started"] = True
    figures = {s.pk: {y: dict(empty) for y in years} for s in schools}
    for (_sid, year), row in per_student.items():
        if year not in years:
            continue
        f = figures[row["school"]][year]
        f["placed"] += row["placed"]
        f["started"] += row["started"]
        f["completed"] += row["completed"]
        f["minutes"] += row["minutes"]
        f["met"] += row["minutes"] >= row["required"] * 60 > 0
    return BoardOverview(board=board, years=years, schools=schools, figures=figures)
