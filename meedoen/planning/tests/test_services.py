"""Services and workflow of the period planning, including bad input that changes nothing."""

import datetime

import pytest

from meedoen.core.errors import ServiceError
from meedoen.core.tests import factories as f
from meedoen.planning import services
from meedoen.planning.models import InternshipPeriod, PeriodEvent, PlanningYear, ShiftDecision
from meedoen.planning.workflows import TRANSITIONS, PeriodStatus
from meedoen.students.models import Cohort, SchoolClass

from .factories import make_period, week_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(personas):
    personas.cohort = personas.class_a1.cohort
    personas.year = personas.cohort.school_year
    return personas


def base(w, **over):
    values = {
        "format": "block",
        "kind": "group",
        "start_date": week_of(w.year, 50),
        "end_date": week_of(w.year, 50, 5),
        "weekdays": [],
        "students": 50,
        "hours_per_student": 30,
        "sectors": [],
        "note": "",
    }
    return values | over


def test_create_records_history_and_classes(w):
    period = services.period_create(
        actor=w.coordinator, school=w.school_a, cohort=w.cohort, classes=[w.class_a1], **base(w)
    )
    assert period.status == PeriodStatus.DRAFT
    assert period.school_year == w.year
    assert list(period.classes.all()) == [w.class_a1]
    assert [e.kind for e in period.events.all()] == [PeriodEvent.Kind.CREATED]


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"end_date": "before"}, "end date is before the start date"),
        ({"start_date": "outside"}, "must fall within school year"),
        ({"students": -5}, "at least 1"),
        ({"students": 0}, "at least 1"),
        ({"hours_per_student": 0}, "between 1 and 500"),
        ({"format": "ribbon"}, "weekdays"),
        ({"format": "holiday"}, "Choose a MaS format"),
        ({"sectors": ["shipping"]}, "sectors from the list"),
        ({"weekdays": [9], "format": "ribbon"}, "numbered 0"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(w, over, message):
    values = base(w)
    if over.get("end_date") == "before":
        over = {"end_date": values["start_date"] - datetime.timedelta(days=1)}
    if over.get("start_date") == "outside":
        over = {"start_date": datetime.date(w.year, 7, 20)}
    with pytest.raises(ServiceError, match=message):
        services.period_create(
            actor=w.coordinator, school=w.school_a, cohort=w.cohort, **(values | over)
        )
    assert not InternshipPeriod.objects.exists()
    assert not PeriodEvent.objects.exists()


def test_another_schools_coordinator_is_refused(w):
    with pytest.raises(ServiceError, match="may not plan"):
        services.period_create(actor=w.coordinator2, school=w.school_a, cohort=w.cohort, **base(w))
    period = make_period(actor=w.coordinator, cohort=w.cohort)
    with pytest.raises(ServiceError, match="may not plan"):
        services.period_update(actor=w.coordinator2, period=period, cohort=w.cohort, **base(w))
    with pytest.raises(ServiceError):
        services.period_delete(actor=w.coordinator2, period=period)
    assert InternshipPeriod.objects.filter(pk=period.pk).exists()


def test_cohort_and_classes_must_be_of_the_school(w):
    other = w.class_b1.cohort
    with pytest.raises(ServiceError, match="cohort is not of this school"):
        services.period_create(actor=w.coordinator, school=w.school_a, cohort=other, **base(w))
    cohort2 = Cohort.objects.create(
        school=w.school_a, school_year=w.year, year_of_study=2, level="havo"
    )
    with pytest.raises(ServiceError, match="belong to the chosen cohort"):
        services.period_create(
            actor=w.coordinator,
            school=w.school_a,
            cohort=cohort2,
            classes=[w.class_a1],
            **base(w),
        )


def test_overlapping_periods_for_the_same_classes_are_refused(w):
    make_period(actor=w.coordinator, cohort=w.cohort, classes=[w.class_a1])
    with pytest.raises(ServiceError, match="overlaps"):
        services.period_create(
            actor=w.coordinator,
            school=w.school_a,
            cohort=w.cohort,
            classes=[w.class_a1, w.class_a2],
            **base(w),
        )
    with pytest.raises(ServiceError, match="overlaps"):  # no classes: the whole cohort
        services.period_create(actor=w.coordinator, school=w.school_a, cohort=w.cohort, **base(w))
    # Another class in the same week is fine.
    services.period_create(
        actor=w.coordinator, school=w.school_a, cohort=w.cohort, classes=[w.class_a2], **base(w)
    )
    assert InternshipPeriod.objects.count() == 2


def test_update_records_the_changes_and_only_for_drafts(w):
    period = make_period(actor=w.coordinator, cohort=w.cohort)
    services.period_update(
        actor=w.coordinator, period=period, cohort=w.cohort, **base(w, students=80)
    )
    event = period.events.get(kind=PeriodEvent.Kind.CHANGED)
    assert event.changes["students"] == [25, 80]
    services.period_transition(actor=w.coordinator, period=period, to_status="submitted")
    with pytest.raises(ServiceError, match="Only a draft"):
        services.period_update(actor=w.coordinator, period=period, cohort=w.cohort, **base(w))
    with pytest.raises(ServiceError, match="Only a draft"):
        services.period_delete(actor=w.coordinator, period=period)


def test_workflow_follows_the_transitions_table(w):
    assert all(who <= {"school", "broker"} for who in TRANSITIONS.values())
    period = make_period(actor=w.coordinator, cohort=w.cohort)
    with pytest.raises(ServiceError, match="cannot become"):
        services.period_transition(actor=w.coordinator, period=period, to_status="confirmed")
    services.period_transition(actor=w.coordinator, period=period, to_status="submitted")
    with pytest.raises(ServiceError, match="may not make this change"):
        services.period_transition(actor=w.coordinator, period=period, to_status="confirmed")
    with pytest.raises(ServiceError, match="may not make this change"):
        services.period_transition(actor=w.mentor, period=period, to_status="draft")
    with pytest.raises(ServiceError, match="reason"):
        services.period_transition(actor=w.broker, period=period, to_status="draft")
    services.period_transition(actor=w.broker, period=period, to_status="confirmed")
    period.refresh_from_db()
    assert period.status == PeriodStatus.CONFIRMED and period.confirmed_at
    services.period_transition(actor=w.coordinator, period=period, to_status="draft")
    statuses = [
        (e.from_status, e.to_status, e.actor.username)
        for e in period.events.filter(kind=PeriodEvent.Kind.STATUS)
    ]
    assert statuses == [
        ("draft", "submitted", "coordinator"),
        ("submitted", "confirmed", "broker"),
        ("confirmed", "draft", "coordinator"),
    ]


def test_broker_returns_with_a_reason(w):
    period = make_period(actor=w.coordinator, cohort=w.cohort, status="submitted")
    services.period_transition(
        actor=w.broker, period=period, to_status="draft", reason="Week 50 is vol"
    )
    assert period.events.last().reason == "Week 50 is vol"


def test_broker_of_another_region_may_not_confirm(w):
    other = f.UserFactory(username="broker_elsewhere")
    f.MembershipFactory(user=other, role="broker", region=f.RegionFactory())
    period = make_period(actor=w.coordinator, cohort=w.cohort, status="submitted")
    with pytest.raises(ServiceError):
        services.period_transition(actor=other, period=period, to_status="confirmed")


def test_submit_all(w):
    make_period(actor=w.coordinator, cohort=w.cohort, classes=[w.class_a1])
    make_period(actor=w.coordinator, cohort=w.cohort, classes=[w.class_a2])
    assert services.periods_submit_all(actor=w.coordinator, school=w.school_a, school_year=w.year)
    assert set(InternshipPeriod.objects.values_list("status", flat=True)) == {"submitted"}
    with pytest.raises(ServiceError, match="no draft"):
        services.periods_submit_all(actor=w.coordinator, school=w.school_a, school_year=w.year)


def test_copy_last_year_into_the_new_year(w):
    old_cohort = Cohort.objects.create(
        school=w.school_a, school_year=w.year - 1, year_of_study=3, level=w.cohort.level
    )
    old_class = SchoolClass.objects.create(school=w.school_a, cohort=old_cohort, name="A1")
    lonely = Cohort.objects.create(
        school=w.school_a, school_year=w.year - 1, year_of_study=1, level="vwo"
    )
    source = make_period(
        actor=w.coordinator, cohort=old_cohort, classes=[old_class], status="confirmed",
        broker=w.broker,
    )  # fmt: skip
    make_period(actor=w.coordinator, cohort=lonely, week=10)
    created, notes = services.periods_copy_year(
        actor=w.coordinator, school=w.school_a, from_year=w.year - 1, to_year=w.year
    )
    assert len(created) == 1 and len(notes) == 1 and "no cohort" in notes[0]
    copy = created[0]
    assert copy.status == PeriodStatus.DRAFT
    assert copy.cohort == w.cohort
    assert list(copy.classes.all()) == [w.class_a1]
    assert copy.start_date.isocalendar()[1:] == source.start_date.isocalendar()[1:]
    assert copy.copied_from == source
    assert copy.events.get().kind == PeriodEvent.Kind.COPIED
    # Copying again skips what was copied.
    created, notes = services.periods_copy_year(
        actor=w.coordinator, school=w.school_a, from_year=w.year - 1, to_year=w.year
    )
    assert created == [] and any("copied before" in n for n in notes)
    with pytest.raises(ServiceError):
        services.periods_copy_year(
            actor=w.coordinator2, school=w.school_a, from_year=w.year - 1, to_year=w.year
        )


def test_shift_accept_moves_and_records_ignore_records_only(w):
    period = make_period(actor=w.coordinator, cohort=w.cohort, status="submitted")
    start = period.start_date
    services.period_shift(
        actor=w.coordinator, period=period, weeks=-2, peak_week=start, accept=True
    )
    period.refresh_from_db()
    assert period.start_date == start - datetime.timedelta(weeks=2)
    assert period.status == PeriodStatus.SUBMITTED
    event = period.events.get(kind=PeriodEvent.Kind.SHIFTED)
    assert event.changes["start_date"] == [start.isoformat(), period.start_date.isoformat()]
    services.period_shift(
        actor=w.coordinator, period=period, weeks=1, peak_week=start, accept=False
    )
    assert list(period.shift_decisions.values_list("decision", flat=True)) == [
        ShiftDecision.Decision.IGNORED,
        ShiftDecision.Decision.ACCEPTED,
    ]
    period.refresh_from_db()
    assert period.start_date == start - datetime.timedelta(weeks=2)


def test_shift_out_of_the_school_year_is_refused(w):
    start = datetime.date(w.year + 1, 7, 19)
    period = make_period(actor=w.coordinator, cohort=w.cohort, start_date=start, end_date=start)
    with pytest.raises(ServiceError, match="outside school year"):
        services.period_shift(
            actor=w.coordinator, period=period, weeks=2, peak_week=start, accept=True
        )
    with pytest.raises(ServiceError, match="1 to 8 weeks"):
        services.period_shift(
            actor=w.coordinator, period=period, weeks=0, peak_week=start, accept=True
        )
    with pytest.raises(ServiceError):
        services.period_shift(
            actor=w.coordinator2, period=period, weeks=-1, peak_week=start, accept=True
        )
    period.refresh_from_db()
    assert period.start_date == start
    assert not ShiftDecision.objects.exists()


def test_planning_year_and_publication_are_the_brokers(w):
    with pytest.raises(ServiceError, match="broker"):
        services.planning_year_update(
            actor=w.coordinator,
            region=w.region,
            school_year=w.year,
            submission_deadline=None,
            peak_share=80,
        )
    with pytest.raises(ServiceError, match="between 10% and 200%"):
        services.planning_year_update(
            actor=w.broker,
            region=w.region,
            school_year=w.year,
            submission_deadline=None,
            peak_share=5,
        )
    assert not PlanningYear.objects.exists()
    year = services.planning_year_update(
        actor=w.broker,
        region=w.region,
        school_year=w.year,
        submission_deadline=datetime.date(w.year, 10, 1),
        peak_share=90,
    )
    assert year.threshold == 0.9
    services.overview_publish(actor=w.broker, region=w.region, school_year=w.year)
    year.refresh_from_db()
    assert year.published_at and year.published_by == w.broker
    with pytest.raises(ServiceError):
        services.overview_publish(actor=w.organisation, region=w.region, school_year=w.year)
