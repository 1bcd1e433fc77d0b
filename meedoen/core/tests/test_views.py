"""Dashboards per role, language, health check, e-mail queue, demo region."""

import pytest
from django.core import mail
from django.urls import reverse

from meedoen.core.tests.html import without_csrf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _skip_mfa(settings):
    settings.DEMO_SKIP_MFA = True


@pytest.mark.parametrize(
    ("name", "present", "absent"),
    [
        ("coordinator", ["A1", "A2", "School A"], ["B1"]),
        ("coordinator2", ["B1"], ["A1"]),
        ("mentor", ["A1"], ["A2", "B1"]),
        ("organisation", ["Sanne Jansen", "Zorgcentrum X"], ["Bakker", "Visser"]),
        ("organisation_y", ["Sportclub Y"], ["Sanne Jansen"]),
        ("broker", ["School A", "School B", "Zorgcentrum X"], ["Jansen", "Visser"]),
        ("municipality_user", ["Leiden", "School A"], ["Jansen", "Visser"]),
        ("projectlead", ["School A", "School B"], ["Jansen", "Visser"]),
        ("student_user", ["Sanne", "School A", "Zorgcentrum X"], ["Bakker", "Visser"]),
    ],
)
def test_dashboard_shows_own_objects_only(personas, client, name, present, absent):
    client.force_login(getattr(personas, name))
    text = without_csrf(client.get(reverse("core:dashboard")).content)
    for word in present:
        assert word in text, word
    for word in absent:
        assert word not in text, word


def test_dutch_by_default_english_on_request(personas, client):
    client.force_login(personas.coordinator)
    text = client.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="nl">' in text
    assert "Leerlingen" in text
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    text = client.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="en">' in text
    assert "Students" in text


def test_healthz_reports_database(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_mail_is_queued_after_commit_and_sent_by_the_worker():
    """Inside a transaction nothing is queued; after commit a job row exists; the worker
    (a separate command, which closes its connections) sends it."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from meedoen.core.mail import mail_queue

    with transaction.atomic():
        mail_queue(to=["ouder@example.org"], subject="Test", body="Hallo")
        assert DBTaskResult.objects.count() == 0  # nothing inside the transaction
    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("send_email")
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ouder@example.org"]


def test_password_reset_mail_goes_through_the_queue(
    personas, client, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": personas.mentor.email})
    assert DBTaskResult.objects.count() == 1
    assert len(mail.outbox) == 0


def test_seed_demo_is_deterministic_and_rerunnable():
    from meedoen.core.demo import seed_demo
    from meedoen.directory.models import Organisation, School
    from meedoen.students.models import Student

    first = seed_demo(seed=7)
    names = list(
        Student.objects.order_by("student_number").values_list("first_name", flat=True)[:50]
    )
    second = seed_demo(seed=7)
    again = list(
        Student.objects.order_by("student_number").values_list("first_name", flat=True)[:50]
    )
    assert names == again
    assert first.students == second.students
    assert School.objects.count() == 12 and 140 <= Organisation.objects.count() <= 160
    assert second.locations == 20
    assert 3 * 3300 <= second.students <= 3 * 3700


class _BrokenMailBackend:
    """A mail transport that is down (the only thing these tests fake)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db(transaction=True)
def test_failed_mail_is_queued_again_later_then_kept(settings):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from meedoen.core.tasks import send_email

    settings.EMAIL_BACKEND = f"{__name__}._BrokenMailBackend"
    settings.MAIL_ATTEMPTS = 2
    send_email.enqueue(subject="Test", body="Hallo", to=["ouder@example.org"])
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED" and second.status == "READY"
    assert second.args_kwargs["kwargs"]["attempt"] == 2
    assert second.run_after > first.finished_at  # not before the delay
    DBTaskResult.objects.filter(pk=second.pk).update(run_after=first.finished_at)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # The last try failed too: no third job; the rows keep the message.
    assert DBTaskResult.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"FAILED"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=second.pk).update(status="READY")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1


def test_pages_are_dutch_whatever_the_browser_says_until_english_is_chosen(personas, client):
    client.force_login(personas.coordinator)
    url = reverse("core:dashboard")
    text = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nl">' in text
    client.post(reverse("set_language"), {"language": "en", "next": url})
    text = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="en">' in text
    client.post(reverse("set_language"), {"language": "nl", "next": url})
    assert '<html lang="nl">' in client.get(url).content.decode()


def test_the_api_follows_accept_language(personas):
    from rest_framework.test import APIClient

    api = APIClient()
    english = api.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="en")
    dutch = api.get("/api/v1/schema/")
    assert english["Content-Language"] == "en" and dutch["Content-Language"] == "nl"
