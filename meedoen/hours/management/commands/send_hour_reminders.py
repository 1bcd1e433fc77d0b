"""Weekly reminder for hours waiting for the organisation's confirmation.

Run it from cron once a day or once a week: a placement gets a fresh confirmation link
at most once every seven days, so running it more often sends nothing extra.
"""

from django.core.management.base import BaseCommand

from meedoen.hours.services import hour_reminders_send


class Command(BaseCommand):
    help = "Send organisations a fresh link for hours still waiting for confirmation."

    def handle(self, *args, **options):
        sent = hour_reminders_send()
        self.stdout.write(f"Reminders sent for {sent} placements.")
