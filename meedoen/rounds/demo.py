"""Demo matching rounds for the first demo school.

* The main round is for the internship period of the demo ``student``'s class (year 3):
  every student of the period ranks up to five offers, drawn with ``ctx.rng`` and skewed
  toward a few popular offers, so that the lottery matters. Two students who need extra
  guidance are routed to mediation first; the school grants the broker one of them, and
  the broker places that student by hand in an offer that gives the guidance. The round
  is then closed, run in both modes and the fair-lottery run is published: the demo
  student sees their result and why, and the coordinator sees both runs side by side.
* A second round, for another period of the school, is left closed with both runs, so
  the coordinator can compare, look at the odds, adjust and publish it themselves.
* A region round opened by the ``broker`` for the levels and years of study of the
  periods below: the first two schools (``coordinator`` and
  ``coordinator2``) each enrolled one upcoming period (one the school rounds do not use,
  where there is one), the students have chosen, and it is left closed with both runs, so
  the broker can compare the figures and publish, and each coordinator can look at their
  own students' results.

Dates are set around today so the demo works on any day (choosing closed yesterday).
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils import timezone

from meedoen.core.demo import DemoContext
from meedoen.planning.models import InternshipPeriod
from meedoen.students import services as student_services
from meedoen.students.models import GuidanceLevel, Student

from . import services
from .models import Round, RoundStudent
from .selectors import capacities, entry_problems, round_offers

MAX_CHOICES = 5


def _periods(school, today) -> list[InternshipPeriod]:
    return list(
        InternshipPeriod.objects.filter(school=school, end_date__gte=today)
        .select_related("cohort", "school")
        .prefetch_related("classes")
        .order_by("start_date", "pk")
    )


def _covers(period: InternshipPeriod, student: Student) -> bool:
    classes = list(period.classes.all())
    if classes:
        return student.school_class_id in {c.pk for c in classes}
    return student.school_class.cohort_id == period.cohort_id


def _fill_choices(
    ctx: DemoContext, rnd: Round, coordinator, *, skip=(), only_free: bool = False
) -> None:
    """Every student ranks up to five eligible offers; a few offers are popular.
    ``coordinator``: one user, or {school id: user} for a region round; ``only_free``: the
    students choose among offers that still have a free place (as the bank shows them)."""
    offers = list(round_offers(rnd))
    if only_free:
        free = capacities(rnd)
        offers = [v for v in offers if free.get(v.pk, 0) > 0] or offers
    if not offers:
        return
    popular = offers[: max(2, len(offers) // 8)]
    for entry in RoundStudent.objects.filter(round=rnd).select_related(
        "student__school_class__cohort", "enrolment__period"
    ):
        if entry.student_id in skip or entry.in_mediation:
            continue
        entry.round = rnd
        actor = (
            coordinator.get(entry.student.school_id)
            if isinstance(coordinator, dict)
            else coordinator
        )
        if actor is None:
            continue
        fitting = [v for v in offers if not entry_problems(entry, v)]
        fitting_popular = [v for v in popular if v in fitting]
        picks: list = []
        if fitting_popular:
            picks.append(ctx.rng.choice(fitting_popular))
        others = [v for v in fitting if v not in picks]
        ctx.rng.shuffle(others)
        n = ctx.rng.randint(3, MAX_CHOICES)
        picks += others[: n - len(picks)]
        if ctx.rng.random() < 0.3:  # some rank the popular offer lower down
            ctx.rng.shuffle(picks)
        services.choices_set(actor=actor, entry=entry, vacancy_ids=[v.pk for v in picks])


def _demo_student_choices(rnd: Round, student: Student, user) -> None:
    """The demo student ranks a popular offer first and, lower down, quieter offers that
    still have room - as a sensible student does - so the demo shows a result and why."""
    entry = RoundStudent.objects.select_related("student__school_class__cohort").get(
        round=rnd, student=student
    )
    entry.round = rnd
    fitting = [v for v in round_offers(rnd) if not entry_problems(entry, v)]
    if not fitting:
        return
    demand = Counter(
        RoundStudent.objects.filter(round=rnd)
        .exclude(pk=entry.pk)
        .values_list("choices__vacancy_id", flat=True)
    )
    free = capacities(rnd)
    fitting = [v for v in fitting if free.get(v.pk, 0) > 0] or fitting
    by_demand = sorted(fitting, key=lambda v: (demand[v.pk] - free.get(v.pk, 0), v.pk))
    popular = max(fitting, key=lambda v: (demand[v.pk] - free.get(v.pk, 0), -v.pk))
    quiet = [v for v in by_demand if v.pk != popular.pk][: MAX_CHOICES - 2]
    picks = [popular, *quiet]
    services.choices_set(actor=user, entry=entry, vacancy_ids=[v.pk for v in picks])


def _make_round(ctx, period, coordinator, today, students=None, name=""):
    closes = min(today, period.end_date)
    return services.round_create(
        actor=coordinator,
        period=period,
        name=name,
        max_choices=MAX_CHOICES,
        opens_on=closes - datetime.timedelta(days=14),
        closes_on=closes,
        seed=ctx.rng.randrange(2**31),
        students=students,
    )


def seed(ctx: DemoContext) -> None:
    coordinator, broker = ctx.users.get("coordinator"), ctx.users.get("broker")
    student_user = ctx.users.get("student")
    if coordinator is None or student_user is None or not ctx.schools:
        return
    school = ctx.schools[0]
    demo_student = (
        Student.objects.filter(user=student_user).select_related("school_class__cohort").first()
    )
    today = timezone.localdate()
    periods = _periods(school, today)
    if demo_student is None or not periods:
        return
    own = next((p for p in periods if _covers(p, demo_student)), None)
    main_period = own or periods[0]
    extra = None
    if own is None:  # the student's period is over: take them into the next one
        extra = [*services._period_students(main_period), demo_student]
    rnd = _make_round(
        ctx, main_period, coordinator, today, students=extra, name="Matchingronde (demo)"
    )
    services.round_transition(actor=coordinator, round=rnd, action="open")

    # Mediation first: two students with a guidance need; the broker gets one of them.
    needing = list(
        RoundStudent.objects.filter(round=rnd)
        .exclude(student__guidance_level=GuidanceLevel.STANDARD)
        .exclude(student=demo_student)
        .select_related("student")
        .order_by("student_id")[:2]
    )
    for entry in needing:
        services.mediation_route(actor=coordinator, entry=entry)
    _fill_choices(ctx, rnd, coordinator, skip={demo_student.pk})
    _demo_student_choices(rnd, demo_student, student_user)
    if needing and broker is not None:
        first = needing[0]
        student_services.access_grant_create(
            actor=coordinator,
            school=school,
            grantee=broker,
            student=first.student,
            expires_at=timezone.now() + datetime.timedelta(days=120),
            reason="Bemiddeling (matchingronde)",
        )
        first.round = rnd
        options = services.mediation_offers(first)
        if options:
            services.mediation_place(actor=broker, entry=first, vacancy=options[0])
    services.round_transition(actor=coordinator, round=rnd, action="close")
    da = services.round_run(actor=coordinator, round=rnd, mode="da")
    services.round_run(actor=coordinator, round=rnd, mode="optimal")
    services.round_publish(actor=coordinator, round=rnd, run=da)

    # A second period of the school: closed with both runs, for the coordinator to publish.
    other = next((p for p in periods if p.pk != main_period.pk), None)
    if other is not None:
        _second_round(ctx, other, coordinator, today)
    _region_round(ctx, today, used={main_period.pk, getattr(other, "pk", None)})


def _second_round(ctx, other, coordinator, today) -> None:
    second = _make_round(ctx, other, coordinator, today, name="Matchingronde (nog publiceren)")
    services.round_transition(actor=coordinator, round=second, action="open")
    _fill_choices(ctx, second, coordinator)
    services.round_transition(actor=coordinator, round=second, action="close")
    services.round_run(actor=coordinator, round=second, mode="da")
    services.round_run(actor=coordinator, round=second, mode="optimal")


def _region_period(school, today, used, like=None) -> InternshipPeriod | None:
    """An upcoming period of the school with students, preferably one no school round uses,
    of the oldest students (more offers suit them) and in the same week as ``like`` (so
    the schools want the same places)."""
    candidates = [
        p for p in _periods(school, today) if p.end_date >= today and services._period_students(p)
    ]
    fresh = [p for p in candidates if p.pk not in used] or candidates
    fresh.sort(
        key=lambda p: (
            like is not None and (p.start_date, p.end_date) != (like.start_date, like.end_date),
            -p.cohort.year_of_study,
            p.start_date,
            p.pk,
        )
    )
    return fresh[0] if fresh else None


def _region_round(ctx: DemoContext, today, *, used) -> None:
    broker = ctx.users.get("broker")
    coordinators = [ctx.users.get("coordinator"), ctx.users.get("coordinator2")]
    if broker is None or len(ctx.schools) < 2 or None in coordinators:
        return
    enrolling = []
    for school, coordinator in zip(ctx.schools[:2], coordinators, strict=True):
        like = enrolling[0][2] if enrolling else None
        period = _region_period(school, today, used, like=like)
        if period is None:
            return
        enrolling.append((school, coordinator, period))
    periods = [p for _s, _c, p in enrolling]
    rnd = services.region_round_create(
        actor=broker,
        region=ctx.region,
        name="Regioronde (demo)",
        window_start=min(p.start_date for p in periods),
        window_end=max(p.end_date for p in periods),
        levels=sorted({p.cohort.level for p in periods}),
        years=sorted({p.cohort.year_of_study for p in periods}),
        max_choices=MAX_CHOICES,
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today,
        seed=ctx.rng.randrange(2**31),
    )
    services.round_transition(actor=broker, round=rnd, action="open")
    for _school, coordinator, period in enrolling:
        services.round_enrol(actor=coordinator, round=rnd, period=period)
    _fill_choices(ctx, rnd, {s.pk: c for s, c, _p in enrolling}, only_free=True)
    services.round_transition(actor=broker, round=rnd, action="close")
    services.round_run(actor=broker, round=rnd, mode="da")
    services.round_run(actor=broker, round=rnd, mode="optimal")


def delete(region) -> None:
    Round.objects.filter(region=region, follow_up_of__isnull=False).delete()
    Round.objects.filter(school__region=region, follow_up_of__isnull=False).delete()
    Round.objects.filter(region=region).delete()
    Round.objects.filter(school__region=region).delete()
