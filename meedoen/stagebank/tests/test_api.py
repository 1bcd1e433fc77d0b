"""The offers API: same filters and access as the pages; organisations manage offers."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from meedoen.stagebank.models import Vacancy
from meedoen.stagebank.services import quality_criteria_for

from .helpers import S, make_offer, offer_data, year_date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _skip_mfa(settings):
    settings.DEMO_SKIP_MFA = True


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


LIST = reverse("stagebank_api:vacancy-list")


def detail(pk, action=None):
    name = f"stagebank_api:vacancy-{action}" if action else "stagebank_api:vacancy-detail"
    return reverse(name, kwargs={"pk": pk})


def body(**overrides):
    data = offer_data(**overrides)
    for key in ("start_date", "end_date"):
        data[key] = data[key].isoformat()
    return data


def test_schema_documents_the_offers():
    schema = APIClient().get(reverse("api:schema"), {"format": "json"}).json()
    assert "/api/v1/vacancies/" in schema["paths"]
    assert "/api/v1/vacancies/{id}/publish/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/vacancies/"]["get"]["parameters"]}
    assert {"q", "sector", "km", "sort", "page"} <= params


def test_access_rules(personas):
    w = personas
    published = make_offer(w, S.PUBLISHED)
    draft_x = make_offer(w, S.DRAFT, title="Concept X")
    draft_y = make_offer(w, S.DRAFT, organisation=w.org_y, title="Concept Y")

    def seen(user):
        return {row["id"] for row in api(user).get(LIST).json()["results"]}

    assert seen(w.student_user) == {published.pk}
    assert seen(w.organisation) == {published.pk, draft_x.pk}
    assert seen(w.organisation_y) == {published.pk, draft_y.pk}
    assert seen(w.broker) == {published.pk, draft_x.pk, draft_y.pk}
    assert APIClient().get(LIST).status_code == 403
    # forged ids: another organisation's draft looks exactly like a missing offer
    forbidden = api(w.organisation_y).get(detail(draft_x.pk))
    missing = api(w.organisation_y).get(detail(999999))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert api(w.organisation_y).get("/api/v1/vacancies/abc/").status_code == 404


def test_filters_like_the_page(personas):
    w = personas
    a = make_offer(w, title="Dieren verzorgen", sector="nature", latitude=52.16, longitude=4.49)
    make_offer(w, title="Voetbaltraining", sector="sport", levels=["vwo"], min_age=15)
    client = api(w.coordinator)
    rows = client.get(LIST, {"q": "dieren"}).json()["results"]
    assert [r["id"] for r in rows] == [a.pk]
    assert len(client.get(LIST, {"sector": "sport"}).json()["results"]) == 1
    assert len(client.get(LIST, {"level": "vmbo-t", "age": 14}).json()["results"]) == 1
    near = client.get(LIST, {"near": "school", "km": 5, "sort": "distance"}).json()
    assert [r["id"] for r in near["results"]] == [a.pk] or len(near["results"]) == 2
    assert near["results"][0]["distance_km"] is not None
    bad = client.get(LIST, {"km": -1, "sector": "finance"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"km", "sector"}
    huge = client.get(LIST, {"page": 10**9})
    assert huge.status_code == 200 and len(huge.json()["results"]) == 2
    injection = client.get(LIST, {"q": "'; DROP TABLE stagebank_vacancy; --"})
    assert injection.status_code == 200 and injection.json()["results"] == []
    assert Vacancy.objects.count() == 2


def test_organisation_creates_updates_and_submits(personas):
    w = personas
    client = api(w.organisation)
    created = client.post(LIST, {**body(), "organisation": w.org_x.pk}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    changed = client.patch(detail(pk), {"capacity": 5}, format="json")
    assert changed.status_code == 200 and changed.json()["capacity"] == 5
    invalid = client.patch(
        detail(pk),
        {"end_date": year_date(8, 2).isoformat(), "start_date": year_date(9, 1).isoformat()},
        format="json",
    )
    assert invalid.status_code == 400 and "end_date" in invalid.json()
    submitted = client.post(detail(pk, "submit"))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = client.post(detail(pk, "submit"))
    assert again.status_code == 400 and "detail" in again.json()
    # publishing is the broker's
    assert client.post(detail(pk, "publish"), {"checklist": []}, format="json").status_code == 404


def test_organisation_cannot_write_for_another(personas):
    w = personas
    forged = api(w.organisation).post(LIST, {**body(), "organisation": w.org_y.pk}, format="json")
    assert forged.status_code == 400 and "organisation" in forged.json()
    other = make_offer(w, S.DRAFT, organisation=w.org_y)
    assert api(w.organisation).patch(detail(other.pk), {"capacity": 3}).status_code == 404
    student = api(w.student_user).post(LIST, {**body(), "organisation": w.org_x.pk}, format="json")
    assert student.status_code == 400
    assert not Vacancy.objects.exclude(pk=other.pk).exists()


def test_broker_publishes_and_returns(personas):
    w = personas
    client = api(w.broker)
    v = make_offer(w, S.SUBMITTED)
    codes = [c.code for c in quality_criteria_for(w.region)]
    short = client.post(detail(v.pk, "publish"), {"checklist": codes[:1]}, format="json")
    assert short.status_code == 400 and "Tick every" in short.json()["detail"]
    done = client.post(detail(v.pk, "publish"), {"checklist": codes}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "published"
    other = make_offer(w, S.SUBMITTED)
    no_reason = client.post(detail(other.pk, "return"), {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    returned = client.post(detail(other.pk, "return"), {"reason": "Noem de begeleider."})
    assert returned.status_code == 200 and returned.json()["return_reason"]


def test_renew_answers_the_new_offer(personas):
    v = make_offer(personas, S.CLOSED)
    response = api(personas.organisation).post(detail(v.pk, "renew"))
    assert response.status_code == 201
    assert response.json()["status"] == "draft" and response.json()["renewed_from"] == v.pk
