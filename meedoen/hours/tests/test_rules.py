"""The rules of an hour entry, each refusal, and the lock on confirmed entries."""

import pytest

from meedoen.core.errors import ServiceError
from meedoen.core.models import AuditEvent
from meedoen.core.tests import factories as f
from meedoen.hours import services
from meedoen.hours.models import EntryStatus, HourEntry, HourEntryEvent
from meedoen.placements.models import Placement, PlacementStatus

from .fixtures import activate, day, t


def log(w, actor=None, placement=None, **kw):
    args = {"date": day(-1), "activity": "Koffie schenken", "minutes": 120}
    args.update(kw)
    return services.hour_entry_log(
        actor=actor or w.student_user, placement=placement or w.placement, **args
    )


def test_student_logs_hours_with_times(world):
    entry = log(world, minutes=None, start_time=t("13:00"), end_time=t("16:30"))
    assert entry.minutes == 210
    assert entry.status == EntryStatus.UNCONFIRMED
    assert entry.events.get().action == HourEntryEvent.Action.LOGGED


def test_coordinator_may_log_for_a_student(world):
    assert log(world, actor=world.coordinator).logged_by == world.coordinator


@pytest.mark.parametrize("actor", ["coordinator2", "mentor", "organisation", "outsider"])
def test_others_may_not_log(world, actor):
    with pytest.raises(ServiceError):
        log(world, actor=getattr(world, actor))
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # Dates as offsets from today, resolved when the test runs: a date computed at
        # collection is off by one when the suite crosses midnight.
        ({"date": 1}, "future"),
        ({"date": -31}, "before the placement starts"),
        ({"minutes": 13 * 60}, "12 hours"),
        ({"minutes": None}, "duration"),
        ({"minutes": None, "start_time": t("10:00")}, "both a start and an end"),
        ({"minutes": None, "start_time": t("10:00"), "end_time": t("09:00")}, "after the start"),
        ({"activity": "  "}, "activity"),
    ],
)
def test_refusals(world, kwargs, message):
    if "date" in kwargs:
        kwargs = {**kwargs, "date": day(kwargs["date"])}
    with pytest.raises(ServiceError, match=message):
        log(world, **kwargs)
    assert not HourEntry.objects.exists()


def test_after_the_placement_ends_is_refused(world):
    activate(world.placement, start_days=30, end_days=-5)
    with pytest.raises(ServiceError, match="after the placement ends"):
        log(world, date=day(-2))


@pytest.mark.parametrize(
    "status", [PlacementStatus.APPROVED, PlacementStatus.COMPLETED, PlacementStatus.CANCELLED]
)
def test_non_active_placement_is_refused(world, status):
    Placement.objects.filter(pk=world.placement.pk).update(status=status)
    world.placement.refresh_from_db()
    with pytest.raises(ServiceError, match="active placement"):
        log(world)


def test_overlap_is_refused_across_placements(world):
    other = activate(f.PlacementFactory(student=world.student, organisation=world.org_y))
    log(world, minutes=None, start_time=t("10:00"), end_time=t("12:00"))
    with pytest.raises(ServiceError, match="overlap"):
        log(world, placement=other, minutes=None, start_time=t("11:30"), end_time=t("13:00"))
    # Touching is not overlapping.
    log(world, placement=other, minutes=None, start_time=t("12:00"), end_time=t("13:00"))
    assert HourEntry.objects.count() == 2


def test_more_than_twelve_hours_a_day_in_total_is_refused(world):
    log(world, minutes=8 * 60)
    with pytest.raises(ServiceError, match="12 hours"):
        log(world, minutes=5 * 60)
    log(world, minutes=4 * 60)  # exactly twelve is allowed


def test_disputed_hours_do_not_count_for_the_day(world):
    entry = log(world, minutes=10 * 60)
    HourEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.DISPUTED)
    log(world, minutes=10 * 60)


def test_editing_a_confirmed_entry_reopens_it_and_is_recorded(world):
    entry = log(world)
    HourEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.CONFIRMED)
    entry.refresh_from_db()
    edited = services.hour_entry_edit(
        actor=world.student_user, entry=entry, date=entry.date, activity="Anders", minutes=90
    )
    assert edited.status == EntryStatus.UNCONFIRMED
    assert edited.version == 2
    event = edited.events.get(action=HourEntryEvent.Action.REOPENED)
    assert event.before["minutes"] == 120
    assert event.before["status"] == EntryStatus.CONFIRMED
    assert AuditEvent.objects.filter(object_type="hours.hourentry", action="edit").exists()


def test_edit_is_checked_against_the_rules(world):
    first = log(world, minutes=None, start_time=t("09:00"), end_time=t("10:00"))
    log(world, minutes=None, start_time=t("10:00"), end_time=t("11:00"))
    with pytest.raises(ServiceError, match="overlap"):
        services.hour_entry_edit(
            actor=world.student_user,
            entry=first,
            date=first.date,
            activity="x",
            start_time=t("09:00"),
            end_time=t("10:30"),
        )
    first.refresh_from_db()
    assert first.end_time == t("10:00")


def test_unchanged_edit_changes_nothing(world):
    entry = log(world)
    same = services.hour_entry_edit(
        actor=world.student_user, entry=entry, date=entry.date, activity=entry.activity, minutes=120
    )
    assert same.version == 1


def test_confirmed_entries_cannot_be_deleted(world):
    entry = log(world)
    HourEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.CONFIRMED)
    with pytest.raises(ServiceError, match="Confirmed"):
        services.hour_entry_delete(actor=world.student_user, entry=entry)
    unconfirmed = log(world, date=day(-2))
    services.hour_entry_delete(actor=world.student_user, entry=unconfirmed)
    assert HourEntry.objects.count() == 1


def test_group_logging_is_all_or_nothing(world):
    daan = activate(f.PlacementFactory(student=world.student_a2, organisation=world.org_x))
    log(world, minutes=11 * 60, date=day(-3))
    with pytest.raises(ServiceError, match="Sanne Jansen"):
        services.hour_entry_log_for_group(
            actor=world.coordinator,
            placements=[world.placement, daan],
            date=day(-3),
            activity="Opruimen",
            minutes=120,
        )
    assert HourEntry.objects.count() == 1
    entries = services.hour_entry_log_for_group(
        actor=world.coordinator,
        placements=[world.placement, daan],
        date=day(-4),
        activity="Opruimen",
        minutes=120,
    )
    assert len(entries) == 2


def test_group_logging_is_for_the_coordinator_only(world):
    with pytest.raises(ServiceError):
        services.hour_entry_log_for_group(
            actor=world.student_user,
            placements=[world.placement],
            date=day(-1),
            activity="x",
            minutes=60,
        )
    with pytest.raises(ServiceError):
        services.hour_entry_log_for_group(
            actor=world.coordinator2,
            placements=[world.placement],
            date=day(-1),
            activity="x",
            minutes=60,
        )
    assert not HourEntry.objects.exists()
