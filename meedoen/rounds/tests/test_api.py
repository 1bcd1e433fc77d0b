"""The rounds API: reading rounds, setting choices (own and for a student), results."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from .factories import entry_of, make_offer

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_student_sets_own_choices(world, make_round):
    rnd = make_round("open").round
    url = reverse("rounds_api:round-choices", args=[rnd.pk])
    client = api(world.student_user)
    response = client.put(url, {"choices": [world.intensive.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["choices"] == [world.intensive.pk]
    assert client.get(url).json()["can_choose"] is True
    assert list(entry_of(rnd, world.student).choices.values_list("vacancy_id", flat=True)) == [
        world.intensive.pk
    ]


@pytest.mark.parametrize("case", ["outside", "too_many", "duplicate", "not_a_list"])
def test_bad_choices_answer_400_and_change_nothing(world, make_round, case):
    rnd = make_round("open").round
    url = reverse("rounds_api:round-choices", args=[rnd.pk])
    client = api(world.coordinator)
    student = world.student_a2.pk
    assert (
        client.put(url, {"student": student, "choices": [world.sport.pk]}, format="json")
    ).status_code == 200
    other = make_offer(world.org_x, title="Elders")
    body = {
        "outside": [other.pk],
        "too_many": [world.care.pk, world.sport.pk, world.intensive.pk, other.pk],
        "duplicate": [world.care.pk, world.care.pk],
        "not_a_list": "abc",
    }[case]
    response = client.put(url, {"student": student, "choices": body}, format="json")
    assert response.status_code == 400
    assert list(entry_of(rnd, world.student_a2).choices.values_list("vacancy_id", flat=True)) == [
        world.sport.pk
    ]


def test_mentor_chooses_for_a_student_of_their_class_only(world, make_round):
    rnd = make_round("open").round
    url = reverse("rounds_api:round-choices", args=[rnd.pk])
    client = api(world.mentor)
    ok = client.put(url, {"student": world.student.pk, "choices": [world.intensive.pk]}, "json")
    assert ok.status_code == 200
    other = client.put(url, {"student": world.student_a2.pk, "choices": [world.care.pk]}, "json")
    assert other.status_code == 404
    assert not entry_of(rnd, world.student_a2).choices.exists()


def test_other_school_and_outsider_see_nothing(world, make_round):
    rnd = make_round("open").round
    for user in (world.coordinator2, world.outsider):
        client = api(user)
        assert client.get(reverse("rounds_api:round-detail", args=[rnd.pk])).status_code == 404
        response = client.put(
            reverse("rounds_api:round-choices", args=[rnd.pk]),
            {"student": world.student.pk, "choices": [world.intensive.pk]},
            format="json",
        )
        assert response.status_code == 404
        ids = [r["id"] for r in client.get(reverse("rounds_api:round-list")).json()["results"]]
        assert rnd.pk not in ids
    assert not entry_of(rnd, world.student).choices.exists()


def test_results_after_publishing(world, make_round):
    rnd = make_round("published").round
    mine = api(world.student_user).get(reverse("rounds_api:round-results", args=[rnd.pk])).json()
    assert mine["published"] is True
    assert [r["student"] for r in mine["results"]] == [world.student.pk]
    assert mine["results"][0]["offer"] == world.intensive.pk
    assert mine["results"][0]["placement"]
    everyone = api(world.coordinator).get(reverse("rounds_api:round-results", args=[rnd.pk]))
    assert len(everyone.json()["results"]) == 5
    runs = api(world.coordinator).get(reverse("rounds_api:round-runs", args=[rnd.pk])).json()
    assert [r["published"] for r in runs["runs"]] == [True]
    assert (
        api(world.student_user).get(reverse("rounds_api:round-runs", args=[rnd.pk])).status_code
        == 404
    )
