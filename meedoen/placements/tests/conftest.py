"""Fixtures of the placements tests, on top of the shared ``personas``.

``world`` adds a published offer of organisation X (two places), a contact person for
organisation X with an account, e-mail addresses for the student, and helpers to read the
mail the services queue (the worker sends it, as in production) and the signing links in it.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from meedoen.directory.models import ContactPerson
from meedoen.stagebank.models import Kind, Vacancy
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import Guardian

START = datetime.date(2027, 2, 1)
END = datetime.date(2027, 3, 31)
LINK = re.compile(r"/ondertekenen/([A-Za-z0-9_\-]+)/")
VIEW_LINK = re.compile(r"/ouders/([A-Za-z0-9_\-]+)/")


def make_vacancy(organisation, **extra) -> Vacancy:
    fields = {
        "organisation": organisation,
        "school_year": 2026,
        "title": "Koffieochtend voor ouderen",
        "description": "Helpen bij de wekelijkse koffieochtend.",
        "sector": "care",
        "activities": "Koffie schenken, spelletjes doen, praatje maken.",
        "kind": Kind.INDIVIDUAL,
        "capacity": 2,
        "min_age": 12,
        "levels": [],
        "start_date": datetime.date(2026, 9, 1),
        "end_date": datetime.date(2027, 6, 30),
        "status": VacancyStatus.PUBLISHED,
    }
    fields.update(extra)
    return Vacancy.objects.create(**fields)


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are matched in English here; test_dutch.py checks the Dutch."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(personas, settings):
    settings.DEMO_SKIP_MFA = True
    w = personas
    contact = ContactPerson.objects.create(
        organisation=w.org_x,
        user=w.organisation,
        name="Olga Organisatie",
        email="olga@zorgcentrum.example",
        function="Vrijwilligerscoördinator",
    )
    w.student.email = "sanne@example.org"
    w.student.save()
    w.student_a2.email = "daan@example.org"
    w.student_a2.save()
    Guardian.objects.create(student=w.student_a2, name="Kees Bakker", email="kees@example.org")
    vacancy = make_vacancy(w.org_x, contact=contact)
    return SimpleNamespace(**vars(w), contact=contact, vacancy=vacancy, start=START, end=END)


@pytest.fixture
def outbox(django_capture_on_commit_callbacks):
    """Run the code inside ``with outbox() as sent:``; ``sent`` then holds the sent mail."""

    class Capture:
        def __init__(self):
            self.messages = []

        def __enter__(self):
            self.seen = set(DBTaskResult.objects.values_list("pk", flat=True))
            self._ctx = django_capture_on_commit_callbacks(execute=True)
            self._ctx.__enter__()
            return self

        def __exit__(self, *exc):
            self._ctx.__exit__(*exc)
            if exc[0] is None:
                # Run the queued mail jobs as the worker would. (The db_worker command itself
                # closes the connection inside a test's transaction on PostgreSQL.)
                before = len(mail.outbox)
                jobs = DBTaskResult.objects.exclude(pk__in=self.seen).order_by("enqueued_at")
                for job in jobs:
                    job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
                self.messages = mail.outbox[before:]
            return False

        def links(self, to: str | None = None) -> list[str]:
            return [
                token
                for m in self.messages
                if to is None or to in m.to
                for token in LINK.findall(m.body)
            ]

        def view_links(self, to: str | None = None) -> list[str]:
            return [
                token
                for m in self.messages
                if to is None or to in m.to
                for token in VIEW_LINK.findall(m.body)
            ]

    return Capture
