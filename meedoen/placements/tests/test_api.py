"""The placements API: scoped lists, transitions with clear refusals, agreement status."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from meedoen.placements.models import PlacementStatus

from .factories import accepted, applied, issued

pytestmark = pytest.mark.django_db
S = PlacementStatus


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_list_is_scoped(world):
    applied(world)
    names = [
        r["student_name"]
        for r in api(world.organisation_y)
        .get(reverse("placements_api:placement-list"))
        .json()["results"]
    ]
    assert names == []
    rows = api(world.organisation).get(reverse("placements_api:placement-list")).json()["results"]
    assert {r["student_name"] for r in rows} == {"Sanne Jansen"}
    assert "support_needs" not in rows[0] and "date_of_birth" not in rows[0]


def test_transition_and_refusals(world):
    placement = applied(world)
    url = reverse("placements_api:placement-transition", kwargs={"pk": placement.pk})
    response = api(world.coordinator).post(url, {"action": "approve", "not_paid_work": True})
    assert response.status_code == 400 and "accepted" in response.json()["detail"]
    response = api(world.organisation).post(url, {"action": "accept"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == S.ACCEPTED
    assert "approve" not in response.json()["actions"]
    other = api(world.coordinator2).post(url, {"action": "approve", "not_paid_work": True})
    assert other.status_code == 404
    ok = api(world.coordinator).post(url, {"action": "approve", "not_paid_work": True})
    assert ok.status_code == 200 and ok.json()["status"] == S.APPROVED
    assert [e["action"] for e in ok.json()["events"]] == ["apply", "accept", "approve"]
    bad = api(world.coordinator).post(url, {"action": "fly"})
    assert bad.status_code == 400


def test_agreement_status(world, outbox):
    with outbox():
        placement = issued(world)
    body = (
        api(world.coordinator)
        .get(reverse("placements_api:placement-agreement", kwargs={"pk": placement.pk}))
        .json()
    )
    assert body["version"] == 1 and len(body["sha256"]) == 64 and body["complete"] is False
    assert sorted(s["party"] for s in body["signatures"]) == [
        "guardian",
        "organisation",
        "school",
        "student",
    ]
    assert all(s["state"] == "open" for s in body["signatures"])
    assert "token" not in str(body)


def test_capacity_refusal_over_the_api(world):
    from meedoen.core.tests import factories as f
    from meedoen.placements import services

    world.vacancy.capacity = 1
    world.vacancy.save()
    accepted(world)
    other = f.StudentFactory(school_class=world.class_a2)
    placement = services.placement_create(
        by=world.coordinator,
        student=other,
        vacancy=world.vacancy,
        activity="Koffie",
        start_date=world.start,
        end_date=world.end,
    )
    response = api(world.organisation).post(
        reverse("placements_api:placement-transition", kwargs={"pk": placement.pk}),
        {"action": "accept"},
    )
    assert response.status_code == 400 and "full" in response.json()["detail"]
