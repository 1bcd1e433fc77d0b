"""Periodic jobs of the placements app (see ``meedoen.core.scheduler``)."""

import datetime

from meedoen.core.scheduler import Job

from .services import activate_started, send_signing_reminders

JOBS = [
    # Signed placements become active on their start date.
    Job("placements.activate_started", datetime.timedelta(hours=1), activate_started),
    # Each unsigned party is reminded after the school's number of days (claimed per row).
    Job("placements.signing_reminders", datetime.timedelta(hours=6), send_signing_reminders),
]
