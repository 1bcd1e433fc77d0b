"""Evaluations: the three kinds, the organisation's link, who sees what, the broker's
figures, poor results flagging the offer, and the region's question sets."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from meedoen.core.errors import ServiceError
from meedoen.core.tests import factories as f
from meedoen.evaluations import selectors, services
from meedoen.evaluations.models import (
    AttentionFlag,
    Evaluation,
    EvaluationKind,
    EvaluationLink,
    QuestionSet,
)
from meedoen.hours.models import FollowUpOffer
from meedoen.hours.tests.fixtures import activate
from meedoen.hours.tests.helpers import GOOD, evaluate_all
from meedoen.stagebank.models import Kind, Vacancy

NEUTRAL = "This link cannot be used"
K = EvaluationKind


def submit(w, kind, actor=None, placement=None, answers=None):
    actor = (
        actor
        or {
            K.STUDENT: w.student_user,
            K.ORGANISATION: w.organisation,
            K.SCHOOL: w.coordinator,
        }[kind]
    )
    return services.evaluation_submit(
        actor=actor,
        placement=placement or w.placement,
        kind=kind,
        answers=answers if answers is not None else GOOD[kind],
    )


def test_default_question_set_is_seeded_on_demand(world):
    assert not QuestionSet.objects.exists()
    qs = services.question_set_for(region=world.region, kind=K.ORGANISATION)
    codes = list(qs.questions.values_list("code", flat=True))
    assert codes[:2] == ["attendance", "attitude"]
    assert services.question_set_for(region=world.region, kind=K.ORGANISATION) == qs


def test_student_evaluates_with_scaled_and_open_answers(world):
    evaluation = submit(world, K.STUDENT, answers={**GOOD[K.STUDENT], "remarks": "Leuk!"})
    assert evaluation.average == pytest.approx(4.5)
    assert evaluation.answers.get(question__code="remarks").text == "Leuk!"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"welcome": 4}, "Answer every scaled question"),
        ({**GOOD[K.STUDENT], "welcome": 7}, "1 to 5"),
        ({**GOOD[K.STUDENT], "welcome": "veel"}, "1 to 5"),
    ],
)
def test_bad_answers_are_refused(world, answers, message):
    with pytest.raises(ServiceError, match=message):
        submit(world, K.STUDENT, answers=answers)
    assert not Evaluation.objects.exists()


def test_each_evaluation_once_and_only_by_its_party(world):
    submit(world, K.STUDENT)
    with pytest.raises(ServiceError, match="already"):
        submit(world, K.STUDENT)
    with pytest.raises(ServiceError, match="may not"):
        submit(world, K.SCHOOL, actor=world.coordinator2)
    with pytest.raises(ServiceError, match="may not"):
        submit(world, K.ORGANISATION, actor=world.organisation_y)
    with pytest.raises(ServiceError, match="may not"):
        submit(world, K.STUDENT, actor=world.organisation)


def test_not_before_the_placement_is_active(world):
    from meedoen.placements.models import Placement, PlacementStatus

    Placement.objects.filter(pk=world.placement.pk).update(status=PlacementStatus.APPROVED)
    world.placement.refresh_from_db()
    with pytest.raises(ServiceError, match="active"):
        submit(world, K.STUDENT)


# ---------------------------------------------------------------------------
# The organisation's evaluation by link
# ---------------------------------------------------------------------------


def _link(w):
    return services.evaluation_link_send(actor=w.coordinator, placement=w.placement)


def _answers_post(link_token, **extra):
    qs = QuestionSet.objects.get(kind=K.ORGANISATION, active=True)
    data = {f"q_{q.pk}": GOOD[K.ORGANISATION].get(q.code, "") for q in qs.questions.all()}
    data.update(extra)
    return data


def test_organisation_evaluates_by_link_and_offers_a_follow_up(world, client):
    link, token = _link(world)
    assert link.token_hash != token
    url = reverse("evaluations:link", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200
    assert "Attendance and punctuality" in page.content.decode()
    response = client.post(
        url,
        _answers_post(token, respondent="Olga", follow_up_role="Vrijwilliger op zaterdag"),
    )
    assert response.status_code == 200
    evaluation = Evaluation.objects.get(kind=K.ORGANISATION)
    assert evaluation.via_link and evaluation.respondent == "Olga"
    assert FollowUpOffer.objects.get().role == "Vrijwilliger op zaterdag"
    again = client.post(url, _answers_post(token))
    assert again.status_code == 404
    assert NEUTRAL in again.content.decode()
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize("spoil", ["forged", "expired", "used", "already-evaluated"])
def test_bad_evaluation_links(world, client, spoil):
    link, token = _link(world)
    if spoil == "forged":
        token = token[:-2] + "zz"
    elif spoil == "expired":
        EvaluationLink.objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    elif spoil == "used":
        EvaluationLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
    else:
        submit(world, K.ORGANISATION)
    count = Evaluation.objects.count()
    url = reverse("evaluations:link", kwargs={"token": token})
    services.question_set_for(region=world.region, kind=K.ORGANISATION)
    for response in (client.get(url), client.post(url, _answers_post(token))):
        assert response.status_code == 404
        assert NEUTRAL in response.content.decode()
        assert "Sanne" not in response.content.decode()
    assert Evaluation.objects.count() == count


def test_only_the_coordinator_sends_the_link(world):
    with pytest.raises(ServiceError):
        services.evaluation_link_send(actor=world.coordinator2, placement=world.placement)


# ---------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------


def test_organisation_never_sees_the_students_evaluation_by_name(world, client):
    submit(world, K.STUDENT, answers={**GOOD[K.STUDENT], "remarks": "Geheime opmerking"})
    submit(world, K.SCHOOL)
    client.force_login(world.organisation)
    page = client.get(reverse("evaluations:placement", kwargs={"pk": world.placement.pk}))
    assert page.status_code == 200
    assert "Geheime opmerking" not in page.content.decode()
    assert "I felt welcome" not in page.content.decode()
    # It does see the school's evaluation of the cooperation.
    assert "availability and communication" in page.content.decode()
    api = APIClient()
    api.force_authenticate(world.organisation)
    rows = api.get(reverse("evaluations_api:evaluation-list")).json()["results"]
    kinds = {row["kind"] for row in rows}
    assert kinds == {K.SCHOOL}
    student_eval = Evaluation.objects.get(kind=K.STUDENT)
    assert (
        api.get(
            reverse("evaluations_api:evaluation-detail", kwargs={"pk": student_eval.pk})
        ).status_code
        == 404
    )
    # The feedback page shows nothing until there are enough evaluations to hide who said what.
    feedback = client.get(reverse("evaluations:feedback")).content.decode()
    assert "Geheime opmerking" not in feedback


def test_feedback_shows_anonymous_comments_from_three_evaluations(world, client):
    submit(world, K.STUDENT, answers={**GOOD[K.STUDENT], "remarks": "Opmerking van Sanne"})
    for n in range(2):
        other = activate(f.PlacementFactory(organisation=world.org_x))
        other.student.first_name = f"Ander{n}"
        other.student.save()
        user = f.UserFactory(username=f"leerling{n}")
        other.student.user = user
        other.student.save()
        submit(world, K.STUDENT, actor=user, placement=other, answers=GOOD[K.STUDENT])
    client.force_login(world.organisation)
    text = client.get(reverse("evaluations:feedback")).content.decode()
    assert "Opmerking van Sanne" in text
    for name in ("Sanne Jansen", "Jansen", "Ander0", "Ander1"):
        assert name not in text


def test_student_sees_own_and_organisations_evaluation(world, client):
    evaluate_all(world)
    client.force_login(world.student_user)
    text = client.get(
        reverse("evaluations:placement", kwargs={"pk": world.placement.pk})
    ).content.decode()
    assert "Attendance and punctuality" in text  # the organisation's questions
    assert "availability and communication" not in text  # the school's evaluation


def test_outsiders_see_nothing(world, client):
    evaluate_all(world)
    for persona in ("outsider", "coordinator2", "organisation_y", "broker", "municipality_user"):
        client.force_login(getattr(world, persona))
        response = client.get(reverse("evaluations:placement", kwargs={"pk": world.placement.pk}))
        assert response.status_code == 404, persona
        assert selectors.evaluations_visible_to(getattr(world, persona)).count() == 0


# ---------------------------------------------------------------------------
# The broker: figures over time and flags
# ---------------------------------------------------------------------------


def _vacancy(w):
    today = timezone.localdate()
    return Vacancy.objects.create(
        organisation=w.org_x,
        school_year=2026,
        title="Gastvrouw in het restaurant",
        description="x",
        sector="care",
        kind=Kind.INDIVIDUAL,
        start_date=today,
        end_date=today,
    )


POOR = {
    K.STUDENT: {"welcome": 1, "guidance": 2, "meaningful": 2, "recommend": 1},
    K.SCHOOL: {"contact": 2, "supervision": 2, "agreements": 2},
}


def test_a_poor_result_flags_the_offer(world, client):
    vacancy = _vacancy(world)
    world.placement.vacancy = vacancy
    world.placement.save()
    submit(world, K.STUDENT, answers={**POOR[K.STUDENT], "remarks": "Niemand had tijd"})
    flag = AttentionFlag.objects.get()
    assert flag.vacancy == vacancy
    assert flag.is_open
    submit(world, K.SCHOOL, answers=POOR[K.SCHOOL])
    assert AttentionFlag.objects.count() == 1  # one open flag per offer
    client.force_login(world.broker)
    overview = client.get(reverse("evaluations:overview")).content.decode()
    assert "Zorgcentrum X" in overview
    report = client.get(
        reverse("evaluations:organisation", kwargs={"pk": world.org_x.pk})
    ).content.decode()
    assert "Gastvrouw in het restaurant" in report
    assert "Niemand had tijd" in report
    assert "Sanne" not in report and "Jansen" not in report
    client.post(reverse("evaluations:flag_resolve", kwargs={"pk": flag.pk}), {"resolution": ""})
    flag.refresh_from_db()
    assert flag.is_open
    client.post(
        reverse("evaluations:flag_resolve", kwargs={"pk": flag.pk}),
        {"resolution": "Gesprek gevoerd met de organisatie"},
    )
    flag.refresh_from_db()
    assert not flag.is_open


def test_rolling_average_flags_the_offer(world):
    mediocre = {"welcome": 3, "guidance": 3, "meaningful": 2, "recommend": 3}  # 2.75 each
    for n in range(3):
        placement = (
            world.placement if n == 0 else activate(f.PlacementFactory(organisation=world.org_x))
        )
        user = world.student_user if n == 0 else f.UserFactory(username=f"s{n}")
        if n:
            placement.student.user = user
            placement.student.save()
        submit(world, K.STUDENT, actor=user, placement=placement, answers=mediocre)
        assert AttentionFlag.objects.exists() is (n == 2)


def test_good_results_do_not_flag(world):
    evaluate_all(world)
    assert not AttentionFlag.objects.exists()


def test_broker_pages_are_for_the_broker(world, client):
    for persona in ("coordinator", "organisation", "student_user", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(reverse("evaluations:overview")).status_code == 404
        report = reverse("evaluations:organisation", kwargs={"pk": world.org_x.pk})
        assert client.get(report).status_code == 404


def test_broker_changes_a_question_set(world, client):
    client.force_login(world.broker)
    url = reverse("evaluations:question_set_edit", kwargs={"kind": K.STUDENT})
    response = client.post(
        url,
        {"lines": "Ik leerde iets nieuws\n[open] Wat wil je nog kwijt?", "region": world.region.pk},
    )
    assert response.status_code == 302
    active = QuestionSet.objects.get(region=world.region, kind=K.STUDENT, active=True)
    assert active.version == 2
    assert [q.type for q in active.questions.all()] == ["scale", "text"]
    bad = client.post(url, {"lines": "[open] Alleen open", "region": world.region.pk})
    assert "at least one scale question" in bad.content.decode()
    with pytest.raises(ServiceError):
        services.question_set_replace(
            actor=world.coordinator, region=world.region, kind=K.STUDENT, lines="Vraag"
        )


def test_evaluation_by_account_through_the_page(world, client):
    client.force_login(world.student_user)
    url = reverse("evaluations:fill", kwargs={"pk": world.placement.pk, "kind": K.STUDENT})
    page = client.get(url)
    assert page.status_code == 200
    qs = QuestionSet.objects.get(kind=K.STUDENT, active=True)
    data = {f"q_{q.pk}": GOOD[K.STUDENT].get(q.code, "") for q in qs.questions.all()}
    assert client.post(url, data).status_code == 302
    assert Evaluation.objects.filter(kind=K.STUDENT).exists()
    client.force_login(world.organisation)
    assert client.get(url).status_code == 404


def test_evaluation_api_create(world):
    api = APIClient()
    api.force_authenticate(world.coordinator)
    response = api.post(
        reverse("evaluations_api:evaluation-list"),
        {"placement": world.placement.pk, "kind": "school", "answers": GOOD[K.SCHOOL]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    again = api.post(
        reverse("evaluations_api:evaluation-list"),
        {"placement": world.placement.pk, "kind": "school", "answers": GOOD[K.SCHOOL]},
        format="json",
    )
    assert again.status_code == 400
    assert "already" in again.json()["detail"]
    api.force_authenticate(world.broker)
    rows = api.get(reverse("evaluations_api:organisation-summary-list")).json()["results"]
    assert rows[0]["school"]["n"] == 1
