"""Services of the matching rounds: the happy path from draft to published, and every
kind of bad input refused with nothing changed."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meedoen.core.errors import ServiceError
from meedoen.placements.models import Placement, PlacementStatus, Source
from meedoen.rounds import services
from meedoen.rounds.engine_input import round_odds
from meedoen.rounds.models import Choice, Mediation, RoundEvent, RoundRun
from meedoen.rounds.workflows import RoundStatus
from meedoen.students import services as student_services

from .factories import entry_of, make_offer

pytestmark = pytest.mark.django_db


def test_create_takes_the_cohort_and_fitting_offers(world, make_round):
    rnd = make_round("draft").round
    students = set(rnd.participants.values_list("student_id", flat=True))
    assert students == {world.student.pk, world.student_a2.pk, *(s.pk for s in world.extra)}
    offers = set(rnd.offers.values_list("vacancy_id", flat=True))
    # The havo-only offer does not fit the vmbo-t cohort.
    assert offers == {world.care.pk, world.sport.pk, world.intensive.pk}
    assert rnd.status == RoundStatus.DRAFT
    assert RoundEvent.objects.filter(round=rnd, action="create", actor=world.coordinator).exists()


def test_lottery_numbers_are_deterministic(world, make_round):
    rnd = make_round("draft").round
    entry = entry_of(rnd, world.student)
    assert entry.lottery == rnd.lottery_for(world.student.pk)
    assert 0 <= entry.lottery < 1


def test_other_school_may_not_create(world):
    today = timezone.localdate()
    with pytest.raises(ServiceError):
        services.round_create(
            actor=world.coordinator2,
            period=world.period,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=3),
        )


@pytest.mark.parametrize(
    "values",
    [
        {"max_choices": 0},
        {"max_choices": 11},
        {"closes_before_opens": True},
        {"closes_after_period": True},
    ],
)
def test_create_refuses_bad_settings(world, values):
    today = timezone.localdate()
    opens, closes = today, today + datetime.timedelta(days=3)
    if values.get("closes_before_opens"):
        closes = today - datetime.timedelta(days=1)
    if values.get("closes_after_period"):
        closes = world.period.end_date + datetime.timedelta(days=1)
    before = world.period.matching_rounds.count()
    with pytest.raises(ServiceError):
        services.round_create(
            actor=world.coordinator,
            period=world.period,
            max_choices=values.get("max_choices", 5),
            opens_on=opens,
            closes_on=closes,
        )
    assert world.period.matching_rounds.count() == before


def test_choices_happy_path_and_moves(world, make_round):
    rnd = make_round("open").round
    entry = entry_of(rnd, world.student_a2)
    services.choices_set(
        actor=world.coordinator, entry=entry, vacancy_ids=[world.care.pk, world.sport.pk]
    )
    services.choice_change(
        actor=world.coordinator, entry=entry, action="up", vacancy_id=world.sport.pk
    )
    assert list(entry.choices.values_list("vacancy_id", flat=True)) == [
        world.sport.pk,
        world.care.pk,
    ]
    services.choice_change(
        actor=world.coordinator, entry=entry, action="remove", vacancy_id=world.sport.pk
    )
    assert list(entry.choices.values_list("vacancy_id", "rank")) == [(world.care.pk, 1)]


def test_student_chooses_own_and_mentor_for_class(world, make_round):
    rnd = make_round("open").round
    own = entry_of(rnd, world.student)
    services.choices_set(actor=world.student_user, entry=own, vacancy_ids=[world.intensive.pk])
    # The mentor is granted class A1 (the student's), not A2.
    services.choices_set(actor=world.mentor, entry=own, vacancy_ids=[])
    assert not own.choices.exists()
    other = entry_of(rnd, world.student_a2)
    with pytest.raises(ServiceError):
        services.choices_set(actor=world.mentor, entry=other, vacancy_ids=[world.care.pk])
    with pytest.raises(ServiceError):
        services.choices_set(actor=world.student_user, entry=other, vacancy_ids=[world.care.pk])
    with pytest.raises(ServiceError):
        services.choices_set(actor=world.coordinator2, entry=other, vacancy_ids=[world.care.pk])
    assert not other.choices.exists()


@pytest.mark.parametrize("case", ["outside", "too_many", "duplicate", "ineligible", "garbage"])
def test_bad_choices_are_refused(world, make_round, case):
    rnd = make_round("open").round
    entry = entry_of(rnd, world.student_a2)
    services.choices_set(actor=world.coordinator, entry=entry, vacancy_ids=[world.sport.pk])
    other = make_offer(world.org_x, title="Andere ronde")  # not in the round
    ids = {
        "outside": [other.pk],
        "too_many": [world.care.pk, world.sport.pk, world.intensive.pk, other.pk],
        "duplicate": [world.care.pk, world.care.pk],
        "ineligible": [world.havo_only.pk],
        "garbage": ["x"],
    }[case]
    with pytest.raises(ServiceError):
        services.choices_set(actor=world.coordinator, entry=entry, vacancy_ids=ids)
    assert list(entry.choices.values_list("vacancy_id", flat=True)) == [world.sport.pk]


def test_more_choices_than_allowed_by_the_round(world, make_round):
    rnd = make_round("open").round
    rnd.max_choices = 1
    rnd.save()
    entry = entry_of(rnd, world.student_a2)
    with pytest.raises(ServiceError):
        services.choices_set(
            actor=world.coordinator, entry=entry, vacancy_ids=[world.care.pk, world.sport.pk]
        )
    assert not entry.choices.exists()


def test_choosing_outside_the_dates_or_states(world, make_round):
    draft = make_round("draft").round
    with pytest.raises(ServiceError):
        services.choices_set(
            actor=world.coordinator,
            entry=entry_of(draft, world.student_a2),
            vacancy_ids=[world.care.pk],
        )
    rnd = make_round("open").round
    today = timezone.localdate()
    rnd.opens_on = today + datetime.timedelta(days=1)
    rnd.closes_on = today + datetime.timedelta(days=2)
    rnd.save()
    entry = entry_of(rnd, world.student_a2)
    with pytest.raises(ServiceError):
        services.choices_set(actor=world.coordinator, entry=entry, vacancy_ids=[world.care.pk])
    rnd.opens_on = today - datetime.timedelta(days=3)
    rnd.closes_on = today - datetime.timedelta(days=1)
    rnd.save()
    with pytest.raises(ServiceError):
        services.choices_set(actor=world.coordinator, entry=entry, vacancy_ids=[world.care.pk])
    assert not Choice.objects.filter(entry=entry).exists()


def test_transitions_follow_the_table(world, make_round):
    rnd = make_round("draft").round
    with pytest.raises(ServiceError):
        services.round_transition(actor=world.coordinator, round=rnd, action="close")
    with pytest.raises(ServiceError):
        services.round_transition(actor=world.coordinator2, round=rnd, action="open")
    services.round_transition(actor=world.coordinator, round=rnd, action="open")
    services.round_transition(actor=world.coordinator, round=rnd, action="close")
    services.round_transition(actor=world.coordinator, round=rnd, action="reopen")
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN
    actions = list(rnd.events.values_list("action", "actor"))
    assert actions[1:] == [
        ("open", world.coordinator.pk),
        ("close", world.coordinator.pk),
        ("reopen", world.coordinator.pk),
    ]


def test_update_removes_choices_of_removed_offers(world, make_round):
    rnd = make_round("open").round
    entry = entry_of(rnd, world.student_a2)
    services.choices_set(
        actor=world.coordinator, entry=entry, vacancy_ids=[world.care.pk, world.sport.pk]
    )
    services.round_update(
        actor=world.coordinator,
        round=rnd,
        name="Nieuw",
        max_choices=3,
        opens_on=rnd.opens_on,
        closes_on=rnd.closes_on,
        offer_ids=[world.sport.pk, world.intensive.pk],
    )
    assert list(entry.choices.values_list("vacancy_id", "rank")) == [(world.sport.pk, 1)]
    with pytest.raises(ServiceError):  # not a candidate: another level
        services.round_update(
            actor=world.coordinator,
            round=rnd,
            name="Nieuw",
            max_choices=3,
            opens_on=rnd.opens_on,
            closes_on=rnd.closes_on,
            offer_ids=[world.havo_only.pk],
        )
    with pytest.raises(ServiceError):  # fewer choices than someone already has
        services.round_update(
            actor=world.coordinator,
            round=rnd,
            name="Nieuw",
            max_choices=0,
            opens_on=rnd.opens_on,
            closes_on=rnd.closes_on,
        )


def test_run_both_modes_and_publish(world, make_round, django_capture_on_commit_callbacks):
    rnd = make_round("closed").round
    da = services.round_run(actor=world.coordinator, round=rnd, mode="da")
    opt = services.round_run(actor=world.coordinator, round=rnd, mode="optimal")
    for run in (da, opt):
        # care has 1 place, sport 2, intensive 1: four of the five students are placed.
        assert run.stats["assigned"] == 4 and run.stats["unassigned"] == 1
        assert run.assignment[str(world.student.pk)] == world.intensive.pk
        assert sum(run.stats["rank_histogram"].values()) == 4
    assert opt.stats["rank_sum"] <= da.stats["rank_sum"]
    # Runs change nothing outside the app.
    assert not Placement.objects.filter(source=Source.MATCHING).exists()
    with (
        DBTaskResultCounter() as mails,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.round_publish(actor=world.coordinator, round=rnd, run=da)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED and rnd.published_run == da
    placements = Placement.objects.filter(source=Source.MATCHING)
    assert placements.count() == 4
    assert set(placements.values_list("status", flat=True)) == {PlacementStatus.PROPOSED}
    entry = entry_of(rnd, world.student)
    assert entry.result_vacancy == world.intensive and entry.result_rank == 1
    assert entry.result_placement.vacancy == world.intensive
    assert entry.explanation["offer"] == world.intensive.pk
    assert mails.to(world.student_user.email)


class DBTaskResultCounter:
    """Reads the mail jobs queued during the block."""

    def __enter__(self):
        self.seen = set(DBTaskResult.objects.values_list("pk", flat=True))
        return self

    def __exit__(self, *exc):
        return False

    def to(self, address):
        jobs = DBTaskResult.objects.exclude(pk__in=self.seen)
        return [j for j in jobs if address in j.args_kwargs["kwargs"].get("to", [])]


def test_capacity_taken_elsewhere_reduces_the_engines_capacity(world, make_round):
    rnd = make_round("closed").round
    # Someone outside the round already holds the coffee morning's only place.
    Placement.objects.create(
        student=world.student_b,
        organisation=world.org_x,
        vacancy=world.care,
        activity="x",
        status=PlacementStatus.APPROVED,
        start_date=world.period.start_date,
        end_date=world.period.end_date,
    )
    run = services.round_run(actor=world.coordinator, round=rnd, mode="optimal")
    assert run.capacities[str(world.care.pk)] == 0
    assert world.care.pk not in run.assignment.values()
    assert run.stats["assigned"] == 3  # two in sport, the student in intensive


def test_publish_refuses_when_capacity_changed_since_the_run(world, make_round):
    rnd = make_round("closed").round
    run = services.round_run(actor=world.coordinator, round=rnd, mode="da")
    Placement.objects.create(
        student=world.student_b,
        organisation=world.org_x,
        vacancy=world.care,
        activity="x",
        status=PlacementStatus.APPROVED,
        start_date=world.period.start_date,
        end_date=world.period.end_date,
    )
    with pytest.raises(ServiceError):
        services.round_publish(actor=world.coordinator, round=rnd, run=run)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    assert not Placement.objects.filter(source=Source.MATCHING).exists()


def test_run_and_publish_refused_in_wrong_states_and_for_others(world, make_round):
    open_round = make_round("open").round
    with pytest.raises(ServiceError):
        services.round_run(actor=world.coordinator, round=open_round, mode="da")
    rnd = make_round("closed").round
    with pytest.raises(ServiceError):
        services.round_run(actor=world.coordinator, round=rnd, mode="bogus")
    with pytest.raises(ServiceError):
        services.round_run(actor=world.coordinator2, round=rnd, mode="da")
    run = services.round_run(actor=world.coordinator, round=rnd, mode="da")
    with pytest.raises(ServiceError):
        services.round_publish(actor=world.coordinator2, round=rnd, run=run)
    with pytest.raises(ServiceError):  # a run of another round
        services.round_publish(actor=world.coordinator, round=open_round, run=run)
    assert RoundRun.objects.filter(round=rnd).count() == 1


def test_published_round_cannot_be_changed(world, make_round):
    rnd = make_round("published").round
    with pytest.raises(ServiceError):
        services.round_update(
            actor=world.coordinator,
            round=rnd,
            name="Anders",
            max_choices=2,
            opens_on=rnd.opens_on,
            closes_on=rnd.closes_on,
        )
    with pytest.raises(ServiceError):
        services.round_transition(actor=world.coordinator, round=rnd, action="cancel")
    with pytest.raises(ServiceError):
        services.round_run(actor=world.coordinator, round=rnd, mode="da")
    rnd.refresh_from_db()
    assert rnd.name == "Ronde published"


def test_hand_adjustment_enforces_capacity_and_eligibility(world, make_round):
    rnd = make_round("closed").round
    run = services.round_run(actor=world.coordinator, round=rnd, mode="da")
    before = dict(run.assignment)
    a2 = str(world.student_a2.pk)
    # The intensive offer's single place is the student's: full.
    with pytest.raises(ServiceError):
        services.run_adjust(
            actor=world.coordinator, run=run, student_id=a2, vacancy_id=world.intensive.pk
        )
    # Not a round offer / not eligible / another school.
    with pytest.raises(ServiceError):
        services.run_adjust(
            actor=world.coordinator, run=run, student_id=a2, vacancy_id=world.havo_only.pk
        )
    with pytest.raises(ServiceError):
        services.run_adjust(actor=world.coordinator2, run=run, student_id=a2, vacancy_id=None)
    with pytest.raises(ServiceError):  # not in this run
        services.run_adjust(
            actor=world.coordinator, run=run, student_id=world.student_b.pk, vacancy_id=None
        )
    # The student (targeted guidance) cannot go to a standard offer.
    services.run_adjust(actor=world.coordinator, run=run, student_id=a2, vacancy_id=None)
    run.refresh_from_db()
    assert run.assignment[a2] is None
    freed = before[a2]
    with pytest.raises(ServiceError):
        services.run_adjust(
            actor=world.coordinator, run=run, student_id=world.student.pk, vacancy_id=freed
        )
    services.run_adjust(actor=world.coordinator, run=run, student_id=a2, vacancy_id=freed)
    run.refresh_from_db()
    assert run.assignment == before
    assert run.stats["adjusted"] == 1
    assert [a["to"] for a in run.adjustments] == [None, freed]


def test_mediation_route_and_place(world, make_round):
    rnd = make_round("open").round
    entry = entry_of(rnd, world.student)
    # Standard guidance: not for mediation.
    with pytest.raises(ServiceError):
        services.mediation_route(actor=world.coordinator, entry=entry_of(rnd, world.student_a2))
    with pytest.raises(ServiceError):  # only the coordinator routes
        services.mediation_route(actor=world.broker, entry=entry)
    services.mediation_route(actor=world.coordinator, entry=entry)
    entry.refresh_from_db()
    assert entry.mediation == Mediation.ROUTED
    # Without the school's grant the broker may not place the student.
    with pytest.raises(ServiceError):
        services.mediation_place(actor=world.broker, entry=entry, vacancy=world.intensive)
    student_services.access_grant_create(
        actor=world.coordinator,
        school=world.school_a,
        grantee=world.broker,
        student=world.student,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    # An offer without the guidance the student needs is refused.
    with pytest.raises(ServiceError):
        services.mediation_place(actor=world.broker, entry=entry, vacancy=world.care)
    assert not Placement.objects.filter(student=world.student, vacancy__isnull=False).exists()
    placement = services.mediation_place(actor=world.broker, entry=entry, vacancy=world.intensive)
    assert placement.source == Source.MANUAL and placement.vacancy == world.intensive
    entry.refresh_from_db()
    assert entry.mediation_placement == placement
    with pytest.raises(ServiceError):  # placed already
        services.mediation_place(actor=world.broker, entry=entry, vacancy=world.intensive)
    # The mediated student is out of the run, and their place reduces capacity.
    services.round_transition(actor=world.coordinator, round=rnd, action="close")
    run = services.round_run(actor=world.coordinator, round=rnd, mode="da")
    assert str(world.student.pk) not in run.assignment
    assert run.capacities[str(world.intensive.pk)] == 0


def test_odds_are_probabilities_and_reproducible(world, make_round):
    rnd = make_round("closed").round
    _data, first = round_odds(rnd, draws=200)
    _data, second = round_odds(rnd, draws=200)
    assert first == second
    for row in first.values():
        assert sum(row.values()) == pytest.approx(1.0)
    assert first[world.student.pk]["1"] == 1.0  # the only one wanting the intensive offer


def test_follow_up_round_takes_the_unassigned(world, make_round):
    rnd = make_round("closed").round
    # Only one place for five students.
    for v in (world.sport, world.intensive):
        v.capacity = 0
        v.save()
    run = services.round_run(actor=world.coordinator, round=rnd, mode="da")
    assert run.stats["assigned"] == 1
    services.round_publish(actor=world.coordinator, round=rnd, run=run)
    today = timezone.localdate()
    second = services.round_follow_up(
        actor=world.coordinator,
        round=rnd,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=2),
    )
    placed = Placement.objects.filter(source=Source.MATCHING).values_list("student_id", flat=True)
    students = set(second.participants.values_list("student_id", flat=True))
    assert len(students) == 4 and not students & set(placed)
    assert second.follow_up_of == rnd and second.status == RoundStatus.DRAFT
    with pytest.raises(ServiceError):  # only after publishing
        services.round_follow_up(
            actor=world.coordinator, round=second, opens_on=today, closes_on=today
        )
