"""Reads of the period planning, scoped to what a person may see.

Who sees which internship periods:

* the school's coordinator (and the administrator): all of the school's periods;
* the school-board project lead: the periods of the board's schools;
* the region's broker: the submitted and confirmed periods of the region's schools
  (a draft is the school's own working copy);
* a mentor: the submitted and confirmed periods of the classes the coordinator granted
  them (a period without classes is for every class of its cohort);
* a student: the submitted and confirmed period(s) of their own class.

The yearly overview is aggregated (students per school per week, never a student); the
broker and the administrator see it live, the region's schools, organisations,
municipality and project lead once the broker has published it.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from meedoen.core.policy import principal_for
from meedoen.directory.models import Region, Role, School
from meedoen.directory.selectors import regions_of
from meedoen.placements.models import PlacementStatus
from meedoen.stagebank.models import Vacancy
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import AccessGrant, Student

from . import overview as ov
from .models import InternshipPeriod, PlanningYear
from .workflows import COUNTED

# Placement states in which a student holds one of an offer's places.
HOLDING_STATES = [
    PlacementStatus.APPROVED,
    PlacementStatus.AGREEMENT_ISSUED,
    PlacementStatus.SIGNED,
    PlacementStatus.ACTIVE,
]


def periods_visible_to(user) -> QuerySet[InternshipPeriod]:
    p = principal_for(user)
    if p.is_admin:
        return InternshipPeriod.objects.all()
    if not p.roles:
        return InternshipPeriod.objects.none()
    condition = Q(school_id__in=p.coordinator_school_ids) | Q(school__board_id__in=p.board_ids)
    counted = Q(status__in=COUNTED)
    condition |= counted & Q(school__region_id__in=p.broker_region_ids)
    if Role.MENTOR in p.roles:
        granted = AccessGrant.objects.active().filter(grantee=user, school_class__isnull=False)
        class_ids = granted.values("school_class_id")
        condition |= counted & (
            Q(classes__in=class_ids) | Q(classes__isnull=True, cohort__classes__in=class_ids)
        )
    if Role.STUDENT in p.roles:
        own = Student.objects.filter(user=user, school_class__isnull=False)
        condition |= counted & (
            Q(classes__in=own.values("school_class_id"))
            | Q(classes__isnull=True, cohort__classes__in=own.values("school_class_id"))
        )
    ids = InternshipPeriod.objects.filter(condition).values("pk")
    return InternshipPeriod.objects.filter(pk__in=ids)


def periods_managed_by(user) -> QuerySet[InternshipPeriod]:
    """Periods the person may change: those of the schools they coordinate."""
    p = principal_for(user)
    if p.is_admin:
        return InternshipPeriod.objects.all()
    return InternshipPeriod.objects.filter(school_id__in=p.coordinator_school_ids)


def periods_for_broker(user) -> QuerySet[InternshipPeriod]:
    """Periods the person may confirm or return: submitted ones of their region."""
    p = principal_for(user)
    if p.is_admin:
        return InternshipPeriod.objects.all()
    return InternshipPeriod.objects.filter(
        school__region_id__in=p.broker_region_ids, status__in=COUNTED
    )


def periods_of_student(user) -> QuerySet[InternshipPeriod]:
    """The student's own submitted or confirmed periods (for the dashboard panel)."""
    own = Student.objects.filter(user=user, school_class__isnull=False).values("school_class_id")
    return (
        InternshipPeriod.objects.filter(status__in=COUNTED)
        .filter(Q(classes__in=own) | Q(classes__isnull=True, cohort__classes__in=own))
        .distinct()
        .select_related("school", "cohort")
        .order_by("start_date")
    )


def is_broker_of(user, region_id: int) -> bool:
    p = principal_for(user)
    return p.is_admin or region_id in p.broker_region_ids


def regions_for_overview(user) -> QuerySet[Region]:
    """Regions whose overview the person may open at all (live or once published)."""
    p = principal_for(user)
    if p.is_admin:
        return Region.objects.all()
    if not p.roles or p.roles == {Role.STUDENT}:
        return Region.objects.none()
    return Region.objects.filter(pk__in=regions_of(user))


def may_see_live_overview(user, region: Region) -> bool:
    return is_broker_of(user, region.pk)


def planning_year_of(region: Region, school_year: int) -> PlanningYear:
    """The region's planning round; an unsaved default when the broker set nothing yet."""
    found = PlanningYear.objects.filter(region=region, school_year=school_year).first()
    return found or PlanningYear(region=region, school_year=school_year)


def schools_not_submitted(region: Region, school_year: int) -> list[School]:
    """The region's schools without a submitted or confirmed period for the year."""
    return list(
        School.objects.filter(region=region)
        .annotate(
            counted=Count(
                "internship_periods",
                filter=Q(
                    internship_periods__school_year=school_year,
                    internship_periods__status__in=COUNTED,
                ),
            ),
            drafts=Count(
                "internship_periods",
                filter=Q(
                    internship_periods__school_year=school_year,
                    internship_periods__status="draft",
                ),
            ),
        )
        .filter(counted=0)
        .order_by("name")
    )


# ---------------------------------------------------------------------------
# The two queries that feed ``overview.py``.
# ---------------------------------------------------------------------------


def overview_period_inputs(
    *,
    school_year: int,
    region_ids: list[int] | None,
    include_drafts_of: set[int] | frozenset[int] = frozenset(),
) -> list[ov.PeriodInput]:
    """The counted periods of the region(s) (all regions: ``None``), plus the drafts of the
    schools in ``include_drafts_of`` (a coordinator sees their own plans in context)."""
    condition = Q(status__in=COUNTED)
    if include_drafts_of:
        condition |= Q(school_id__in=include_drafts_of)
    qs = InternshipPeriod.objects.filter(condition, school_year=school_year)
    if region_ids is not None:
        qs = qs.filter(school__region_id__in=region_ids)
    rows = qs.values_list(
        "id",
        "school_id",
        "school__name",
        "cohort__level",
        "cohort__year_of_study",
        "students",
        "start_date",
        "end_date",
        "format",
        "weekdays",
        "sectors",
    )
    return [
        ov.PeriodInput(
            id=pk,
            school_id=school_id,
            school_name=school_name,
            level=level,
            students=students,
            start=start,
            end=end,
            format=fmt,
            weekdays=tuple(weekdays or ()),
            sectors=tuple(sectors or ()),
            label=f"{level} {year_of_study}",
        )
        for (
            pk,
            school_id,
            school_name,
            level,
            year_of_study,
            students,
            start,
            end,
            fmt,
            weekdays,
            sectors,
        ) in rows.iterator(chunk_size=5000)
    ]


def overview_offer_inputs(*, school_year: int, region_ids: list[int] | None) -> list[ov.OfferInput]:
    """Published offers available in the school year, with their open capacity."""
    first, last = ov.school_year_bounds(school_year)
    qs = Vacancy.objects.filter(
        status=VacancyStatus.PUBLISHED, start_date__lte=last, end_date__gte=first
    )
    if region_ids is not None:
        qs = qs.filter(organisation__region_id__in=region_ids)
    rows = qs.annotate(
        taken=Count("placements", filter=Q(placements__status__in=HOLDING_STATES))
    ).values_list("start_date", "end_date", "sector", "capacity", "taken", "levels", "weekdays")
    return [
        ov.OfferInput(
            start=start,
            end=end,
            sector=sector,
            capacity=capacity - taken,
            levels=tuple(levels or ()),
            weekdays=tuple(weekdays or ()),
        )
        for start, end, sector, capacity, taken, levels, weekdays in rows.iterator(chunk_size=5000)
        if capacity > taken
    ]
