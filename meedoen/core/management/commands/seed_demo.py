"""manage.py seed_demo [--seed N]: build (or rebuild) the demo region."""

from django.core.management.base import BaseCommand

from meedoen.core.demo import DEMO_ACCOUNTS, seed_demo


class Command(BaseCommand):
    help = "Create the demo region (Leiden model) with one account per role. Re-runnable."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args, seed: int, **options):
        summary = seed_demo(seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo region ready: {summary.schools} schools, {summary.locations} locations, "
                f"{summary.organisations} organisations, {summary.students} students."
            )
        )
        self.stdout.write("Demo accounts (password for all: meedoen-demo):")
        for username, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {description}")
