"""Reads of matching rounds, scoped to what a person may see.

Who sees which rounds:

* the school's coordinator (and the administrator): every round of the school;
* a mentor: the open, closed and published rounds with students of the classes the
  coordinator granted them (and of those rounds only those students);
* a student: the open, closed and published rounds they take part in (only their own entry);
* the region's broker: the open, closed and published rounds of the region's schools, for
  mediation - of the students, only those the school granted them;
* region rounds: the broker who runs them sees every state but, of the students, again
  only those a school granted; a coordinator of the region sees open region rounds (to
  enrol a period) and those their school enrolled in, with their own students only.

Two kinds of "managing": ``manages`` is the round's owner (settings, state, runs,
publishing: the coordinator of a school round, the broker of a region round);
``entries_managed_by`` are the students whose entries a person handles (choices,
mediation, hand adjustments, odds): all of a school round for its coordinator, the own
school's students of a region round for each enrolled school's coordinator.

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

from .models import Choice, Round, RoundEnrolment, RoundRun, RoundStudent
from .workflows import VISIBLE_TO_PARTICIPANTS, RoundStatus

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
        condition |= shown & Q(region_id__in=p.broker_region_ids)
        condition |= Q(school__isnull=True, region_id__in=p.broker_region_ids)
    if p.coordinator_school_ids:
        regions = {m.school.region_id for m in p.memberships if m.role == Role.COORDINATOR}
        condition |= Q(school__isnull=True, region_id__in=regions, status=RoundStatus.OPEN)
        condition |= shown & Q(
            enrolments__school_id__in=p.coordinator_school_ids,
            enrolments__withdrawn_at__isnull=True,
        )
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
    """Rounds the person may change: those of the schools they coordinate, and the region
    rounds of the broker's region."""
    p = principal_for(user)
    if p.is_admin:
        return Round.objects.all()
    return Round.objects.filter(
        Q(school_id__in=p.coordinator_school_ids)
        | Q(school__isnull=True, region_id__in=p.broker_region_ids)
    )


def rounds_reviewed_by(user) -> QuerySet[Round]:
    """Rounds whose runs the person may look at (and adjust for their students): the
    managed ones, and the region rounds the person's school is enrolled in."""
    p = principal_for(user)
    if p.is_admin:
        return Round.objects.all()
    enrolled = RoundEnrolment.objects.filter(
        school_id__in=p.coordinator_school_ids, withdrawn_at__isnull=True
    ).values("round_id")
    ids = Round.objects.filter(
        Q(pk__in=rounds_managed_by(user).values("pk")) | Q(pk__in=enrolled)
    ).values("pk")
    return Round.objects.filter(pk__in=ids)


def manages(user, round_: Round) -> bool:
    """The round's owner: the school's coordinator, or the region's broker for a region
    round (and the administrator)."""
    p = principal_for(user)
    if p.is_admin:
        return True
    if round_.is_region_round:
        return round_.region_id in p.broker_region_ids
    return round_.school_id in p.coordinator_school_ids


def is_broker_for(user, round_: Round) -> bool:
    p = principal_for(user)
    return round_.region_id in p.broker_region_ids


def sees_all_entries(user, round_: Round) -> bool:
    """Whether every student of the round is the person's: never the broker's."""
    p = principal_for(user)
    if p.is_admin:
        return True
    return not round_.is_region_round and round_.school_id in p.coordinator_school_ids


def entries_managed_by(user, round_: Round) -> QuerySet[RoundStudent]:
    """The entries whose choices, mediation and adjustments the person handles: all for a
    school round's coordinator; their own school's students in a region round."""
    qs = RoundStudent.objects.filter(round=round_)
    if sees_all_entries(user, round_):
        return qs
    p = principal_for(user)
    if round_.is_region_round and p.coordinator_school_ids:
        return qs.filter(student__school_id__in=p.coordinator_school_ids)
    return qs.none()


def manages_entry(user, entry: RoundStudent) -> bool:
    if sees_all_entries(user, entry.round):
        return True
    p = principal_for(user)
    return entry.round.is_region_round and entry.student.school_id in p.coordinator_school_ids


def entries_visible_to(user, round_: Round) -> QuerySet[RoundStudent]:
    """The participants of a round whose entry (name, choices, result) the person may see:
    all for the coordinator (their own school's in a region round); the granted classes
    for a mentor; the granted students for the broker; oneself for a student."""
    qs = RoundStudent.objects.filter(round=round_)
    if sees_all_entries(user, round_):
        return qs
    return qs.filter(
        Q(pk__in=entries_managed_by(user, round_).values("pk"))
        | Q(student__in=students_visible_to(user))
    )


def entry_for_choosing(user, round_: Round, student_pk) -> RoundStudent:
    """The entry whose choices the person may set: their own, a student of a class granted
    to them (mentor), or any of the school's (coordinator). Raises DoesNotExist else."""
    qs = RoundStudent.objects.select_related(
        "student__school_class__cohort", "round__period", "round__school", "enrolment__period"
    ).filter(round=round_)
    if not sees_all_entries(user, round_):
        p = principal_for(user)
        condition = Q(student__user_id=getattr(user, "pk", None))
        if round_.is_region_round and p.coordinator_school_ids:
            condition |= Q(student__school_id__in=p.coordinator_school_ids)
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


def entry_problems(entry: RoundStudent, vacancy: Vacancy) -> list[str]:
    """``eligibility_problems`` on the first day of the student's own period; in a region
    round also whether the offer is available in that period (the window is wider)."""
    period = entry.period
    problems = eligibility_problems(student=entry.student, vacancy=vacancy, on=period.start_date)
    if vacancy.start_date > period.end_date or vacancy.end_date < period.start_date:
        problems.append(_("the offer is not available in the internship period"))
    return problems


def candidate_offers(round_or_period) -> list[Vacancy]:
    """Published individual offers of the region that are available in the period (or a
    region round's window) and suit the cohort's level (a region round's levels; offers
    without levels suit every level)."""
    if isinstance(round_or_period, Round) and round_or_period.is_region_round:
        round_ = round_or_period
        region_id, start, end = round_.region_id, round_.window_start, round_.window_end
        levels = set(round_.levels or [])
    else:
        period = getattr(round_or_period, "period", round_or_period)
        region_id, start, end = period.school.region_id, period.start_date, period.end_date
        levels = {period.cohort.level}
    qs = Vacancy.objects.filter(
        status=VacancyStatus.PUBLISHED,
        kind=Kind.INDIVIDUAL,
        organisation__region_id=region_id,
        start_date__lte=end,
        end_date__gte=start,
    ).select_related("organisation")
    return [v for v in qs.order_by("title", "pk").defer("search_vector") if _fits(v, levels)]


def _fits(vacancy: Vacancy, levels: set[str]) -> bool:
    """No levels on either side suits all; else they must share one."""
    return not vacancy.levels or not levels or bool(levels & set(vacancy.levels))


def round_offers(round_: Round) -> QuerySet[Vacancy]:
    return (
        Vacancy.objects.filter(pk__in=round_.offers.values("vacancy_id"))
        .select_related("organisation")
        .defer("search_vector")
        .order_by("title", "pk")
    )


def places_held(round_: Round, vacancy_ids) -> dict[int, int]:
    """Places of each offer already held by placements overlapping the round's period (a
    region round's whole window: a cautious count) - proposed up to completed, whatever
    made them. One query."""
    rows = (
        Placement.objects.filter(vacancy_id__in=list(vacancy_ids), status__in=HOLDING)
        .filter(
            Q(start_date__isnull=True)
            | Q(end_date__isnull=True)
            | Q(start_date__lte=round_.end_date, end_date__gte=round_.start_date)
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


def enrolments_of(round_: Round, user=None) -> QuerySet[RoundEnrolment]:
    """The active enrolments of a region round (only the person's schools' when given and
    the person does not own the round)."""
    qs = RoundEnrolment.objects.filter(round=round_, withdrawn_at__isnull=True).select_related(
        "school", "period__cohort", "enrolled_by"
    )
    if user is not None and not manages(user, round_):
        qs = qs.filter(school_id__in=principal_for(user).coordinator_school_ids)
    return qs


def enrollable_periods(user, round_: Round):
    """The coordinator's periods that may join the open region round: of a school in the
    round's region, within its window, of one of its levels and years of study, not
    enrolled yet."""
    from meedoen.planning.models import InternshipPeriod

    p = principal_for(user)
    if not round_.is_region_round or not p.coordinator_school_ids:
        return InternshipPeriod.objects.none()
    qs = InternshipPeriod.objects.filter(
        school_id__in=p.coordinator_school_ids,
        school__region_id=round_.region_id,
        start_date__gte=round_.window_start,
        end_date__lte=round_.window_end,
    ).exclude(round_enrolments__round=round_, round_enrolments__withdrawn_at__isnull=True)
    if round_.levels:
        qs = qs.filter(cohort__level__in=round_.levels)
    if round_.years:
        qs = qs.filter(cohort__year_of_study__in=round_.years)
    return qs.select_related("school", "cohort").order_by("start_date", "pk")


def region_round_figures(round_: Round) -> list[dict]:
    """Per enrolled school: students, how many chose, how many did not (no names)."""
    rows = (
        RoundStudent.objects.filter(round=round_)
        .values("student__school_id", "student__school__name")
        .annotate(
            students=Count("pk", distinct=True),
            chosen=Count("pk", filter=Q(choices__isnull=False), distinct=True),
            n_mediation=Count("pk", filter=~Q(mediation=""), distinct=True),
            not_chosen=Count("pk", filter=Q(choices__isnull=True, mediation=""), distinct=True),
        )
        .order_by("student__school__name")
    )
    return [
        {
            "school_id": r["student__school_id"],
            "school": r["student__school__name"],
            "students": r["students"],
            "chosen": r["chosen"],
            "not_chosen": r["not_chosen"],
            "mediation": r["n_mediation"],
        }
        for r in rows
    ]


def student_in_region_round(*, student_id: int, round_id: int, region_ids, vacancy_id: int) -> bool:
    """Whether a school enrolled the student in this region round of one of these regions,
    which is closed (being published) and offers this vacancy (for
    ``placements.services.placement_create_from_round``)."""
    return RoundStudent.objects.filter(
        round_id=round_id,
        round__school__isnull=True,
        round__region_id__in=list(region_ids),
        round__status=RoundStatus.CLOSED,
        round__offers__vacancy_id=vacancy_id,
        student_id=student_id,
        enrolment__withdrawn_at__isnull=True,
        enrolment__isnull=False,
    ).exists()


def run_figures(round_: Round, run: RoundRun) -> dict:
    """A run in figures, without names: per school the students placed and not placed,
    per offer the places given of the free places (what the broker compares)."""
    schools: dict[int, dict] = {}
    for sid, school_id, name in RoundStudent.objects.filter(round=round_).values_list(
        "student_id", "student__school_id", "student__school__name"
    ):
        key = str(sid)
        if key not in run.assignment:
            continue
        row = schools.setdefault(
            school_id, {"school": name, "students": 0, "assigned": 0, "unassigned": 0}
        )
        row["students"] += 1
        row["assigned" if run.assignment[key] is not None else "unassigned"] += 1
    given: dict[int, int] = {}
    for offer in run.assignment.values():
        if offer is not None:
            given[offer] = given.get(offer, 0) + 1
    titles = {
        pk: f"{title} ({org})"
        for pk, title, org in round_.offers.values_list(
            "vacancy_id", "vacancy__title", "vacancy__organisation__name"
        )
    }
    offers = [
        {
            "offer": pk,
            "title": title,
            "capacity": int(run.capacities.get(str(pk), 0)),
            "assigned": given.get(pk, 0),
        }
        for pk, title in sorted(titles.items(), key=lambda kv: (kv[1], kv[0]))
    ]
    return {
        "schools": sorted(schools.values(), key=lambda r: r["school"]),
        "offers": offers,
    }
