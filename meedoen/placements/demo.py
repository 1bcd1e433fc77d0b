"""Demo data of the placements app.

The core demo creates placements in every state (without offers). This adds their
history (so each placement page shows a timeline), and makes sure the demo organisation
has a published individual offer and a group offer, so the whole journey can be walked:
the student applies, the organisation accepts, the coordinator approves and issues the
agreement, and the four parties sign through the links the worker prints (console e-mail).
"""

from __future__ import annotations

import datetime

from meedoen.stagebank.models import Kind, Vacancy
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import current_school_year

from .models import Placement, PlacementEvent, PlacementGroup, PlacementStatus

S = PlacementStatus
DEMO_OFFERS = ["Koffieochtend in het zorgcentrum", "Groepsdag in de tuin"]
# The step that led to each state (after "create"), for the demo's history.
STEP = {
    S.APPROVED: ["approve"],
    S.AGREEMENT_ISSUED: ["approve", "issue"],
    S.SIGNED: ["approve", "issue", "signed"],
    S.ACTIVE: ["approve", "issue", "signed", "activate"],
    S.COMPLETED: ["approve", "issue", "signed", "activate", "complete"],
    S.CANCELLED: ["cancel"],
    S.REJECTED: ["reject"],
}
TARGET = {
    "approve": S.APPROVED,
    "issue": S.AGREEMENT_ISSUED,
    "signed": S.SIGNED,
    "activate": S.ACTIVE,
    "complete": S.COMPLETED,
    "cancel": S.CANCELLED,
    "reject": S.REJECTED,
}
REASONS = {"cancel": "Leerling is verhuisd.", "reject": "Past niet bij de criteria van de school."}


def seed(ctx) -> None:
    _history(ctx)
    _offers(ctx)


def _history(ctx) -> None:
    placements = Placement.objects.filter(organisation__region=ctx.region).only(
        "pk", "status", "created_at", "start_date"
    )
    events = []
    for placement in placements.iterator():
        at = placement.created_at - datetime.timedelta(days=ctx.rng.randint(20, 60))
        events.append(
            PlacementEvent(
                placement_id=placement.pk,
                action="create",
                to_status=S.PROPOSED,
                actor_label="Stagecoördinator",
                at=at,
            )
        )
        previous = S.PROPOSED
        for step in STEP.get(placement.status, []):
            at += datetime.timedelta(days=ctx.rng.randint(1, 6))
            events.append(
                PlacementEvent(
                    placement_id=placement.pk,
                    action=step,
                    from_status=previous,
                    to_status=TARGET[step],
                    actor_label="Meedoen (demo)",
                    reason=REASONS.get(step, ""),
                    at=at,
                )
            )
            previous = TARGET[step]
    PlacementEvent.objects.bulk_create(events, batch_size=2000)


def _offers(ctx) -> None:
    organisation = ctx.organisations[0]
    contact = organisation.contacts.order_by("pk").first()
    year = current_school_year()
    common = {
        "organisation": organisation,
        "school_year": year,
        "sector": (organisation.sectors or ["care"])[0],
        "start_date": datetime.date(year, 9, 1),
        "end_date": datetime.date(year + 1, 6, 30),
        "contact": contact,
        "status": VacancyStatus.PUBLISHED,
        "street": organisation.street,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "latitude": organisation.latitude,
        "longitude": organisation.longitude,
    }
    has_individual = Vacancy.objects.filter(
        organisation=organisation, kind=Kind.INDIVIDUAL, status=VacancyStatus.PUBLISHED
    ).exists()
    if not has_individual:
        Vacancy.objects.create(
            **common,
            title=DEMO_OFFERS[0],
            description="Help op woensdagochtend bij de koffieochtend voor bewoners: koffie "
            "schenken, een spelletje doen en een praatje maken.",
            activities="Koffie en thee schenken, spelletjes begeleiden, bewoners ophalen.",
            kind=Kind.INDIVIDUAL,
            capacity=3,
            min_age=12,
            expected_hours=30,
        )
    has_group = Vacancy.objects.filter(
        organisation=organisation, kind=Kind.GROUP, status=VacancyStatus.PUBLISHED
    ).exists()
    if not has_group:
        Vacancy.objects.create(
            **common,
            title=DEMO_OFFERS[1],
            description="Een dag met de klas de tuin van het zorgcentrum opknappen.",
            activities="Snoeien, wieden, bankjes schilderen.",
            kind=Kind.GROUP,
            capacity=2,
            group_min=4,
            group_max=30,
            min_age=12,
            expected_hours=6,
        )


def delete(region) -> None:
    PlacementGroup.objects.filter(school__region=region).delete()
    Placement.objects.filter(organisation__region=region).delete()
    Placement.objects.filter(student__school__region=region).delete()
    Vacancy.objects.filter(organisation__region=region, title__in=DEMO_OFFERS).delete()
