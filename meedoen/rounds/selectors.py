"""Reads of matching rounds, scoped to what a person may see.

Who sees which rounds:

* the school's coordinator (and the administrator): every round of the school;
* a mentor: the open, closed and published rounds with students of the classes the
  coordinator granted them (and of those rounds only those students);
* a student: the open, closed and published rounds they take part in (only their own entry);
* the region's broker: the open, closed and published rounds of the region's schools, for
  mediation - of the students, only those the school granted them.

Eligibility (``eligibility_problems``) is the engine's rule, for pages and services: the
level fits (an offer without levels suits every level), the student is old enough at the
start of the period, and the offer gives at least the guidance the student needs.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from meedoen.core.policy import principal_for
from meedoen.directory.models import Role
from meedoen.placements.models import OPEN_STATES, Placement, PlacementStatus
from meedoen.stagebank.models import GUIDANCE_RANK, Kind, Vacancy
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import AccessGrant, Student
from meedoen.students.selectors import students_visible_to

from .models import Choice, Round, RoundRun, RoundStudent
from .workflows import VISIBLE_TO_PARTICIPANTS

# Placements that hold (or are about to hold) one of an offer's places. Proposed ones
# count too: a mediated or earlier matched student is proposed until the school approves.
HOLDING = [*OPEN_STATES, PlacementStatus.COMPLETED]


def rounds_visible_to(user) -> QuerySet[Round]:
    p = principal_for(user)
    if p.is_admin:
        return Round.objects.all()
    if not p.roles:
        return Round.objects.none()
    condition = Q(school_id__in=p.coordinator_school_ids)
    shown = Q(status__in=VISIBLE_TO_PARTICIPANTS)
    if p.broker_region_ids:
        condition |= shown & Q(school__region_id__in=p.broker_region_ids)
    if Role.MENTOR in p.roles:
        classes = AccessGrant.objects.active().filter(grantee=user, school_class__isnull=False)
        condition |= shown & Q(
            participants__student__school_class_id__in=classes.values("school_class_id")
        )
    if Role.STUDENT in p.roles:
        condition |= shown & Q(participants__student__user_id=user.pk)
    ids = Round.objects.filter(condition).values("pk")
    return Round.objects.filter(pk__in=ids)


def rounds_managed_by(user) -> QuerySet[Round]:
    """Rounds the person may change: those of the schools they coordinate."""
    p = principal_for(user)
    if p.is_admin:
        return Round.objects.all()
    return Round.objects.filter(school_id__in=p.coordinator_school_ids)


def manages(user, round_: Round) -> bool:
    p = principal_for(user)
    return p.is_admin or round_.school_id in p.coordinator_school_ids


def is_broker_for(user, round_: Round) -> bool:
    p = principal_for(user)
    return round_.school.region_id in p.broker_region_ids


def entries_visible_to(user, round_: Round) -> QuerySet[RoundStudent]:
    """The participants of a round whose entry (name, choices, result) the person may see:
    all for the coordinator; the granted classes for a mentor; the granted students for
    the broker; oneself for a student."""
    qs = RoundStudent.objects.filter(round=round_)
    if manages(user, round_):
        return qs
    return qs.filter(student__in=students_visible_to(user))


def entry_for_choosing(user, round_: Round, student_pk) -> RoundStudent:
    """The entry whose choices the person may set: their own, a student of a class granted
    to them (mentor), or any of the school's (coordinator). Raises DoesNotExist else."""
    qs = RoundStudent.objects.select_related(
        "student__school_class__cohort", "round__period", "round__school"
    ).filter(round=round_)
    if not manages(user, round_):
        p = principal_for(user)
        condition = Q(student__user_id=getattr(user, "pk", None))
        if Role.MENTOR in p.roles:
            classes = AccessGrant.objects.active().filter(grantee=user, school_class__isnull=False)
            condition |= Q(student__school_class_id__in=classes.values("school_class_id"))
        qs = qs.filter(condition)
    return qs.get(student_id=student_pk)


def own_entries(user) -> QuerySet[RoundStudent]:
    """A student's own entries in rounds they can see."""
    return (
        RoundStudent.objects.filter(
            student__user_id=getattr(user, "pk", None), round__status__in=VISIBLE_TO_PARTICIPANTS
        )
        .select_related("round", "result_vacancy__organisation")
        .order_by("-round__opens_on", "-round_id")
    )


def level_of(student: Student) -> str:
    return student.school_class.cohort.level if student.school_class_id else ""


def eligibility_problems(
    *, student: Student, vacancy: Vacancy, on: datetime.date | None = None
) -> list[str]:
    """Why the student may not be placed at the offer (empty: eligible)."""
    problems = []
    level = level_of(student)
    if vacancy.levels and level not in vacancy.levels:
        problems.append(_("the offer is not meant for this level"))
    if student.age_on(on or vacancy.start_date) < vacancy.min_age:
        problems.append(
            _("the minimum age is %(age)s") % {"age": vacancy.min_age},
        )
    if GUIDANCE_RANK.get(vacancy.guidance_offered, 0) < GUIDANCE_RANK.get(
        student.guidance_level, 0
    ):
        problems.append(_("the offer cannot give the guidance needed"))
    return problems


def candidate_offers(round_or_period) -> list[Vacancy]:
    """Published individual offers of the school's region that are available in the period
    and suit the cohort's level (offers without levels suit every level)."""
    period = getattr(round_or_period, "period", round_or_period)
    qs = Vacancy.objects.filter(
        status=VacancyStatus.PUBLISHED,
        kind=Kind.INDIVIDUAL,
        organisation__region_id=period.school.region_id,
        start_date__lte=period.end_date,
        end_date__gte=period.start_date,
    ).select_related("organisation")
    level = period.cohort.level
    return [v for v in qs.order_by("title", "pk").defer("search_vector") if _fits(v, level)]


def _fits(vacancy: Vacancy, level: str) -> bool:
    return not vacancy.levels or level in vacancy.levels


def round_offers(round_: Round) -> QuerySet[Vacancy]:
    return (
        Vacancy.objects.filter(pk__in=round_.offers.values("vacancy_id"))
        .select_related("organisation")
        .defer("search_vector")
        .order_by("title", "pk")
    )


def places_held(round_: Round, vacancy_ids) -> dict[int, int]:
    """Places of each offer already held by placements overlapping the round's period
    (proposed up to completed, whatever made them). One query."""
    rows = (
        Placement.objects.filter(vacancy_id__in=list(vacancy_ids), status__in=HOLDING)
        .filter(
            Q(start_date__isnull=True)
            | Q(end_date__isnull=True)
            | Q(start_date__lte=round_.period.end_date, end_date__gte=round_.period.start_date)
        )
        .values("vacancy_id")
        .annotate(n=Count("pk"))
    )
    return {row["vacancy_id"]: row["n"] for row in rows}


def capacities(round_: Round) -> dict[int, int]:
    """Free places per offer of the round: capacity minus places already held."""
    offers = list(
        Vacancy.objects.filter(pk__in=round_.offers.values("vacancy_id")).values_list(
            "pk", "capacity"
        )
    )
    held = places_held(round_, [pk for pk, _cap in offers])
    return {pk: max(0, cap - held.get(pk, 0)) for pk, cap in offers}


def choices_by_entry(entries) -> dict[int, list[Choice]]:
    ids = [e.pk for e in entries]
    out: dict[int, list[Choice]] = {i: [] for i in ids}
    for c in (
        Choice.objects.filter(entry_id__in=ids)
        .select_related("vacancy__organisation")
        .order_by("entry_id", "rank")
    ):
        out[c.entry_id].append(c)
    return out


def choice_counts(round_: Round) -> QuerySet[RoundStudent]:
    return RoundStudent.objects.filter(round=round_).annotate(n_choices=Count("choices"))


def latest_runs(round_: Round) -> dict[str, RoundRun]:
    """The most recent run of each mode."""
    out: dict[str, RoundRun] = {}
    for run in RoundRun.objects.filter(round=round_).order_by("-created_at", "-pk"):
        out.setdefault(run.mode, run)
    return out
