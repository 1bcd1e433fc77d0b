"""Periodic jobs of the hours app (see ``meedoen.core.scheduler``)."""

import datetime

from meedoen.core.scheduler import Job

from .services import hour_reminders_send

# Checked daily; a placement gets a fresh confirmation link at most once a week.
JOBS = [Job("hours.reminders", datetime.timedelta(days=1), hour_reminders_send)]
