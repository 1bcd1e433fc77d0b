"""Test helpers of the matching rounds: a round in the personas' world, made through the
services (period through the planning services, offers by plain ORM as supply input)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from meedoen.core.tests import factories as f
from meedoen.planning import services as planning_services
from meedoen.planning.workflows import PeriodStatus
from meedoen.rounds import services
from meedoen.rounds.models import RoundStudent
from meedoen.stagebank.models import Kind, Vacancy
from meedoen.stagebank.workflows import VacancyStatus


def block_period(actor, school, cohort, start, end, students: int):
    """An individual block period (30 hours a student) of a cohort, as the round tests use."""
    return planning_services.period_create(
        actor=actor,
        school=school,
        cohort=cohort,
        classes=[],
        format="block",
        kind="individual",
        start_date=start,
        end_date=end,
        students=students,
        hours_per_student=30,
    )


def make_offer(organisation, *, title: str, capacity: int = 1, **extra) -> Vacancy:
    fields = {
        "organisation": organisation,
        "school_year": 2026,
        "title": title,
        "description": "Helpen en meedoen.",
        "sector": "care",
        "kind": Kind.INDIVIDUAL,
        "capacity": capacity,
        "min_age": 12,
        "levels": [],
        "start_date": datetime.date(2026, 8, 20),
        "end_date": datetime.date(2027, 7, 10),
        "status": VacancyStatus.PUBLISHED,
    }
    fields.update(extra)
    return Vacancy.objects.create(**fields)


def make_world(w, *, status: str = "draft"):
    """Adds to the personas: a submitted period of school A's cohort (A1 and A2) two weeks
    from today, three more students in A1, four offers (one with intensive guidance, one
    for havo only) and a round in ``status`` (draft, open, closed or published)."""
    cache = w.__dict__.setdefault("_rounds_world", {})
    if status in cache:
        return cache[status]
    today = timezone.localdate()
    if not hasattr(w, "period"):
        cohort = w.class_a1.cohort
        start = today + datetime.timedelta(days=14)
        w.period = block_period(
            w.coordinator,
            w.school_a,
            cohort,
            start,
            start + datetime.timedelta(days=4),
            students=5,
        )
        planning_services.period_transition(
            actor=w.coordinator, period=w.period, to_status=PeriodStatus.SUBMITTED
        )
        w.extra = [
            f.StudentFactory(school_class=w.class_a1, first_name=name, last_name="Test")
            for name in ("Ali", "Bo", "Cas")
        ]
        w.care = make_offer(w.org_x, title="Koffieochtend", capacity=1)
        w.sport = make_offer(w.org_y, title="Jeugdtraining", capacity=2, sector="sport")
        w.intensive = make_offer(
            w.org_x, title="Begeleid wandelen", capacity=1, guidance_offered="intensive"
        )
        w.havo_only = make_offer(w.org_y, title="Alleen havo", levels=["havo"])
    rnd = services.round_create(
        actor=w.coordinator,
        period=w.period,
        name=f"Ronde {status}",
        max_choices=3,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        seed=7,
    )
    if status in ("open", "closed", "published"):
        services.round_transition(actor=w.coordinator, round=rnd, action="open")
    if status in ("closed", "published"):
        entries = {e.student_id: e for e in RoundStudent.objects.filter(round=rnd)}
        everyone = [w.student_a2, *w.extra]
        for s in everyone:
            services.choices_set(
                actor=w.coordinator, entry=entries[s.pk], vacancy_ids=[w.care.pk, w.sport.pk]
            )
        services.choices_set(
            actor=w.student_user, entry=entries[w.student.pk], vacancy_ids=[w.intensive.pk]
        )
        services.round_transition(actor=w.coordinator, round=rnd, action="close")
    run = None
    if status == "published":
        run = services.round_run(actor=w.coordinator, round=rnd, mode="da")
        services.round_publish(actor=w.coordinator, round=rnd, run=run)
    rnd.refresh_from_db()
    cache[status] = SimpleNamespace(round=rnd, run=run)
    return cache[status]


def entry_of(rnd, student) -> RoundStudent:
    return RoundStudent.objects.get(round=rnd, student=student)


def make_region_world(w, *, status: str = "open"):
    """A region round of the personas' region opened by the broker (window: today + 60
    days, vmbo-t), with school A's period (five students) and school B's period (Noor and
    Bram) enrolled by their coordinators, in ``status`` (draft, open, closed, published;
    closed and published with everyone's choices, published through a ``da`` run)."""
    cache = w.__dict__.setdefault("_region_world", {})
    if status in cache:
        return cache[status]
    make_world(w, status="draft")  # period A, students, offers
    today = timezone.localdate()
    if not hasattr(w, "period_b"):
        w.period_b = block_period(
            w.coordinator2,
            w.school_b,
            w.class_b1.cohort,
            w.period.start_date,
            w.period.end_date,
            students=2,
        )
        w.student_b2 = f.StudentFactory(school_class=w.class_b1, first_name="Bram", last_name="B")
    rnd = services.region_round_create(
        actor=w.broker,
        region=w.region,
        name=f"Regio {status}",
        window_start=today,
        window_end=today + datetime.timedelta(days=60),
        levels=["vmbo-t"],
        max_choices=3,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        seed=11,
    )
    enrolments = {}
    if status in ("open", "closed", "published"):
        services.round_transition(actor=w.broker, round=rnd, action="open")
        enrolments["a"] = services.round_enrol(actor=w.coordinator, round=rnd, period=w.period)
        enrolments["b"] = services.round_enrol(actor=w.coordinator2, round=rnd, period=w.period_b)
    if status in ("closed", "published"):
        entries = {e.student_id: e for e in RoundStudent.objects.filter(round=rnd)}
        for s in [w.student_a2, *w.extra]:
            services.choices_set(
                actor=w.coordinator, entry=entries[s.pk], vacancy_ids=[w.care.pk, w.sport.pk]
            )
        for s in (w.student_b, w.student_b2):
            services.choices_set(
                actor=w.coordinator2, entry=entries[s.pk], vacancy_ids=[w.care.pk, w.sport.pk]
            )
        services.choices_set(
            actor=w.student_user, entry=entries[w.student.pk], vacancy_ids=[w.intensive.pk]
        )
        services.round_transition(actor=w.broker, round=rnd, action="close")
    run = None
    if status == "published":
        run = services.round_run(actor=w.broker, round=rnd, mode="da")
        services.round_publish(actor=w.broker, round=rnd, run=run)
    rnd.refresh_from_db()
    cache[status] = SimpleNamespace(round=rnd, run=run, enrolments=enrolments)
    return cache[status]
