"""Pages of the matching rounds through the test client, with personas including
outsiders: forbidden looks like missing, bad input changes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meedoen.core.tests import factories as f
from meedoen.directory.models import Role
from meedoen.placements.models import Placement, Source
from meedoen.rounds.models import Round, RoundRun
from meedoen.rounds.workflows import RoundStatus
from meedoen.students import services as student_services

from .factories import entry_of, make_offer

pytestmark = pytest.mark.django_db


def account_for(student):
    """A student account (membership of the school) for a student of the world."""
    user = f.UserFactory(username=f"leerling{student.pk}")
    f.MembershipFactory(user=user, role=Role.STUDENT, school=student.school)
    student.user = user
    student.save()
    return user


def login(client, user):
    client.force_login(user)
    return client


def test_coordinator_creates_a_round(world, client):
    login(client, world.coordinator)
    today = timezone.localdate()
    response = client.post(
        reverse("rounds:create"),
        {
            "period": world.period.pk,
            "name": "Kerstronde",
            "max_choices": 4,
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=5)).isoformat(),
        },
    )
    rnd = Round.objects.get(name="Kerstronde")
    assert response.status_code == 302 and response.url == reverse("rounds:detail", args=[rnd.pk])
    assert rnd.max_choices == 4 and rnd.participants.count() == 5


def test_create_with_bad_dates_changes_nothing(world, client):
    login(client, world.coordinator)
    today = timezone.localdate()
    before = Round.objects.count()
    response = client.post(
        reverse("rounds:create"),
        {
            "period": world.period.pk,
            "max_choices": 5,
            "opens_on": today.isoformat(),
            "closes_on": (world.period.end_date + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Round.objects.count() == before


def test_other_school_cannot_use_our_period(world, client):
    login(client, world.coordinator2)
    today = timezone.localdate()
    before = Round.objects.count()
    response = client.post(
        reverse("rounds:create"),
        {
            "period": world.period.pk,
            "max_choices": 5,
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Round.objects.count() == before


@pytest.mark.parametrize(
    "persona", ["coordinator2", "outsider", "organisation", "municipality_user"]
)
def test_forbidden_round_looks_missing(world, make_round, client, persona):
    rnd = make_round("open").round
    login(client, getattr(world, persona))
    for name, kwargs in [
        ("rounds:detail", {"pk": rnd.pk}),
        ("rounds:choose", {"pk": rnd.pk, "student_pk": world.student.pk}),
        ("rounds:review", {"pk": rnd.pk}),
    ]:
        forbidden = client.get(reverse(name, kwargs=kwargs))
        missing = client.get(reverse(name, kwargs={**kwargs, "pk": 999999}))
        assert forbidden.status_code == missing.status_code == 404


def test_draft_round_is_hidden_from_students(world, make_round, client):
    rnd = make_round("draft").round
    login(client, world.student_user)
    assert client.get(reverse("rounds:detail", args=[rnd.pk])).status_code == 404


def test_student_ranks_with_plain_forms(world, make_round, client):
    rnd = make_round("open").round
    entry = entry_of(rnd, world.student_a2)
    login(client, account_for(world.student_a2))
    url = reverse("rounds:choose", args=[rnd.pk, world.student_a2.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["is_self"]
    for vacancy in (world.care, world.sport):
        assert client.post(url, {"action": "add", "vacancy": vacancy.pk}).status_code == 302
    client.post(url, {"action": "up", "vacancy": world.sport.pk})
    assert list(entry.choices.values_list("vacancy_id", flat=True)) == [
        world.sport.pk,
        world.care.pk,
    ]
    # Bad input: an offer outside the round, a duplicate; nothing changes.
    other = make_offer(world.org_x, title="Buiten de ronde")
    response = client.post(url, {"action": "add", "vacancy": other.pk}, follow=True)
    assert list(response.context["messages"])
    client.post(url, {"action": "add", "vacancy": world.sport.pk})
    client.post(url, {"action": "bogus", "vacancy": world.sport.pk})
    assert list(entry.choices.values_list("vacancy_id", flat=True)) == [
        world.sport.pk,
        world.care.pk,
    ]


def test_mentor_sees_who_has_not_chosen_and_chooses_with_them(world, make_round, client):
    rnd = make_round("open").round
    login(client, world.mentor)
    dashboard = client.get(reverse("core:dashboard"))
    assert dashboard.status_code == 200
    panel = next(p for t, p in dashboard.context["panels"] if t == "rounds/panel_mentor.html")
    waiting = {e.student_id for e in panel["waiting"]}
    assert world.student.pk in waiting and world.student_a2.pk not in waiting  # A2: not granted
    url = reverse("rounds:choose", args=[rnd.pk, world.student.pk])
    client.post(url, {"action": "add", "vacancy": world.intensive.pk})
    assert entry_of(rnd, world.student).choices.count() == 1
    # A student of a class not granted to the mentor: 404.
    other = reverse("rounds:choose", args=[rnd.pk, world.student_a2.pk])
    assert client.get(other).status_code == 404


def test_run_compare_adjust_publish_and_the_students_result(world, make_round, client):
    rnd = make_round("closed").round
    login(client, world.coordinator)
    for mode in ("da", "optimal"):
        assert client.post(reverse("rounds:run", args=[rnd.pk]), {"mode": mode}).status_code == 302
    assert RoundRun.objects.filter(round=rnd).count() == 2
    review = client.get(reverse("rounds:review", args=[rnd.pk]))
    assert review.status_code == 200
    columns = review.context["columns"]
    assert all(col is not None for _label, col in columns)
    assert len(review.context["rows"]) == 5
    odds = client.get(reverse("rounds:odds", args=[rnd.pk]))
    assert odds.status_code == 200 and len(odds.context["rows"]) == 5
    da = RoundRun.objects.get(round=rnd, mode="da")
    before = dict(da.assignment)
    # Hand adjustment over capacity: refused, nothing changed.
    response = client.post(
        reverse("rounds:adjust", args=[da.pk]),
        {"student": world.student_a2.pk, "vacancy": world.intensive.pk},
        follow=True,
    )
    assert list(response.context["messages"])
    da.refresh_from_db()
    assert da.assignment == before
    response = client.post(reverse("rounds:publish", args=[rnd.pk]), {"run": da.pk})
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED
    assert Placement.objects.filter(source=Source.MATCHING).count() == 4
    # The student sees the result and why.
    client.force_login(world.student_user)
    page = client.get(reverse("rounds:detail", args=[rnd.pk]))
    assert page.status_code == 200
    assert page.context["own"].result_vacancy == world.intensive
    assert page.context["own_lines"]
    # Someone without a place gets the next steps, with the self-found proposal page.
    unplaced = next(k for k, v in da.assignment.items() if v is None)
    student = world.extra[0].__class__.objects.get(pk=int(unplaced))
    client.force_login(account_for(student))
    page = client.get(reverse("rounds:detail", args=[rnd.pk]))
    assert reverse("placements:propose") in page.content.decode()
    # Publishing twice or editing afterwards is refused.
    client.force_login(world.coordinator)
    response = client.post(reverse("rounds:publish", args=[rnd.pk]), {"run": da.pk})
    assert Placement.objects.filter(source=Source.MATCHING).count() == 4
    assert client.get(reverse("rounds:edit", args=[rnd.pk])).status_code == 302


def test_student_panel_while_open(world, make_round, client):
    make_round("open")
    login(client, world.student_user)
    dashboard = client.get(reverse("core:dashboard"))
    templates = [t for t, _p in dashboard.context["panels"]]
    assert "rounds/panel_student.html" in templates


def test_list_and_detail_query_counts_are_bounded(
    world, make_round, client, django_assert_max_num_queries
):
    rnd = make_round("open").round
    login(client, world.coordinator)
    client.get(reverse("rounds:list"))  # warm the session
    with django_assert_max_num_queries(20):
        assert client.get(reverse("rounds:list")).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(reverse("rounds:detail", args=[rnd.pk])).status_code == 200


def test_mediation_through_the_pages(world, make_round, client):
    rnd = make_round("open").round
    login(client, world.coordinator)
    route = reverse("rounds:mediation_route", args=[rnd.pk, world.student.pk])
    assert client.post(route, {"routed": "1"}).status_code == 302
    entry = entry_of(rnd, world.student)
    assert entry.mediation == "routed"
    page = reverse("rounds:mediate", args=[rnd.pk, world.student.pk])
    # The broker without the school's grant: not found.
    client.force_login(world.broker)
    assert client.get(page).status_code == 404
    student_services.access_grant_create(
        actor=world.coordinator,
        school=world.school_a,
        grantee=world.broker,
        student=world.student,
        expires_at=timezone.now() + datetime.timedelta(days=10),
    )
    response = client.get(page)
    assert response.status_code == 200
    assert [v.pk for v in response.context["offers"]] == [world.intensive.pk]
    # An offer without the needed guidance: refused, nothing changed.
    client.post(page, {"vacancy": world.care.pk})
    entry.refresh_from_db()
    assert entry.mediation_placement is None
    assert client.post(page, {"vacancy": world.intensive.pk}).status_code == 302
    entry.refresh_from_db()
    assert entry.mediation_placement.vacancy == world.intensive


def test_after_publishing_unplaced_students_get_a_second_round_or_mediation(
    world, make_round, client
):
    rnd = make_round("published").round
    unplaced = rnd.participants.filter(result_placement__isnull=True).first()
    login(client, world.coordinator)
    # Mediation for a student without a place, whatever their guidance need.
    client.post(reverse("rounds:mediation_route", args=[rnd.pk, unplaced.student_id]))
    unplaced.refresh_from_db()
    assert unplaced.mediation == "routed"
    today = timezone.localdate()
    response = client.post(
        reverse("rounds:follow_up", args=[rnd.pk]),
        {"opens_on": today.isoformat(), "closes_on": today.isoformat()},
    )
    second = Round.objects.get(follow_up_of=rnd)
    assert response.url == reverse("rounds:detail", args=[second.pk])
    placed = set(
        rnd.participants.exclude(result_placement=None).values_list("student_id", flat=True)
    )
    assert set(second.participants.values_list("student_id", flat=True)) == (
        set(rnd.participants.values_list("student_id", flat=True)) - placed
    )
