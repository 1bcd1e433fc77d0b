"""The hours API: the student logs, the school reads, refusals answer 400, and forbidden
looks like missing."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from meedoen.hours import services
from meedoen.hours.models import EntryStatus, HourEntry, HourEntryEvent

from .fixtures import day
from .helpers import log_and_confirm


@pytest.fixture
def api():
    return APIClient()


def test_student_logs_hours_through_the_api(world, api):
    api.force_authenticate(world.student_user)
    url = reverse("hours_api:hour-entry-list")
    response = api.post(
        url,
        {
            "placement": world.placement.pk,
            "date": str(day(-1)),
            "start_time": "13:00",
            "end_time": "15:30",
            "activity": "Voorlezen",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["minutes"] == 150
    assert response.json()["status"] == EntryStatus.UNCONFIRMED


def test_refusals_answer_400_with_the_message(world, api):
    api.force_authenticate(world.student_user)
    url = reverse("hours_api:hour-entry-list")
    future = api.post(
        url,
        {"placement": world.placement.pk, "date": str(day(2)), "minutes": 60, "activity": "x"},
        format="json",
    )
    assert future.status_code == 400
    assert "future" in future.json()["detail"]
    assert not HourEntry.objects.exists()


def test_someone_elses_placement_is_unknown(world, api):
    api.force_authenticate(world.coordinator2)
    response = api.post(
        reverse("hours_api:hour-entry-list"),
        {"placement": world.placement.pk, "date": str(day(-1)), "minutes": 60, "activity": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "placement" in response.json()


def test_edit_through_the_api_reopens_confirmed(world, api):
    log_and_confirm(world, hours=2)
    entry = HourEntry.objects.get()
    api.force_authenticate(world.student_user)
    response = api.patch(
        reverse("hours_api:hour-entry-detail", kwargs={"pk": entry.pk}),
        {"minutes": 90},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == EntryStatus.UNCONFIRMED
    assert entry.events.filter(action=HourEntryEvent.Action.REOPENED).exists()
    api.force_authenticate(world.organisation)
    forbidden = api.patch(
        reverse("hours_api:hour-entry-detail", kwargs={"pk": entry.pk}),
        {"minutes": 60},
        format="json",
    )
    assert forbidden.status_code == 404


def test_lists_per_role(world, api):
    services.hour_entry_log(
        actor=world.student_user,
        placement=world.placement,
        date=day(-1),
        activity="x",
        minutes=60,
    )
    url = reverse("hours_api:hour-entry-list")
    for persona, count in [
        ("student_user", 1),
        ("coordinator", 1),
        ("mentor", 1),
        ("organisation", 1),
        ("coordinator2", 0),
        ("organisation_y", 0),
        ("broker", 0),
        ("outsider", 0),
    ]:
        api.force_authenticate(getattr(world, persona))
        assert api.get(url).json()["count"] == count, persona


def test_request_confirmation_and_status(world, api):
    services.hour_entry_log(
        actor=world.student_user,
        placement=world.placement,
        date=day(-1),
        activity="x",
        minutes=60,
    )
    api.force_authenticate(world.student_user)
    response = api.post(
        reverse("hours_api:hour-entry-request-confirmation"),
        {"placement": world.placement.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["state"] == "open"
    links = api.get(reverse("hours_api:confirmation-list")).json()
    assert links["count"] == 1
    api.force_authenticate(world.coordinator2)
    assert api.get(reverse("hours_api:confirmation-list")).json()["count"] == 0
    again = api.post(
        reverse("hours_api:hour-entry-request-confirmation"),
        {"placement": world.placement.pk},
        format="json",
    )
    assert again.status_code == 404


def test_progress_api(world, api):
    log_and_confirm(world, hours=6)
    api.force_authenticate(world.coordinator)
    rows = api.get(reverse("hours_api:progress-list")).json()["results"]
    sanne = next(r for r in rows if r["student"] == world.student.pk)
    assert sanne["confirmed_hours"] == "6.0"
    assert sanne["required_hours"] == 30
    detail = api.get(reverse("hours_api:progress-detail", kwargs={"pk": world.student.pk}))
    assert detail.json()["name"] == "Sanne Jansen"
    api.force_authenticate(world.organisation)
    assert (
        api.get(reverse("hours_api:progress-detail", kwargs={"pk": world.student.pk})).status_code
        == 404
    )


def test_record_export_api(world, api):
    api.force_authenticate(world.coordinator)
    response = api.get(reverse("hours_api:progress-export", kwargs={"pk": world.student.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    api.force_authenticate(world.mentor)
    assert (
        api.get(reverse("hours_api:progress-export", kwargs={"pk": world.student.pk})).status_code
        == 404
    )
