"""Who is behind for the time of year: the rule, as plain arithmetic (no database).

A cohort's requirement (30 hours in the Leiden covenant) is due by the end of the
MaS season of the school year. The season runs from 1 September to 1 June (June is
left for the end-of-year report, "eindrapportage"). Half-way through the season a
student is expected to have done half of the hours, and so on (pro rata by days).

A student is *behind* when their confirmed hours (all placements, all years, plus
hours imported from another installation) are below that pro-rata expectation by
more than a grace of 10% of the requirement, and the requirement is not met yet.
The grace keeps students who are one afternoon short off the list early in the year;
before 9 October (10% of the season) nobody is behind.

Only confirmed hours count: hours waiting for the organisation's confirmation do not
make up for being behind (they are shown next to it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

SEASON_START = (9, 1)
SEASON_END = (6, 1)
GRACE_SHARE = 0.10


def school_year_of(day: datetime.date) -> int:
    """The school year as its starting calendar year (a new one starts on 1 August)."""
    return day.year if day.month >= 8 else day.year - 1


def season_share(day: datetime.date) -> float:
    """The share of the MaS season that has passed on ``day`` (0.0 to 1.0)."""
    year = school_year_of(day)
    start = datetime.date(year, *SEASON_START)
    end = datetime.date(year + 1, *SEASON_END)
    share = (day - start).days / (end - start).days
    return min(max(share, 0.0), 1.0)


def behind_threshold_share(day: datetime.date) -> float:
    """Below this share of the requirement a student counts as behind on ``day``."""
    return max(season_share(day) - GRACE_SHARE, 0.0)


def is_behind(*, confirmed_hours: Decimal | float, required_hours: int, day: datetime.date) -> bool:
    if required_hours <= 0 or confirmed_hours >= required_hours:
        return False
    return float(confirmed_hours) < required_hours * behind_threshold_share(day)


@dataclass
class Progress:
    """One student's progress towards the requirement."""

    required_hours: int
    confirmed_minutes: int
    unconfirmed_minutes: int = 0
    disputed_minutes: int = 0
    imported_minutes: int = 0
    day: datetime.date | None = None

    @property
    def confirmed_hours(self) -> Decimal:
        total = self.confirmed_minutes + self.imported_minutes
        return (Decimal(total) / 60).quantize(Decimal("0.1"))

    @property
    def unconfirmed_hours(self) -> Decimal:
        return (Decimal(self.unconfirmed_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def disputed_hours(self) -> Decimal:
        return (Decimal(self.disputed_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def percent(self) -> int:
        if self.required_hours <= 0:
            return 100
        return min(100, int(100 * self.confirmed_hours / self.required_hours))

    @property
    def met(self) -> bool:
        return self.confirmed_hours >= self.required_hours

    @property
    def expected_hours(self) -> Decimal:
        day = self.day or timezone.localdate()
        return Decimal(str(round(self.required_hours * season_share(day), 1)))

    @property
    def behind(self) -> bool:
        day = self.day or timezone.localdate()
        return is_behind(
            confirmed_hours=self.confirmed_hours, required_hours=self.required_hours, day=day
        )
