"""Run the periodic jobs that are due, once (for cron) or in a loop (beside db_worker)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from meedoen.core.scheduler import run_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run due periodic jobs (reminders, daily activation). --loop keeps running."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks")

    def handle(self, *args, **options):
        while True:
            if options["loop"]:
                # A long-running process: drop connections the database has closed meanwhile.
                close_old_connections()
            try:
                outcomes = run_due()
            except DatabaseError:
                if not options["loop"]:
                    raise
                # A busy SQLite file or a lost connection: try again at the next turn.
                logger.exception("The scheduler could not reach the database")
                outcomes = {}
            for name, outcome in outcomes.items():
                if options["verbosity"] > 0:
                    self.stdout.write(f"{name}: {outcome}")
            if not options["loop"]:
                return
            time.sleep(max(1, options["interval"]))
