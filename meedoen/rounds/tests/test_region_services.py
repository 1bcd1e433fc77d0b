"""Region rounds through the services: the broker opens, schools enrol a period by
consent, the engine runs once over every enrolled student, each school handles only its
own students, the broker sees figures but no names, and publishing places them all."""

import datetime

import pytest
from django.utils import timezone

from meedoen.core.errors import ServiceError
from meedoen.placements.models import Placement, PlacementStatus, Source
from meedoen.planning import services as planning_services
from meedoen.rounds import services
from meedoen.rounds.models import Choice, Round, RoundEnrolment, RoundStudent
from meedoen.rounds.selectors import (
    entries_visible_to,
    region_round_figures,
    rounds_visible_to,
)
from meedoen.rounds.workflows import RoundStatus
from meedoen.students import services as student_services

from .factories import entry_of

pytestmark = pytest.mark.django_db


def _period(w, *, school=None, cohort=None, start, days=4, actor=None):
    return planning_services.period_create(
        actor=actor or w.coordinator,
        school=school or w.school_a,
        cohort=cohort or w.class_a1.cohort,
        classes=[],
        format="block",
        kind="individual",
        start_date=start,
        end_date=start + datetime.timedelta(days=days),
        students=5,
        hours_per_student=30,
    )


def test_only_the_regions_broker_creates_and_offers_fit_window_and_levels(world):
    today = timezone.localdate()
    kwargs = {
        "region": world.region,
        "window_start": today,
        "window_end": today + datetime.timedelta(days=60),
        "levels": ["vmbo-t"],
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=7),
    }
    for outsider in (world.coordinator, world.municipality_user, world.outsider):
        with pytest.raises(ServiceError):
            services.region_round_create(actor=outsider, **kwargs)
    with pytest.raises(ServiceError):  # unknown level
        services.region_round_create(actor=world.broker, **{**kwargs, "levels": ["x"]})
    with pytest.raises(ServiceError):  # window the wrong way round
        services.region_round_create(
            actor=world.broker, **{**kwargs, "window_end": today - datetime.timedelta(days=1)}
        )
    assert not Round.objects.filter(school__isnull=True).exists()
    rnd = services.region_round_create(actor=world.broker, **kwargs)
    assert rnd.is_region_round and rnd.status == RoundStatus.DRAFT and rnd.region == world.region
    offers = set(rnd.offers.values_list("vacancy_id", flat=True))
    assert offers == {world.care.pk, world.sport.pk, world.intensive.pk}  # not havo-only
    havo = services.region_round_create(actor=world.broker, **{**kwargs, "levels": ["havo"]})
    assert set(havo.offers.values_list("vacancy_id", flat=True)) == offers | {world.havo_only.pk}


def test_enrolment_records_consent_and_brings_the_periods_students(world, make_region_round):
    rnd = make_region_round("open").round
    a = RoundEnrolment.objects.get(round=rnd, school=world.school_a)
    assert a.enrolled_by == world.coordinator and a.enrolled_at and a.active
    students = set(rnd.participants.values_list("student_id", flat=True))
    assert students == {
        world.student.pk,
        world.student_a2.pk,
        *(s.pk for s in world.extra),
        world.student_b.pk,
        world.student_b2.pk,
    }
    assert rnd.events.filter(action="enrol").count() == 2


def test_enrolling_another_schools_period_is_refused(world, make_region_round):
    rnd = make_region_round("draft").round
    services.round_transition(actor=world.broker, round=rnd, action="open")
    with pytest.raises(ServiceError):
        services.round_enrol(actor=world.coordinator2, round=rnd, period=world.period)
    with pytest.raises(ServiceError):  # the broker does not enrol for a school
        services.round_enrol(actor=world.broker, round=rnd, period=world.period)
    assert not rnd.enrolments.exists() and not rnd.participants.exists()


def test_enrolling_twice_a_draft_or_after_closing_is_refused(world, make_region_round):
    draft = make_region_round("draft").round
    with pytest.raises(ServiceError):  # not open yet
        services.round_enrol(actor=world.coordinator, round=draft, period=world.period)
    rnd = make_region_round("open").round
    with pytest.raises(ServiceError):  # already enrolled
        services.round_enrol(actor=world.coordinator, round=rnd, period=world.period)
    closed = make_region_round("closed").round
    later = _period(world, start=world.period.start_date + datetime.timedelta(days=7))
    with pytest.raises(ServiceError):
        services.round_enrol(actor=world.coordinator, round=closed, period=later)
    # Open, but the closing date has passed.
    Round.objects.filter(pk=rnd.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=5),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(ServiceError):
        services.round_enrol(actor=world.coordinator, round=rnd, period=later)
    assert not RoundEnrolment.objects.filter(period=later).exists()


def test_enrolling_a_period_outside_the_window_or_levels_is_refused(world, make_region_round):
    rnd = make_region_round("draft").round
    services.round_transition(actor=world.broker, round=rnd, action="open")
    outside = _period(world, start=rnd.window_end - datetime.timedelta(days=2))  # ends after
    with pytest.raises(ServiceError):
        services.round_enrol(actor=world.coordinator, round=rnd, period=outside)
    Round.objects.filter(pk=rnd.pk).update(levels=["havo"])
    rnd.refresh_from_db()
    with pytest.raises(ServiceError):  # a vmbo-t period in a havo round
        services.round_enrol(actor=world.coordinator, round=rnd, period=world.period)
    assert not rnd.enrolments.exists() and not rnd.participants.exists()


def test_withdrawing_before_closing_only_by_the_school(world, make_region_round):
    made = make_region_round("open")
    rnd, a = made.round, made.enrolments["a"]
    services.choices_set(
        actor=world.coordinator, entry=entry_of(rnd, world.student_a2), vacancy_ids=[world.care.pk]
    )
    with pytest.raises(ServiceError):
        services.round_withdraw(actor=world.coordinator2, enrolment=a)
    with pytest.raises(ServiceError):
        services.round_withdraw(actor=world.broker, enrolment=a)
    assert rnd.participants.filter(student__school=world.school_a).count() == 5
    services.round_withdraw(actor=world.coordinator, enrolment=a)
    a.refresh_from_db()
    assert a.withdrawn_by == world.coordinator and a.withdrawn_at is not None
    assert not rnd.participants.filter(student__school=world.school_a).exists()
    assert not Choice.objects.filter(entry__round=rnd, entry__student=world.student_a2).exists()
    # The period can be enrolled again; after closing it cannot be withdrawn.
    again = services.round_enrol(actor=world.coordinator, round=rnd, period=world.period)
    services.round_transition(actor=world.broker, round=rnd, action="close")
    with pytest.raises(ServiceError):
        services.round_withdraw(actor=world.coordinator, enrolment=again)
    assert rnd.participants.filter(student__school=world.school_a).count() == 5


def test_choices_by_each_school_for_its_own_students_only(world, make_region_round):
    rnd = make_region_round("open").round
    b = entry_of(rnd, world.student_b)
    services.choices_set(actor=world.coordinator2, entry=b, vacancy_ids=[world.sport.pk])
    for actor in (world.coordinator, world.broker, world.mentor):
        with pytest.raises(ServiceError):
            services.choices_set(actor=actor, entry=b, vacancy_ids=[world.care.pk])
    assert list(b.choices.values_list("vacancy_id", flat=True)) == [world.sport.pk]
    # The student and their mentor choose as in a school round.
    own = entry_of(rnd, world.student)
    services.choices_set(actor=world.student_user, entry=own, vacancy_ids=[world.intensive.pk])
    services.choices_set(actor=world.mentor, entry=own, vacancy_ids=[])


def test_broker_sees_figures_but_no_names_without_a_grant(world, make_region_round):
    rnd = make_region_round("closed").round
    assert rnd in rounds_visible_to(world.broker)
    assert not entries_visible_to(world.broker, rnd).exists()
    figures = {row["school"]: row for row in region_round_figures(rnd)}
    assert figures["School A"]["students"] == 5 and figures["School A"]["not_chosen"] == 0
    assert figures["School B"]["students"] == 2 and figures["School B"]["chosen"] == 2
    # Each coordinator sees their own students only.
    assert set(
        entries_visible_to(world.coordinator2, rnd).values_list("student_id", flat=True)
    ) == {
        world.student_b.pk,
        world.student_b2.pk,
    }
    # A school's grant shows that one student to the broker.
    student_services.access_grant_create(
        actor=world.coordinator2,
        school=world.school_b,
        grantee=world.broker,
        student=world.student_b,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    assert list(entries_visible_to(world.broker, rnd).values_list("student_id", flat=True)) == [
        world.student_b.pk
    ]


def test_region_round_is_visible_to_region_coordinators_when_open(world, make_region_round):
    draft = make_region_round("draft").round
    assert draft not in rounds_visible_to(world.coordinator)
    rnd = make_region_round("open").round
    for user in (world.coordinator, world.coordinator2, world.broker, world.student_user):
        assert rnd in rounds_visible_to(user)
    for user in (world.outsider, world.municipality_user, world.organisation):
        assert rnd not in rounds_visible_to(user)


def test_one_run_over_all_schools_and_publishing(
    world, make_region_round, django_capture_on_commit_callbacks
):
    rnd = make_region_round("closed").round
    with pytest.raises(ServiceError):  # a school does not run the region's round
        services.round_run(actor=world.coordinator, round=rnd, mode="da")
    da = services.round_run(actor=world.broker, round=rnd, mode="da")
    opt = services.round_run(actor=world.broker, round=rnd, mode="optimal")
    for run in (da, opt):
        # Four places (care 1, sport 2, intensive 1) for seven students of two schools:
        # one instance, so no place is given twice.
        assert run.stats["assigned"] == 4 and run.stats["unassigned"] == 3
        loads = [o for o in run.assignment.values() if o is not None]
        assert loads.count(world.care.pk) <= 1 and loads.count(world.sport.pk) <= 2
    with pytest.raises(ServiceError):  # a coordinator does not publish the region's round
        services.round_publish(actor=world.coordinator, round=rnd, run=da)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_publish(actor=world.broker, round=rnd, run=da)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED and rnd.published_by == world.broker
    placements = Placement.objects.filter(source=Source.MATCHING)
    assert placements.count() == 4
    assert set(placements.values_list("status", flat=True)) == {PlacementStatus.PROPOSED}
    entry = entry_of(rnd, world.student)
    assert entry.result_placement.vacancy == world.intensive and entry.explanation
    assert entry.result_placement.start_date == world.period.start_date

    # Second rounds: each school opens its own, for its students without a place.
    today = timezone.localdate()
    dates = {"opens_on": today, "closes_on": today + datetime.timedelta(days=3)}
    for actor in (world.broker, world.mentor, world.outsider):
        with pytest.raises(ServiceError):
            services.round_follow_up(actor=actor, round=rnd, **dates)
    second = services.round_follow_up(actor=world.coordinator2, round=rnd, **dates)
    placed = set(
        Placement.objects.filter(source=Source.MATCHING).values_list("student_id", flat=True)
    )
    unplaced_b = {world.student_b.pk, world.student_b2.pk} - placed
    assert second.school == world.school_b and second.period == world.period_b
    assert set(second.participants.values_list("student_id", flat=True)) == unplaced_b
    assert second.follow_up_of == rnd and second.offers.exists()


def test_publishing_before_closing_is_refused(world, make_region_round):
    rnd = make_region_round("open").round
    with pytest.raises(ServiceError):
        services.round_run(actor=world.broker, round=rnd, mode="da")
    closed = make_region_round("closed").round
    run = services.round_run(actor=world.broker, round=closed, mode="da")
    with pytest.raises(ServiceError):  # a run of another round, on the open round
        services.round_publish(actor=world.broker, round=rnd, run=run)
    services.round_transition(actor=world.broker, round=closed, action="reopen")
    with pytest.raises(ServiceError):
        services.round_publish(actor=world.broker, round=closed, run=run)
    assert not Placement.objects.filter(source=Source.MATCHING).exists()


def test_hand_adjustments_by_each_school_for_its_own_students(world, make_region_round):
    rnd = make_region_round("closed").round
    # Student B draws the best lottery number, so the run gives them a place.
    RoundStudent.objects.filter(round=rnd).update(lottery=0.9)
    RoundStudent.objects.filter(round=rnd, student=world.student_b).update(lottery=0.0)
    run = services.round_run(actor=world.broker, round=rnd, mode="da")
    before = dict(run.assignment)
    b_key = str(world.student_b.pk)
    for actor in (world.coordinator, world.broker, world.mentor):
        with pytest.raises(ServiceError):
            services.run_adjust(actor=actor, run=run, student_id=b_key, vacancy_id=None)
    run.refresh_from_db()
    assert run.assignment == before and not run.adjustments
    # The school's own coordinator may move their student: to no place, and then to an
    # offer of the round that fits and has room (their own place is free again).
    assert before[b_key] is not None
    services.run_adjust(actor=world.coordinator2, run=run, student_id=b_key, vacancy_id=None)
    run.refresh_from_db()
    assert run.assignment[b_key] is None
    assert run.adjustments[-1]["by"] == world.coordinator2.pk
    moved = 0
    for target in map(int, run.capacities):
        try:
            services.run_adjust(
                actor=world.coordinator2, run=run, student_id=b_key, vacancy_id=target
            )
        except ServiceError:
            continue
        moved = target
        break
    run.refresh_from_db()
    assert moved and run.assignment[b_key] == moved
    assert run.adjustments[-1]["by"] == world.coordinator2.pk


def test_capacity_exceeded_by_a_hand_adjustment(world, make_region_round):
    rnd = make_region_round("closed").round
    run = services.round_run(actor=world.broker, round=rnd, mode="da")
    taker = next(s for s, o in run.assignment.items() if o == world.care.pk)
    mover = next(
        s
        for s, o in run.assignment.items()
        if o != world.care.pk
        and RoundStudent.objects.get(round=rnd, student_id=int(s)).student.school_id
        == world.school_b.pk
    )
    assert taker != mover
    with pytest.raises(ServiceError):
        services.run_adjust(
            actor=world.coordinator2, run=run, student_id=mover, vacancy_id=world.care.pk
        )
    run.refresh_from_db()
    assert sum(1 for o in run.assignment.values() if o == world.care.pk) == 1


def test_mediation_in_a_region_round(world, make_region_round):
    rnd = make_region_round("open").round
    entry = entry_of(rnd, world.student)
    with pytest.raises(ServiceError):  # the broker does not route; another school neither
        services.mediation_route(actor=world.broker, entry=entry)
    with pytest.raises(ServiceError):
        services.mediation_route(actor=world.coordinator2, entry=entry)
    services.mediation_route(actor=world.coordinator, entry=entry)
    with pytest.raises(ServiceError):  # owning the round is no grant for the student
        services.mediation_place(actor=world.broker, entry=entry, vacancy=world.intensive)
    student_services.access_grant_create(
        actor=world.coordinator,
        school=world.school_a,
        grantee=world.broker,
        student=world.student,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    placement = services.mediation_place(actor=world.broker, entry=entry, vacancy=world.intensive)
    assert placement.source == Source.MANUAL
    with pytest.raises(ServiceError):  # a period with a mediated student stays in
        services.round_withdraw(
            actor=world.coordinator,
            enrolment=RoundEnrolment.objects.get(round=rnd, school=world.school_a),
        )
