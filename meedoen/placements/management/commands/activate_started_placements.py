"""Activate signed placements whose start date has come (run daily by cron/worker)."""

from django.core.management.base import BaseCommand

from meedoen.placements.services import activate_started


class Command(BaseCommand):
    help = "Make signed placements active on their start date."

    def handle(self, *args, **options):
        count = activate_started()
        if options["verbosity"] > 0:
            self.stdout.write(f"{count} placement(s) activated")
