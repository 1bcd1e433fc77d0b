"""The REST API applies the same selectors and field rules as the pages."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _skip_mfa(settings):
    settings.DEMO_SKIP_MFA = True


def api(user=None, token=False):
    client = APIClient()
    if user is not None and token:
        key = Token.objects.create(user=user).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    elif user is not None:
        client.force_authenticate(user)
    return client


def test_schema_is_openapi():
    response = api().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/api/v1/students/" in response.json()["paths"]


def test_token_authentication_and_scoped_list(personas):
    response = api(personas.coordinator, token=True).get(reverse("api:student-list"))
    assert response.status_code == 200
    names = {row["last_name"] for row in response.json()["results"]}
    assert names == {"Jansen", "Bakker"}


def test_field_rules_follow_the_policy(personas):
    url = reverse("api:student-detail", kwargs={"pk": personas.student.pk})
    full = api(personas.coordinator).get(url).json()
    assert full["support_needs"] and full["guardians"] and full["date_of_birth"]
    org = api(personas.organisation).get(url).json()
    assert set(org) == {"id", "first_name", "name_prefix", "last_name", "school", "school_class"}
    mentor = api(personas.mentor).get(url).json()
    assert "support_needs" not in mentor and "guardians" in mentor


def test_aggregate_roles_get_empty_student_lists(personas):
    for user in (personas.broker, personas.municipality_user, personas.projectlead):
        assert api(user).get(reverse("api:student-list")).json()["results"] == []


def test_revoke_via_api_and_bad_ids(personas):
    client = api(personas.coordinator)
    url = reverse("api:grant-revoke", kwargs={"pk": personas.grant.pk})
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 400 and "detail" in again.json()
    assert client.get("/api/v1/students/abc/").status_code == 404
    assert client.get("/api/v1/students/99999999999999999999/").status_code == 404
    assert api(personas.coordinator2).post(url).status_code == 404
