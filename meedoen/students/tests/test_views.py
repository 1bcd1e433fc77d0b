"""Student pages: who sees which fields, audit of sensitive reads, access grants."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meedoen.core.models import AuditEvent
from meedoen.students.models import AccessGrant

pytestmark = pytest.mark.django_db
SUPPORT = "Dyslexie; heeft extra tijd nodig."


@pytest.fixture(autouse=True)
def _skip_mfa(settings):
    settings.DEMO_SKIP_MFA = True


def detail(client, user, student):
    client.force_login(user)
    return client.get(reverse("students:detail", kwargs={"pk": student.pk}))


def test_coordinator_sees_everything_and_the_read_is_audited(personas, client):
    response = detail(client, personas.coordinator, personas.student)
    text = response.content.decode()
    assert SUPPORT in text and "Petra Jansen" in text and personas.student.student_number in text
    event = AuditEvent.objects.get(object_id=str(personas.student.pk), action="view")
    assert event.actor == personas.coordinator
    assert "support_needs" in event.fields


def test_mentor_sees_class_student_without_support_notes(personas, client):
    text = detail(client, personas.mentor, personas.student).content.decode()
    assert "Sanne Jansen" in text and "Petra Jansen" in text
    assert SUPPORT not in text


def test_organisation_sees_name_only_until_school_shares(personas, client):
    text = detail(client, personas.organisation, personas.student).content.decode()
    assert "Sanne Jansen" in text
    assert SUPPORT not in text
    assert "Petra Jansen" not in text
    assert personas.student.student_number not in text
    assert str(personas.student.date_of_birth.year) not in text
    personas.placement.share_support_needs = True
    personas.placement.save()
    assert SUPPORT in detail(client, personas.organisation, personas.student).content.decode()


def test_student_list_is_scoped(personas, client):
    client.force_login(personas.coordinator)
    text = client.get(reverse("students:list")).content.decode()
    assert "Jansen" in text and "Bakker" in text and "Visser" not in text
    client.force_login(personas.broker)
    text = client.get(reverse("students:list")).content.decode()
    assert "Jansen" not in text and "Visser" not in text


def test_student_list_query_count_does_not_grow(personas, client, django_assert_max_num_queries):
    from meedoen.core.tests.factories import StudentFactory

    client.force_login(personas.coordinator)
    with django_assert_max_num_queries(12):
        client.get(reverse("students:list"))
    StudentFactory.create_batch(30, school_class=personas.class_a1)
    with django_assert_max_num_queries(12):
        client.get(reverse("students:list"))


def test_coordinator_grants_broker_one_student_then_revokes(personas, client):
    client.force_login(personas.coordinator)
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("students:grant_create"),
        {
            "grantee": personas.broker.pk,
            "student_number": personas.student_a2.student_number,
            "expires_on": until,
            "reason": "Bemiddeling",
        },
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get(grantee=personas.broker)
    client.force_login(personas.broker)
    assert detail(client, personas.broker, personas.student_a2).status_code == 200
    client.force_login(personas.coordinator)
    client.post(reverse("students:grant_revoke", kwargs={"pk": grant.pk}))
    assert detail(client, personas.broker, personas.student_a2).status_code == 404


def test_grant_form_rejects_bad_input_and_changes_nothing(personas, client):
    client.force_login(personas.coordinator)
    before = AccessGrant.objects.count()
    cases = [
        {"grantee": personas.broker.pk, "expires_on": "2099-01-01"},  # neither class nor student
        {"grantee": personas.broker.pk, "student_number": "nope", "expires_on": "2099-01-01"},
        {
            "grantee": personas.mentor.pk,
            "school_class": personas.class_a2.pk,
            "expires_on": "2001-01-01",
        },
        {"grantee": personas.outsider.pk, "school_class": personas.class_a2.pk, "expires_on": "x"},
        {
            "grantee": personas.mentor.pk,
            "school_class": personas.class_b1.pk,
            "expires_on": "2099-01-01",
        },
    ]
    for data in cases:
        response = client.post(reverse("students:grant_create"), data)
        assert response.status_code == 200, data
        assert 'class="errorlist' in response.content.decode(), data
    assert AccessGrant.objects.count() == before


def test_class_page_for_mentor(personas, client):
    client.force_login(personas.mentor)
    response = client.get(reverse("students:class", kwargs={"pk": personas.class_a1.pk}))
    assert "Sanne Jansen" in response.content.decode()
    other = client.get(reverse("students:class", kwargs={"pk": personas.class_a2.pk}))
    assert other.status_code == 404
