"""Progress: confirmed hours across placements and years against the requirement; who is
behind for the time of year; reminders; the dashboards of student, mentor, coordinator."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meedoen.core.models import AuditEvent
from meedoen.core.tests import factories as f
from meedoen.hours import progress as rule
from meedoen.hours import selectors, services
from meedoen.hours.models import EntryStatus, HourEntry, ImportedRecord
from meedoen.placements.models import PlacementStatus

from .fixtures import day


def entry(placement, minutes, status, date=None):
    return HourEntry.objects.create(
        placement=placement,
        date=date or day(-1),
        minutes=minutes,
        activity="x",
        status=status,
    )


def test_progress_counts_confirmed_hours_of_all_placements_years_and_imports(world):
    last_year = f.PlacementFactory(
        student=world.student, organisation=world.org_y, status=PlacementStatus.COMPLETED
    )
    entry(last_year, 600, EntryStatus.CONFIRMED, date=day(-400))
    entry(world.placement, 300, EntryStatus.CONFIRMED)
    entry(world.placement, 120, EntryStatus.UNCONFIRMED, date=day(-2))
    entry(world.placement, 60, EntryStatus.DISPUTED, date=day(-3))
    ImportedRecord.objects.create(
        student=world.student,
        payload_sha256="x",
        key_id="k",
        source_school="Elders",
        exported_at=timezone.now(),
        confirmed_minutes=180,
        payload={},
    )
    progress = selectors.progress_of(world.student)
    assert progress.confirmed_hours == 18  # 10 + 5 + 3 imported
    assert progress.unconfirmed_hours == 2
    assert progress.disputed_hours == 1
    assert progress.required_hours == 30
    assert progress.percent == 60
    assert not progress.met


def test_requirement_comes_from_the_cohort(world):
    world.class_a1.cohort.required_hours = 10
    world.class_a1.cohort.save()
    entry(world.placement, 600, EntryStatus.CONFIRMED)
    assert selectors.progress_of(world.student).met


@pytest.mark.parametrize(
    ("day_", "hours", "behind"),
    [
        (datetime.date(2026, 9, 20), 0, False),  # early: grace
        (datetime.date(2027, 1, 15), 5, True),  # about half-way, expected ~14, grace 3
        (datetime.date(2027, 1, 15), 12, False),
        (datetime.date(2027, 6, 20), 26, True),  # after the season: all 30 expected
        (datetime.date(2027, 6, 20), 30, False),  # requirement met
        (datetime.date(2027, 8, 2), 0, False),  # a new school year starts
    ],
)
def test_behind_rule(day_, hours, behind):
    assert rule.is_behind(confirmed_hours=hours, required_hours=30, day=day_) is behind


def test_season_share_runs_from_september_to_june():
    assert rule.season_share(datetime.date(2026, 9, 1)) == 0
    assert rule.season_share(datetime.date(2027, 6, 1)) == 1
    assert 0.45 < rule.season_share(datetime.date(2027, 1, 15)) < 0.5


def test_behind_only_lists_students_behind(world):
    late_in_year = datetime.date(2027, 5, 1)
    for n in (1, 2, 3):
        entry(world.placement, 10 * 60, EntryStatus.CONFIRMED, date=day(-n))
    rows = selectors.progress_rows(
        selectors.students_managed_by(world.coordinator), day=late_in_year, behind_only=True
    )
    assert list(rows) == [world.student_a2]


def test_coordinator_reminds_students_behind(world, client, django_capture_on_commit_callbacks):
    world.student_a2.email = "daan@leerling.example"
    world.student_a2.save()
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("hours:remind"), {"student": [world.student_a2.pk]})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="remind", object_id=str(world.student_a2.pk)).exists()


def test_coordinator_cannot_remind_another_schools_student(world, client):
    client.force_login(world.coordinator2)
    client.post(reverse("hours:remind"), {"student": [world.student.pk]})
    assert not AuditEvent.objects.filter(action="remind").exists()


def test_progress_page_per_role(world, client):
    entry(world.placement, 6 * 60, EntryStatus.CONFIRMED)
    url = reverse("hours:progress")
    for persona, sees in [
        ("coordinator", True),
        ("mentor", True),
        ("coordinator2", False),
        ("organisation", False),
        ("broker", False),
        ("outsider", False),
    ]:
        client.force_login(getattr(world, persona))
        text = client.get(url).content.decode()
        assert ("Sanne Jansen" in text) is sees, persona


def test_dashboards_show_progress(world, client):
    entry(world.placement, 6 * 60, EntryStatus.CONFIRMED)
    client.force_login(world.student_user)
    text = client.get(reverse("core:dashboard")).content.decode()
    assert "6.0" in text or "6,0" in text
    client.force_login(world.mentor)
    text = client.get(reverse("core:dashboard")).content.decode()
    assert "Sanne Jansen" in text
    client.force_login(world.coordinator)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert reverse("hours:progress") in response.content.decode()


def test_progress_follows_confirmation(world):
    e = services.hour_entry_log(
        actor=world.student_user,
        placement=world.placement,
        date=day(-1),
        activity="x",
        minutes=180,
    )
    assert selectors.progress_of(world.student).confirmed_hours == 0
    _link, token = services.confirmation_request(
        actor=world.student_user, placement=world.placement
    )
    services.confirmation_decide(token=token, decisions={e.pk: ("confirm", "")})
    assert selectors.progress_of(world.student).confirmed_hours == 3
