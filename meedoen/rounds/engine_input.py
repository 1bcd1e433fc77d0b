"""From a round's rows to the engine's instance (``meedoen.matching.engine``) and back.

Only students outside mediation take part in the automatic run. Each offer is given its
*free* capacity (``selectors.capacities``): places already held by placements that
overlap the period - mediated students, earlier rounds, applications through the bank -
are not the engine's to give. A student's age is taken on the first day of the period,
their level from their cohort, their lottery number from their entry.

In a region round each student takes part with their own school's period: their age is
taken on its first day, and offers not available in that period (the round's window is
wider) are left out of their list, as the choosing page already refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from meedoen.matching.engine import GUIDANCE, Instance, Offer, Student, build

from .models import Round, RoundStudent
from .selectors import capacities, choices_by_entry, level_of, round_offers


@dataclass
class RoundInstance:
    instance: Instance
    entries: list[RoundStudent]
    capacities: dict[int, int]
    offers: dict[int, object]  # vacancy id → Vacancy


def _guidance(value: str) -> str:
    return value if value in GUIDANCE else "standard"


def _available(vacancy, period) -> bool:
    return vacancy.start_date <= period.end_date and vacancy.end_date >= period.start_date


def round_instance(round_: Round) -> RoundInstance:
    """The engine instance of the round as it stands now (a handful of queries)."""
    offers = {v.pk: v for v in round_offers(round_)}
    caps = capacities(round_)
    entries = [
        e
        for e in RoundStudent.objects.filter(round=round_)
        .select_related("student__school_class__cohort", "enrolment__period")
        .order_by("student_id")
        if not e.in_mediation
    ]
    chosen = choices_by_entry(entries)
    for e in entries:
        e.round = round_
    instance = build(
        offers=[
            Offer(
                id=v.pk,
                capacity=caps.get(v.pk, 0),
                levels=tuple(v.levels or ()),
                min_age=v.min_age,
                guidance=_guidance(v.guidance_offered),
            )
            for v in offers.values()
        ],
        students=[
            Student(
                id=e.student_id,
                preferences=tuple(
                    c.vacancy_id
                    for c in chosen[e.pk]
                    if c.vacancy_id in offers and _available(offers[c.vacancy_id], e.period)
                ),
                level=level_of(e.student),
                age=e.student.age_on(e.period.start_date),
                guidance=_guidance(e.student.guidance_level),
                lottery=e.lottery,
            )
            for e in entries
        ],
    )
    return RoundInstance(instance=instance, entries=entries, capacities=caps, offers=offers)


ODDS_DRAWS = 1000


def round_odds(round_: Round, draws: int = ODDS_DRAWS) -> tuple[RoundInstance, dict]:
    """How much the lottery decides: the fair-lottery mode re-run over ``draws`` fresh
    lottery draws (seeded by the round, so the page shows the same figures each time).
    Returns the instance and {student id: {"1": p, "2": p, ..., "none": p}}."""
    from meedoen.matching.engine import odds

    data = round_instance(round_)
    if not data.entries:
        return data, {}
    return data, odds(data.instance, draws=draws, seed=round_.seed).probabilities()
