"""Region rounds choose their students by year of study too (the cohorts' ``year_of_study``):
enrolling a period of another year is refused, the choice is shown and served by the API,
bad years are refused with the student import's Dutch message and change nothing, and a
published round cannot be changed. Personas include an outsider and another school."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from meedoen.core.errors import ServiceError
from meedoen.core.tests import factories as f
from meedoen.rounds import services
from meedoen.rounds.models import Round, RoundStudent
from meedoen.rounds.selectors import enrollable_periods
from meedoen.rounds.tests.factories import block_period

pytestmark = pytest.mark.django_db

YEAR_ERROR = "Het leerjaar moet een getal van 1 tot en met 6 zijn."
PUBLISHED_ERROR = "Deze ronde is gepubliceerd en kan niet meer worden gewijzigd."


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _year_two_period(w):
    """School A's vmbo-t year 2 cohort (two students), in the same week as the year 3 one."""
    cohort = f.CohortFactory(school=w.school_a, year_of_study=2, level="vmbo-t")
    school_class = f.SchoolClassFactory(cohort=cohort, name="2T1")
    w.year_two = [
        f.StudentFactory(school_class=school_class, first_name=name, last_name="Tweede")
        for name in ("Eva", "Finn")
    ]
    return block_period(
        w.coordinator,
        w.school_a,
        cohort,
        w.period.start_date,
        w.period.end_date,
        students=2,
    )


def _region_round(w, *, years, status="open"):
    today = timezone.localdate()
    rnd = services.region_round_create(
        actor=w.broker,
        region=w.region,
        name="Regio leerjaren",
        window_start=today,
        window_end=today + datetime.timedelta(days=60),
        levels=["vmbo-t"],
        years=years,
        max_choices=3,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        seed=5,
    )
    if status == "open":
        services.round_transition(actor=w.broker, round=rnd, action="open")
    return rnd


def _payload(**extra):
    today = timezone.localdate()
    return {
        "name": "Regio met leerjaren",
        "window_start": today.isoformat(),
        "window_end": (today + datetime.timedelta(days=90)).isoformat(),
        "levels": ["vmbo-t"],
        "max_choices": 4,
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=10)).isoformat(),
        **extra,
    }


# ---------------------------------------------------------------------------
# The filter
# ---------------------------------------------------------------------------


def test_years_admit_only_periods_of_those_years(world):
    w = world
    year_two = _year_two_period(w)
    rnd = _region_round(w, years=[2])
    assert list(enrollable_periods(w.coordinator, rnd)) == [year_two]
    with pytest.raises(ServiceError):
        services.round_enrol(actor=w.coordinator, round=rnd, period=w.period)  # year 3
    services.round_enrol(actor=w.coordinator, round=rnd, period=year_two)
    taking_part = set(RoundStudent.objects.filter(round=rnd).values_list("student_id", flat=True))
    assert taking_part == {s.pk for s in w.year_two}
    assert w.student.pk not in taking_part


def test_no_years_admits_every_year(world):
    w = world
    year_two = _year_two_period(w)
    rnd = _region_round(w, years=[])
    assert set(enrollable_periods(w.coordinator, rnd)) == {w.period, year_two}
    services.round_enrol(actor=w.coordinator, round=rnd, period=w.period)
    services.round_enrol(actor=w.coordinator, round=rnd, period=year_two)
    assert RoundStudent.objects.filter(round=rnd).count() == 5 + 2


def test_students_resolved_for_the_round_leave_out_other_years(world):
    """Resolving a period's students for a region round keeps only the round's years: of
    the year 3 period none, of the year 2 period its students (one moved in from year 3)."""
    w = world
    year_two = _year_two_period(w)
    rnd = _region_round(w, years=[2])
    moved = w.extra[0]
    moved.school_class = w.year_two[0].school_class
    moved.save()
    assert {s.pk for s in services._period_students(w.period, rnd)} == set()
    assert {s.pk for s in services._period_students(year_two, rnd)} == {
        *(s.pk for s in w.year_two),
        moved.pk,
    }


def test_page_and_api_show_the_years(world, client):
    w = world
    rnd = _region_round(w, years=[3, 2])
    assert rnd.years == [2, 3]
    client.force_login(w.broker)
    html = client.get(reverse("rounds:detail", args=[rnd.pk])).content.decode()
    assert "leerjaar 2, 3" in html
    data = api(w.broker).get(reverse("rounds_api:round-detail", args=[rnd.pk])).json()
    assert data["years"] == [2, 3]


# ---------------------------------------------------------------------------
# Creating and changing
# ---------------------------------------------------------------------------


def test_broker_creates_a_round_with_years_on_the_page_and_through_the_api(world, client):
    w = world
    client.force_login(w.broker)
    response = client.post(reverse("rounds:region_create"), _payload(years=["3", "2"]))
    assert response.status_code == 302
    assert Round.objects.get(name="Regio met leerjaren").years == [2, 3]
    response = api(w.broker).post(
        reverse("rounds_api:round-list"), _payload(name="Via de API", years=[1]), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["years"] == [1]
    assert Round.objects.get(name="Via de API").years == [1]
    for user in (w.coordinator, w.outsider, w.student_user):
        response = api(user).post(
            reverse("rounds_api:round-list"), _payload(name="Niet van jou"), format="json"
        )
        assert response.status_code == 404
    assert not Round.objects.filter(name="Niet van jou").exists()


@pytest.mark.parametrize("bad", [["0"], ["9"], ["drie"], ["3", "7"]])
def test_bad_years_on_the_page_get_a_dutch_error_and_change_nothing(world, client, bad):
    client.force_login(world.broker)
    response = client.post(reverse("rounds:region_create"), _payload(years=bad))
    assert response.status_code == 200
    assert YEAR_ERROR in response.content.decode()
    assert not Round.objects.filter(school__isnull=True).exists()


@pytest.mark.parametrize("bad", [[0], [9], ["drie"], "3", [True], [2.5]])
def test_bad_years_through_the_api_answer_400_and_change_nothing(world, bad):
    response = api(world.broker).post(
        reverse("rounds_api:round-list"), _payload(years=bad), format="json"
    )
    assert response.status_code == 400
    assert response.json()["years"] == [YEAR_ERROR]
    assert not Round.objects.filter(school__isnull=True).exists()


@pytest.mark.parametrize("bad", [[0], [9], ["3"], "3"])
def test_bad_years_in_the_service_are_refused(world, bad):
    with pytest.raises(ServiceError) as exc:
        _region_round(world, years=bad, status="draft")
    assert exc.value.messages == [YEAR_ERROR]
    assert not Round.objects.filter(school__isnull=True).exists()


def test_owner_changes_the_years_while_no_enrolled_period_falls_outside(world, client):
    w = world
    rnd = _region_round(w, years=[])
    services.round_enrol(actor=w.coordinator, round=rnd, period=w.period)  # year 3
    url = reverse("rounds_api:round-detail", args=[rnd.pk])
    refused = api(w.broker).patch(url, {"years": [2]}, format="json")
    assert refused.status_code == 400
    rnd.refresh_from_db()
    assert rnd.years == []
    assert api(w.broker).patch(url, {"years": [3, 4]}, format="json").json()["years"] == [3, 4]
    # The edit page: a bad year gets the Dutch message and changes nothing.
    client.force_login(w.broker)
    edit = reverse("rounds:edit", args=[rnd.pk])
    form = client.get(edit).context["form"]
    data = {
        "name": rnd.name,
        "max_choices": 3,
        "opens_on": rnd.opens_on.isoformat(),
        "closes_on": rnd.closes_on.isoformat(),
        "offers": form.initial["offers"],
        "years": ["9"],
    }
    response = client.post(edit, data)
    assert response.status_code == 200 and YEAR_ERROR in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.years == [3, 4]
    assert client.post(edit, {**data, "years": ["3"]}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.years == [3]
    # Another school's coordinator and an outsider cannot change it.
    for user in (w.coordinator2, w.outsider):
        assert api(user).patch(url, {"years": [1]}, format="json").status_code == 404
    rnd.refresh_from_db()
    assert rnd.years == [3]


def test_school_round_has_no_years(world, make_round):
    rnd = make_round("open").round
    response = api(world.coordinator).patch(
        reverse("rounds_api:round-detail", args=[rnd.pk]), {"years": [3]}, format="json"
    )
    assert response.status_code == 400
    rnd.refresh_from_db()
    assert rnd.years == []


def test_a_published_round_cannot_be_edited(world, make_region_round, client):
    w = world
    rnd = make_region_round("published").round
    before = (rnd.name, rnd.years, rnd.max_choices, rnd.closes_on)
    response = api(w.broker).patch(
        reverse("rounds_api:round-detail", args=[rnd.pk]),
        {"years": [3], "name": "Anders"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == PUBLISHED_ERROR
    with pytest.raises(ServiceError) as exc:
        services.round_update(
            actor=w.broker,
            round=rnd,
            name="Anders",
            max_choices=rnd.max_choices,
            opens_on=rnd.opens_on,
            closes_on=rnd.closes_on,
            years=[3],
        )
    assert exc.value.messages == [PUBLISHED_ERROR]
    client.force_login(w.broker)
    response = client.post(
        reverse("rounds:edit", args=[rnd.pk]),
        {
            "name": "Anders",
            "max_choices": 3,
            "opens_on": rnd.opens_on.isoformat(),
            "closes_on": rnd.closes_on.isoformat(),
            "years": ["3"],
        },
        follow=True,
    )
    assert "Deze ronde kan niet meer worden gewijzigd." in response.content.decode()
    rnd.refresh_from_db()
    assert (rnd.name, rnd.years, rnd.max_choices, rnd.closes_on) == before
