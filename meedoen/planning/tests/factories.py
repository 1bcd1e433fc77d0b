"""Test helpers of the period planning: periods through the services, offers by plain ORM."""

import datetime

from meedoen.planning import services
from meedoen.planning.workflows import PeriodStatus
from meedoen.stagebank.models import Vacancy
from meedoen.stagebank.workflows import VacancyStatus


def week_of(year: int, iso_week: int, weekday: int = 1) -> datetime.date:
    """A day of an ISO week of the school year that starts in ``year``."""
    return datetime.date.fromisocalendar(year if iso_week >= 31 else year + 1, iso_week, weekday)


def make_period(
    *,
    actor,
    cohort,
    status: str = PeriodStatus.DRAFT,
    broker=None,
    week: int = 50,
    days: int = 5,
    classes=(),
    **values,
):
    """A period of ``cohort`` created (and moved on) through the services."""
    start = values.pop("start_date", None) or week_of(cohort.school_year, week)
    end = values.pop("end_date", None) or start + datetime.timedelta(days=days - 1)
    values.setdefault("format", "block")
    values.setdefault("students", 25)
    values.setdefault("hours_per_student", 30)
    period = services.period_create(
        actor=actor,
        school=cohort.school,
        cohort=cohort,
        classes=list(classes),
        start_date=start,
        end_date=end,
        **values,
    )
    if status in (PeriodStatus.SUBMITTED, PeriodStatus.CONFIRMED):
        period = services.period_transition(
            actor=actor, period=period, to_status=PeriodStatus.SUBMITTED
        )
    if status == PeriodStatus.CONFIRMED:
        period = services.period_transition(
            actor=broker, period=period, to_status=PeriodStatus.CONFIRMED
        )
    return period


def make_offer(*, organisation, school_year: int, capacity: int = 10, **values) -> Vacancy:
    """A published placement offer for the whole school year (plain ORM: supply input)."""
    values.setdefault("start_date", datetime.date(school_year, 8, 15))
    values.setdefault("end_date", datetime.date(school_year + 1, 7, 10))
    values.setdefault("sector", "care")
    values.setdefault("status", VacancyStatus.PUBLISHED)
    return Vacancy.objects.create(
        organisation=organisation,
        school_year=school_year,
        title="Helpen in de huiskamer",
        description="Activiteiten met bewoners",
        kind="individual",
        capacity=capacity,
        **values,
    )
