"""Demo internship periods for every demo school, with at least two realistic peaks.

Most schools do their MaS in year 3, some start with part of it in year 2. As in many
regions, the havo/vwo schools favour the block week before the Christmas holiday (week
50), and the vmbo schools the spring weeks after Easter (weeks 15 and 16: the year-3
carousels of vmbo basic and vocational, the year-2 "MaS week" of several schools): those
become the peaks. The vmbo-g/t schools run a ribbon on Wednesdays in the winter, the
practical school a dual period through the year, and year 2 of some schools a
spread-out project.

Supply comes from whatever published offers the placement bank's demo created (it runs
before this one). Should the favourite weeks not exceed the threshold against that
supply, more of the block periods are placed in them (as happens when schools plan
without an overview) until there are two peaks.

The first school's periods are submitted (the broker can confirm them, the coordinator
gets shifting advice), one school has only drafts and one has not entered anything (the
broker's list of schools that have not submitted); the overview is published.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter

from django.utils import timezone

from meedoen.core.demo import DemoContext

from . import overview as ov
from . import services
from .models import InternshipPeriod, PlanningYear
from .selectors import overview_offer_inputs
from .workflows import PeriodStatus

BLOCK_LEVELS = {"havo", "vwo"}
CAROUSEL_LEVELS = {"vmbo-b", "vmbo-k"}
RIBBON_LEVELS = {"vmbo-g", "vmbo-t"}
# The favourite weeks (ISO week numbers) that become the peaks.
CHRISTMAS_WEEK, SPRING_WEEK = 50, 16


def _monday(year: int, iso_week: int) -> datetime.date:
    """The Monday of an ISO week of the school year starting in ``year``."""
    return datetime.date.fromisocalendar(year if iso_week >= 31 else year + 1, iso_week, 1)


@dataclasses.dataclass
class Plan:
    school: object
    cohort: object
    students: int
    format: str
    start: datetime.date
    end: datetime.date
    weekdays: list[int] = dataclasses.field(default_factory=list)
    kind: str = "individual"
    sectors: list[str] = dataclasses.field(default_factory=list)
    hours: int = 30
    note: str = ""


def _plans(ctx: DemoContext, year: int) -> list[Plan]:
    rng = ctx.rng
    sizes: dict[int, Counter] = {}
    cohorts: dict[int, dict[tuple[int, str], object]] = {}
    for school in ctx.schools:
        sizes[school.pk] = Counter()
        cohorts[school.pk] = {}
        for student in ctx.students_by_school[school.pk]:
            cohort = student.school_class.cohort
            sizes[school.pk][cohort.pk] += 1
            cohorts[school.pk][(cohort.year_of_study, cohort.level)] = cohort
    plans: list[Plan] = []
    for index, school in enumerate(ctx.schools):
        if index == len(ctx.schools) - 1:
            continue  # the last school has not entered anything yet
        for (year_of_study, level), cohort in sorted(cohorts[school.pk].items()):
            n = sizes[school.pk][cohort.pk]
            if year_of_study == 3 and level in BLOCK_LEVELS:
                # The favourite block week before Christmas, or a week around it.
                week = rng.choice([50, 50, 50, 49, 47, 51]) if index % 4 != 3 else 6
                start = _monday(year, week)
                plans.append(
                    Plan(school, cohort, n, "block", start, start + datetime.timedelta(days=4))
                )
            elif year_of_study == 3 and level in CAROUSEL_LEVELS:
                week = rng.choice([15, 15, 14])
                start = _monday(year, week)
                plans.append(
                    Plan(
                        school,
                        cohort,
                        n,
                        "carousel",
                        start,
                        start + datetime.timedelta(days=11),
                        kind="group",
                        note="Carrousel langs vier organisaties",
                    )
                )
            elif year_of_study == 3 and level in RIBBON_LEVELS:
                plans.append(
                    Plan(
                        school,
                        cohort,
                        n,
                        "ribbon",
                        _monday(year, 3) + datetime.timedelta(days=2),
                        _monday(year, 13) + datetime.timedelta(days=2),
                        weekdays=[2],
                        hours=30,
                        note="Woensdagmiddag",
                    )
                )
            elif year_of_study == 3 and level == "pro":
                plans.append(
                    Plan(
                        school,
                        cohort,
                        n,
                        "dual",
                        _monday(year, 38),
                        _monday(year, 24) + datetime.timedelta(days=4),
                        kind="group",
                        sectors=["care", "nature"],
                        hours=40,
                        note="Gekoppeld aan het vak zorg en groen",
                    )
                )
            elif year_of_study == 2 and level != "pro" and index % 3 == 0:
                week = rng.choice([5, 6, 9])
                plans.append(
                    Plan(
                        school,
                        cohort,
                        n,
                        "project",
                        _monday(year, week),
                        _monday(year, week + 4) + datetime.timedelta(days=4),
                        hours=15,
                        note="Oriëntatieproject, eerste deel van de MaS",
                    )
                )
            elif year_of_study == 2 and level != "pro" and index % 3 == 1:
                week = rng.choice([SPRING_WEEK, SPRING_WEEK, 20, 23])
                start = _monday(year, week)
                plans.append(
                    Plan(
                        school,
                        cohort,
                        n,
                        "block",
                        start,
                        start + datetime.timedelta(days=4),
                        hours=15,
                        note="MaS-week leerjaar 2",
                    )
                )
    return plans


def _as_inputs(plans: list[Plan]) -> list[ov.PeriodInput]:
    return [
        ov.PeriodInput(
            id=i,
            school_id=p.school.pk,
            school_name=p.school.name,
            level=p.cohort.level,
            students=p.students,
            start=p.start,
            end=p.end,
            format=p.format,
            weekdays=tuple(p.weekdays),
            sectors=tuple(p.sectors),
        )
        for i, p in enumerate(plans)
    ]


def _ensure_two_peaks(plans: list[Plan], offers, year: int, threshold: float) -> None:
    """Move more block periods into the favourite weeks until both show a peak."""
    favourites = [_monday(year, CHRISTMAS_WEEK), _monday(year, SPRING_WEEK)]
    weeks = ov.school_year_weeks(year)
    for _round in range(len(plans)):
        result = ov.compute_overview(
            _as_inputs(plans), offers, school_year=year, threshold=threshold
        )
        peak_mondays = {weeks[w] for w in result.peak_weeks}
        missing = [m for m in favourites if m not in peak_mondays]
        if not missing:
            return
        target = missing[0]
        movable = [
            p
            for p in plans
            if p.format == "block" and monday_of(p.start) not in peak_mondays | {target}
        ]
        if not movable:
            return
        plan = max(movable, key=lambda p: (p.students, -p.school.pk))
        length = plan.end - plan.start
        plan.start, plan.end = target, target + length


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def seed(ctx: DemoContext) -> None:
    from meedoen.students.models import current_school_year

    year = current_school_year()
    users = ctx.users
    admin, broker = users.get("admin"), users.get("broker")
    planning_year = PlanningYear.objects.create(
        region=ctx.region,
        school_year=year,
        submission_deadline=datetime.date(year, 10, 1),
        peak_share=80,
    )
    plans = _plans(ctx, year)
    drafts_only = ctx.schools[-2].pk if len(ctx.schools) > 2 else None
    offers = overview_offer_inputs(school_year=year, region_ids=[ctx.region.pk])
    # Only submitted periods count in the overview: leave the drafts out of the check.
    _ensure_two_peaks(
        [p for p in plans if p.school.pk != drafts_only], offers, year, planning_year.threshold
    )
    coordinators = {ctx.schools[0].pk: users.get("coordinator")}
    if len(ctx.schools) > 1:
        coordinators[ctx.schools[1].pk] = users.get("coordinator2")
    for plan in plans:
        actor = coordinators.get(plan.school.pk) or admin
        period = services.period_create(
            actor=actor,
            school=plan.school,
            cohort=plan.cohort,
            format=plan.format,
            kind=plan.kind,
            start_date=plan.start,
            end_date=plan.end,
            weekdays=plan.weekdays,
            students=plan.students,
            hours_per_student=plan.hours,
            sectors=plan.sectors,
            note=plan.note,
        )
        if plan.school.pk == drafts_only:
            continue
        services.period_transition(actor=actor, period=period, to_status=PeriodStatus.SUBMITTED)
        if plan.school.pk not in coordinators:
            services.period_transition(
                actor=broker or admin, period=period, to_status=PeriodStatus.CONFIRMED
            )
    planning_year.published_at = timezone.now()
    planning_year.published_by = broker
    planning_year.save(update_fields=["published_at", "published_by"])


def delete(region) -> None:
    InternshipPeriod.objects.filter(school__region=region).delete()
    PlanningYear.objects.filter(region=region).delete()
