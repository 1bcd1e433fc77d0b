"""Test helpers: valid offer data, and offers brought to a state through the services."""

from __future__ import annotations

import datetime

from meedoen.stagebank import services
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import current_school_year

S = VacancyStatus


def year_date(month: int, day: int) -> datetime.date:
    """A date in the current school year (August to July)."""
    year = current_school_year()
    return datetime.date(year if month >= 8 else year + 1, month, day)


def offer_data(**overrides) -> dict:
    data = {
        "title": "Koffieochtend met bewoners",
        "description": "Je schenkt koffie en maakt een praatje met de bewoners.",
        "sector": "care",
        "activities": "Koffie schenken, rolstoelen duwen.",
        "kind": "individual",
        "group_min": None,
        "group_max": None,
        "capacity": 2,
        "min_age": 12,
        "levels": ["vmbo-t", "havo"],
        "guidance_offered": "standard",
        "vog_required": True,
        "start_date": year_date(9, 1),
        "end_date": year_date(12, 20),
        "weekdays": [2],
        "day_parts": ["afternoon"],
        "formats": ["ribbon"],
        "expected_hours": 30,
        "contact": None,
        "street": "Rijnkade 3",
        "postcode": "2311 AB",
        "city": "Leiden",
        "latitude": 52.1590,
        "longitude": 4.4870,
    }
    data.update(overrides)
    return data


def make_offer(w, status: str = S.PUBLISHED, organisation=None, actor=None, **overrides):
    """An offer of organisation X (default) brought to ``status`` through the services."""
    organisation = organisation or w.org_x
    actor = actor or w.broker
    vacancy = services.vacancy_create(
        actor=actor, organisation=organisation, data=offer_data(**overrides)
    )
    if status == S.DRAFT:
        return vacancy
    vacancy = services.vacancy_submit(actor=actor, vacancy=vacancy)
    if status == S.SUBMITTED:
        return vacancy
    if status == S.RETURNED:
        return services.vacancy_return(
            actor=w.broker, vacancy=vacancy, reason="Beschrijf de begeleiding."
        )
    codes = [c.code for c in services.quality_criteria_for(organisation.region)]
    vacancy = services.vacancy_publish(actor=w.broker, vacancy=vacancy, checklist=codes)
    if status == S.PUBLISHED:
        return vacancy
    if status == S.PAUSED:
        return services.vacancy_pause(actor=actor, vacancy=vacancy)
    vacancy = services.vacancy_close(actor=actor, vacancy=vacancy)
    if status == S.CLOSED:
        return vacancy
    return services.vacancy_archive(actor=w.broker, vacancy=vacancy)
