"""Remind every party that has not signed an issued agreement (run daily by cron/worker)."""

from django.core.management.base import BaseCommand

from meedoen.placements.services import send_signing_reminders


class Command(BaseCommand):
    help = "Send a fresh signing link to parties that have not signed within the school's days."

    def handle(self, *args, **options):
        sent = send_signing_reminders()
        if options["verbosity"] > 0:
            self.stdout.write(f"{sent} reminder(s) queued")
