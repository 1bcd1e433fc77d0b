"""Demo data of the hours app: hours on active and completed placements (some waiting
for confirmation, one disputed), reflections, certificates for students who met the
requirement, follow-up invitations, and one student who moved school with their record.

The demo student ("student") gets an active placement at the demo organisation, with
confirmed hours and one entry waiting, so the journey "log hours → the organisation
confirms through the link" can be walked at once.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from meedoen.placements.models import Placement, PlacementStatus

from . import services
from .models import (
    EntryStatus,
    FollowUpOffer,
    FollowUpStatus,
    HourEntry,
    PortfolioFile,
    Reflection,
)

ACTIVITIES = [
    "Koffie schenken en een praatje maken",
    "Helpen bij de activiteitenmiddag",
    "Training van de jeugd begeleiden",
    "Dieren voeren en stallen uitmesten",
    "Voorlezen en spelletjes doen",
    "Opbouwen en opruimen bij een evenement",
]


def _entries_for(rng, placement, *, target_minutes, today, status_for):
    """Entries of about three hours, going back from the end (or today) to the start."""
    last = min(placement.end_date or today, today)
    first = placement.start_date or (last - datetime.timedelta(days=60))
    day, total, out = last, 0, []
    while total < target_minutes and day >= first:
        minutes = rng.choice([120, 150, 180, 180, 240])
        start = datetime.time(rng.choice([9, 10, 13, 14]), rng.choice([0, 30]))
        end = (datetime.datetime.combine(day, start) + datetime.timedelta(minutes=minutes)).time()
        out.append(
            HourEntry(
                placement=placement,
                date=day,
                start_time=start,
                end_time=end,
                minutes=minutes,
                activity=rng.choice(ACTIVITIES),
                status=status_for(len(out)),
                reviewed_at=timezone.now(),
                reviewed_by="demo",
            )
        )
        total += minutes
        day -= datetime.timedelta(days=rng.randint(3, 8))
    return out


def seed(ctx) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    region = ctx.region
    placements = list(
        Placement.objects.filter(
            organisation__region=region,
            status__in=[PlacementStatus.ACTIVE, PlacementStatus.COMPLETED],
            start_date__lte=today - datetime.timedelta(days=10),
        )
        .select_related("student")
        .order_by("pk")
    )
    entries: list[HourEntry] = []
    for placement in placements:
        if placement.status == PlacementStatus.COMPLETED:
            entries += _entries_for(
                rng,
                placement,
                target_minutes=rng.choice([30, 30, 32, 36]) * 60,
                today=today,
                status_for=lambda _i: EntryStatus.CONFIRMED,
            )
        else:
            entries += _entries_for(
                rng,
                placement,
                target_minutes=rng.randint(4, 24) * 60,
                today=today,
                status_for=lambda i: EntryStatus.UNCONFIRMED if i < 2 else EntryStatus.CONFIRMED,
            )
    for entry in entries:
        if entry.status == EntryStatus.UNCONFIRMED:
            entry.reviewed_at, entry.reviewed_by = None, ""
    HourEntry.objects.bulk_create(entries, batch_size=2000)

    # The demo student: an active placement with confirmed hours and one entry waiting.
    student_user = ctx.users.get("student")
    student = getattr(student_user, "student", None) if student_user else None
    if student is not None:
        placement = Placement.objects.create(
            student=student,
            organisation=ctx.organisations[0],
            activity="Helpen bij de activiteitenmiddag",
            status=PlacementStatus.ACTIVE,
            start_date=today - datetime.timedelta(days=35),
            end_date=today + datetime.timedelta(days=45),
        )
        demo_entries = _entries_for(
            rng,
            placement,
            target_minutes=12 * 60,
            today=today - datetime.timedelta(days=1),
            status_for=lambda i: EntryStatus.UNCONFIRMED if i == 0 else EntryStatus.CONFIRMED,
        )
        for entry in demo_entries:
            if entry.status == EntryStatus.UNCONFIRMED:
                entry.reviewed_at, entry.reviewed_by = None, ""
        HourEntry.objects.bulk_create(demo_entries)
        Reflection.objects.create(
            placement=placement,
            what_did_you_do="Ik help op woensdagmiddag bij de activiteiten met de bewoners.",
            what_did_you_learn="Geduld hebben en goed luisteren naar ouderen.",
        )

    completed = [p for p in placements if p.status == PlacementStatus.COMPLETED]
    Reflection.objects.bulk_create(
        [
            Reflection(
                placement=p,
                what_did_you_do=rng.choice(ACTIVITIES) + ".",
                what_did_you_learn=rng.choice(
                    ["Samenwerken.", "Op tijd komen en afspraken nakomen.", "Initiatief nemen."]
                ),
                what_would_you_do_again=rng.choice(["Ja, zeker.", "Misschien, in de zomer."]),
                skills_used=rng.choice(["Communiceren, plannen.", "Luisteren, helpen."]),
            )
            for p in completed[::3]
        ]
    )
    # Certificates for the students of the first two schools who met the requirement.
    for placement in completed:
        if placement.student.school_id in {ctx.schools[0].pk, ctx.schools[1].pk}:
            services.certificate_issue_if_due(student=placement.student)
    FollowUpOffer.objects.bulk_create(
        [
            FollowUpOffer(
                placement=p,
                role=rng.choice(["Vrijwilliger op woensdagmiddag", "Hulptrainer jeugd"]),
                offered_by_label="demo",
                status=rng.choice(list(FollowUpStatus.values)),
                responded_at=timezone.now(),
            )
            for p in completed[::5]
        ]
    )
    # A student of the second school moved to the first, with their whole record.
    admin = ctx.users.get("admin")
    mover = next((p.student for p in completed if p.student.school_id == ctx.schools[1].pk), None)
    if admin is not None and mover is not None:
        services.student_transfer(
            actor=admin, student=mover, to_school=ctx.schools[0], note="Verhuisd (demo)"
        )


def delete(region) -> None:
    """Remove the region's portfolio files from disk; the rows go with their students."""
    for item in PortfolioFile.objects.filter(student__school__region=region):
        item.file.delete(save=False)
    PortfolioFile.objects.filter(student__school__region=region).delete()
    HourEntry.objects.filter(placement__organisation__region=region).delete()
