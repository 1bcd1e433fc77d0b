"""Periodic jobs: claimed once per interval, whatever the number of schedulers."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from meedoen.core import scheduler
from meedoen.core.models import ScheduledJob
from meedoen.core.scheduler import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    ran: list[str] = []

    def broken():
        ran.append("broken")
        raise RuntimeError("mail server down")

    test_jobs = [
        Job("test.hourly", datetime.timedelta(hours=1), lambda: ran.append("hourly") or 1),
        Job("test.broken", datetime.timedelta(hours=1), broken),
        Job("test.daily", datetime.timedelta(days=1), lambda: ran.append("daily") or 2),
    ]
    monkeypatch.setattr(scheduler, "jobs", lambda: test_jobs)
    return ran


def test_each_job_runs_once_per_interval(calls):
    now = timezone.now()
    outcomes = scheduler.run_due(now=now)
    assert calls == ["hourly", "broken", "daily"]
    assert outcomes["test.hourly"] == "ok: 1"
    assert outcomes["test.broken"].startswith("failed: RuntimeError")
    # A second scheduler (or a restart) a minute later runs nothing.
    assert scheduler.run_due(now=now + datetime.timedelta(minutes=1)) == {}
    # After an hour the hourly jobs are due again, the daily one is not.
    later = scheduler.run_due(now=now + datetime.timedelta(hours=1, minutes=1))
    assert set(later) == {"test.hourly", "test.broken"}
    row = ScheduledJob.objects.get(name="test.broken")
    assert row.last_outcome.startswith("failed") and row.last_finished_at is not None


def test_the_apps_register_their_reminders():
    names = {job.name for job in scheduler.jobs()}
    assert {
        "hours.reminders",
        "placements.activate_started",
        "placements.signing_reminders",
    } <= names


def test_command_runs_the_real_jobs_once():
    call_command("run_scheduler", verbosity=0)
    first = dict(ScheduledJob.objects.values_list("name", "last_started_at"))
    assert all(first.values()) and "hours.reminders" in first
    call_command("run_scheduler", verbosity=0)
    assert dict(ScheduledJob.objects.values_list("name", "last_started_at")) == first
    assert all(
        o.startswith("ok") for o in ScheduledJob.objects.values_list("last_outcome", flat=True)
    )
