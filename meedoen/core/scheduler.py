"""Periodic jobs: reminders, daily activation and the like, without cron.

An app lists its periodic jobs in ``schedule.py`` as ``JOBS = [Job(...)]`` (a hook like
``nav.py``, see ``apps_registry``). ``manage.py run_scheduler`` runs the jobs that are due,
once or in a loop. Each job is claimed with a conditional ``UPDATE`` on its row in
``ScheduledJob`` (healthchecks' way), so any number of scheduler processes on any number of
machines run a job once per interval, and a restart neither skips nor repeats one. The jobs
themselves are idempotent (a reminder goes out at most once per its own interval), so a job
that failed halfway is simply run again at its next turn.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .apps_registry import app_modules
from .models import ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: datetime.timedelta
    run: Callable[[], object]


def jobs() -> list[Job]:
    """Every app's periodic jobs, in INSTALLED_APPS order."""
    found: list[Job] = []
    for module in app_modules("schedule", "JOBS"):
        found.extend(module.JOBS)
    return found


def _claim(job: Job, now: datetime.datetime) -> bool:
    ScheduledJob.objects.get_or_create(name=job.name)
    claimed = ScheduledJob.objects.filter(
        Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every),
        name=job.name,
    ).update(last_started_at=now)
    return claimed == 1


def run_due(*, now: datetime.datetime | None = None) -> dict[str, str]:
    """Run each job whose interval has passed; returns {job name: outcome} for those run."""
    now = now or timezone.now()
    outcomes: dict[str, str] = {}
    for job in jobs():
        if not _claim(job, now):
            continue
        try:
            result = job.run()
        except Exception as exc:  # one broken job must not stop the others
            logger.exception("Scheduled job %s failed", job.name)
            outcome = f"failed: {type(exc).__name__}: {exc}"
        else:
            outcome = f"ok: {result}"
        ScheduledJob.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_outcome=outcome[:300]
        )
        outcomes[job.name] = outcome
    return outcomes
