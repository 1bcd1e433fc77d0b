"""Region rounds through the pages and the API, with personas including outsiders: the
broker sees figures and no names, each school its own students; enrolling, withdrawing,
adjusting and publishing; forbidden looks like missing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from meedoen.placements.models import Placement, Source
from meedoen.rounds import services
from meedoen.rounds.models import Round, RoundEnrolment
from meedoen.rounds.workflows import RoundStatus
from meedoen.students import services as student_services

pytestmark = pytest.mark.django_db

A_NAMES = ("Jansen", "Bakker", "Ali Test")
B_NAMES = ("Visser", "Bram B")


def login(client, user):
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_broker_creates_a_region_round_others_cannot(world, client):
    today = timezone.localdate()
    data = {
        "name": "Voorjaar regio",
        "window_start": today.isoformat(),
        "window_end": (today + datetime.timedelta(days=90)).isoformat(),
        "levels": ["vmbo-t", "havo"],
        "max_choices": 4,
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=10)).isoformat(),
    }
    login(client, world.broker)
    assert client.get(reverse("rounds:region_create")).status_code == 200
    response = client.post(reverse("rounds:region_create"), data)
    rnd = Round.objects.get(name="Voorjaar regio")
    assert response.status_code == 302 and response.url == reverse("rounds:detail", args=[rnd.pk])
    assert rnd.is_region_round and rnd.levels == ["vmbo-t", "havo"] and rnd.max_choices == 4
    bad = client.post(reverse("rounds:region_create"), {**data, "name": "Fout", "closes_on": ""})
    assert bad.status_code == 200 and not Round.objects.filter(name="Fout").exists()
    for user in (world.coordinator, world.outsider):
        login(client, user)
        assert client.post(reverse("rounds:region_create"), data).status_code == 404
    assert Round.objects.filter(school__isnull=True).count() == 1


def test_broker_sees_figures_not_names(world, make_region_round, client):
    rnd = make_region_round("closed").round
    login(client, world.broker)
    response = client.get(reverse("rounds:detail", args=[rnd.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for name in A_NAMES + B_NAMES:
        assert name not in html
    figures = {row["school"]: row["students"] for row in response.context["figures"]}
    assert figures == {"School A": 5, "School B": 2}
    # With school B's grant for Noor, the broker sees her (and only her).
    student_services.access_grant_create(
        actor=world.coordinator2,
        school=world.school_b,
        grantee=world.broker,
        student=world.student_b,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    html = client.get(reverse("rounds:detail", args=[rnd.pk])).content.decode()
    assert "Visser" in html and "Bram B" not in html and "Bakker" not in html


def test_each_coordinator_sees_their_own_students(world, make_region_round, client):
    rnd = make_region_round("closed").round
    login(client, world.coordinator2)
    response = client.get(reverse("rounds:detail", args=[rnd.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert all(n in html for n in B_NAMES) and not any(n in html for n in A_NAMES)
    assert [e.school_id for e in response.context["enrolments"]] == [world.school_b.pk]
    for user in (world.outsider, world.municipality_user, world.organisation_y):
        login(client, user)
        assert client.get(reverse("rounds:detail", args=[rnd.pk])).status_code == 404


def test_enrol_and_withdraw_through_the_page(world, make_region_round, client):
    rnd = make_region_round("draft").round
    services.round_transition(actor=world.broker, round=rnd, action="open")
    login(client, world.coordinator2)
    page = client.get(reverse("rounds:detail", args=[rnd.pk]))
    assert list(page.context["enrol_form"].fields["period"].queryset) == [world.period_b]
    # School A's period is not coordinator2's: refused, nothing changes.
    client.post(reverse("rounds:enrol", args=[rnd.pk]), {"period": world.period.pk})
    assert not rnd.enrolments.exists()
    client.post(reverse("rounds:enrol", args=[rnd.pk]), {"period": world.period_b.pk})
    enrolment = RoundEnrolment.objects.get(round=rnd)
    assert enrolment.school == world.school_b and enrolment.enrolled_by == world.coordinator2
    assert rnd.participants.count() == 2
    login(client, world.coordinator)
    assert client.post(reverse("rounds:withdraw", args=[enrolment.pk])).status_code == 404
    login(client, world.coordinator2)
    client.post(reverse("rounds:withdraw", args=[enrolment.pk]))
    enrolment.refresh_from_db()
    assert enrolment.withdrawn_at is not None and not rnd.participants.exists()


# Ids as in a fresh database: after another test has used ids, school B's students were
# left without a place by every lottery (on PostgreSQL, whose sequences a rolled-back
# test does not reset). Noted on issue 5 to look into; this test is about the pages.
@pytest.mark.django_db(reset_sequences=True)
def test_review_adjust_odds_and_publish(world, make_region_round, client, monkeypatch):
    from meedoen.rounds.models import RoundRun

    rnd = make_region_round("closed").round
    login(client, world.broker)
    # Four places for seven students: the lottery may give school B none, and then its
    # coordinator has nothing to adjust below. Lotteries 1, 2, ... are drawn in turn until
    # a run places one of school B's students (which lottery does depends on the ids).
    seeds = iter(range(1, 100))
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: next(seeds) % n)
    b_keys = [str(world.student_b.pk), str(world.student_b2.pk)]
    for _ in range(30):
        client.post(reverse("rounds:run", args=[rnd.pk]), {"mode": "da"})
        latest = RoundRun.objects.filter(round=rnd, mode="da").latest("created_at", "pk")
        if any(latest.assignment.get(key) is not None for key in b_keys):
            break
    client.post(reverse("rounds:run", args=[rnd.pk]), {"mode": "optimal"})
    review = client.get(reverse("rounds:review", args=[rnd.pk]))
    assert review.status_code == 200
    html = review.content.decode()
    assert not any(n in html for n in A_NAMES + B_NAMES)
    da_col = review.context["columns"][0][1]
    assert da_col["run"].stats["assigned"] == 4 and da_col["unassigned_hidden"] == 3
    assert {r["school"] for r in da_col["figures"]["schools"]} == {"School A", "School B"}
    assert not review.context["adjustable"]
    run = da_col["run"]
    b_key = str(world.student_b.pk)
    # Coordinator of school A: their rows only; adjusting school B's student is refused.
    login(client, world.coordinator)
    mine = client.get(reverse("rounds:review", args=[rnd.pk]))
    assert {row["entry"].student.school_id for row in mine.context["rows"]} == {world.school_a.pk}
    client.post(reverse("rounds:adjust", args=[run.pk]), {"student": b_key, "vacancy": ""})
    run.refresh_from_db()
    assert not run.adjustments
    odds = client.get(reverse("rounds:odds", args=[rnd.pk]))
    assert {r["entry"].student.school_id for r in odds.context["rows"]} == {world.school_a.pk}
    assert client.post(reverse("rounds:publish", args=[rnd.pk]), {"run": run.pk}).status_code == 404
    # School B's coordinator moves their placed student to none.
    login(client, world.coordinator2)
    placed = next(key for key in b_keys if run.assignment.get(key) is not None)
    client.post(reverse("rounds:adjust", args=[run.pk]), {"student": placed, "vacancy": ""})
    run.refresh_from_db()
    assert run.assignment[placed] is None and run.adjustments[0]["by"] == world.coordinator2.pk
    for user in (world.mentor, world.outsider, world.student_user):
        login(client, user)
        assert client.get(reverse("rounds:review", args=[rnd.pk])).status_code == 404
    login(client, world.broker)
    response = client.post(reverse("rounds:publish", args=[rnd.pk]), {"run": run.pk})
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED
    assert Placement.objects.filter(source=Source.MATCHING).count() == run.stats["assigned"]
    # The student sees their result and why.
    login(client, world.student_user)
    page = client.get(reverse("rounds:detail", args=[rnd.pk]))
    assert page.status_code == 200 and page.context["own_lines"]
    # School B opens its own second round from the region round's page.
    login(client, world.coordinator2)
    page = client.get(reverse("rounds:detail", args=[rnd.pk]))
    assert [en.can_follow_up for en in page.context["enrolments"]] == [True]
    today = timezone.localdate()
    dates = {"opens_on": today.isoformat(), "closes_on": today.isoformat()}
    login(client, world.coordinator)  # another school's period: refused as missing
    follow = reverse("rounds:follow_up", args=[rnd.pk])
    assert client.post(follow, {**dates, "period": world.period_b.pk}).status_code == 404
    login(client, world.coordinator2)
    response = client.post(follow, {**dates, "period": world.period_b.pk})
    second = Round.objects.get(follow_up_of=rnd)
    assert response.url == reverse("rounds:detail", args=[second.pk])
    assert second.school == world.school_b


def test_panels_list_region_rounds(world, make_region_round, client):
    rnd = make_region_round("open").round
    login(client, world.broker)
    assert (
        reverse("rounds:detail", args=[rnd.pk])
        in client.get(reverse("core:dashboard")).content.decode()
    )
    login(client, world.coordinator2)
    assert (
        reverse("rounds:detail", args=[rnd.pk])
        in client.get(reverse("core:dashboard")).content.decode()
    )


def test_api_region_round(world, make_region_round):
    rnd = make_region_round("published").round
    detail = api(world.broker).get(reverse("rounds_api:round-detail", args=[rnd.pk])).json()
    assert detail["region_round"] is True and detail["school"] is None
    results = api(world.broker).get(reverse("rounds_api:round-results", args=[rnd.pk])).json()
    assert results["published"] is True and results["results"] == []
    runs = api(world.broker).get(reverse("rounds_api:round-runs", args=[rnd.pk])).json()["runs"]
    assert runs[0]["assignment"] == {} and runs[0]["figures"]["schools"]
    mine = api(world.coordinator2).get(reverse("rounds_api:round-results", args=[rnd.pk])).json()
    assert {r["student"] for r in mine["results"]} == {world.student_b.pk, world.student_b2.pk}
    runs_b = api(world.coordinator2).get(reverse("rounds_api:round-runs", args=[rnd.pk])).json()
    assert set(runs_b["runs"][0]["assignment"]) == {
        str(world.student_b.pk),
        str(world.student_b2.pk),
    }
    for user in (world.outsider, world.mentor):
        assert api(user).get(reverse("rounds_api:round-runs", args=[rnd.pk])).status_code == 404


def test_api_enrol_and_withdraw(world, make_region_round):
    rnd = make_region_round("draft").round
    services.round_transition(actor=world.broker, round=rnd, action="open")
    client = api(world.coordinator2)
    url = reverse("rounds_api:round-enrol", args=[rnd.pk])
    assert client.post(url, {"period": world.period.pk}, format="json").status_code == 404
    made = client.post(url, {"period": world.period_b.pk}, format="json")
    assert made.status_code == 201 and made.json()["school"] == world.school_b.pk
    again = client.post(url, {"period": world.period_b.pk}, format="json")
    assert again.status_code == 400
    assert (
        api(world.broker).post(url, {"period": world.period_b.pk}, format="json").status_code == 404
    )
    withdraw = reverse("rounds_api:round-withdraw", args=[rnd.pk])
    assert (
        api(world.coordinator)
        .post(withdraw, {"period": world.period_b.pk}, format="json")
        .status_code
        == 404
    )
    gone = client.post(withdraw, {"period": world.period_b.pk}, format="json")
    assert gone.status_code == 200 and gone.json()["withdrawn_at"]
    assert not rnd.participants.exists()


def test_broker_narrows_the_offers_of_a_region_round(world, make_region_round, client):
    rnd = make_region_round("open").round
    url = reverse("rounds:edit", args=[rnd.pk])
    for user in (world.coordinator, world.coordinator2):
        login(client, user)
        assert client.get(url).status_code == 404
    login(client, world.broker)
    assert client.get(url).status_code == 200
    data = {
        "name": rnd.name,
        "max_choices": 2,
        "opens_on": rnd.opens_on.isoformat(),
        "closes_on": rnd.closes_on.isoformat(),
        "offers": [world.care.pk, world.sport.pk],
    }
    assert client.post(url, data).status_code == 302
    rnd.refresh_from_db()
    assert rnd.max_choices == 2
    assert set(rnd.offers.values_list("vacancy_id", flat=True)) == {world.care.pk, world.sport.pk}
    # Closing after the window's end is refused, nothing changes.
    late = (rnd.window_end + datetime.timedelta(days=1)).isoformat()
    assert client.post(url, {**data, "max_choices": 3, "closes_on": late}).status_code == 200
    rnd.refresh_from_db()
    assert rnd.max_choices == 2
