"""Dashboard panels of the hours app: progress for the student, mentor and coordinator,
follow-up invitations for the organisation, follow-up figures for municipality and broker."""

from django.db.models import Count, Q
from django.utils import timezone

from meedoen.directory.models import Role
from meedoen.placements.models import Placement, PlacementStatus

from . import selectors
from .models import EntryStatus, FollowUpOffer, FollowUpStatus, HourEntry


def panels(user, principal) -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = []
    roles = principal.roles
    if Role.STUDENT in roles:
        student = selectors.students_followed_by(user).filter(user=user).first()
        if student is not None:
            out.append(
                (
                    "hours/panel_student.html",
                    {
                        "student": student,
                        "progress": selectors.progress_of(student),
                        "can_log": selectors.active_placements_for_logging(user)
                        .filter(student=student)
                        .exists(),
                        "offers": FollowUpOffer.objects.filter(
                            placement__student=student, status=FollowUpStatus.OFFERED
                        ).select_related("placement__organisation"),
                    },
                )
            )
    if principal.coordinator_school_ids:
        students = selectors.students_managed_by(user).filter(
            school_id__in=principal.coordinator_school_ids
        )
        rows = list(selectors.progress_rows(students))
        selectors.attach_progress(rows, day=timezone.localdate())
        entries = HourEntry.objects.filter(placement__student__in=students)
        out.append(
            (
                "hours/panel_coordinator.html",
                {
                    "total": len(rows),
                    "behind": sum(1 for r in rows if r.progress.behind),
                    "met": sum(1 for r in rows if r.progress.met),
                    "waiting": entries.filter(status=EntryStatus.UNCONFIRMED).count(),
                    "disputed": entries.filter(status=EntryStatus.DISPUTED).count(),
                },
            )
        )
    if Role.MENTOR in roles and not principal.coordinator_school_ids:
        students = selectors.students_followed_by(user).exclude(user_id=user.pk)
        rows = list(selectors.progress_rows(students)[:300])
        selectors.attach_progress(rows)
        out.append(("hours/panel_mentor.html", {"rows": rows}))
    if principal.organisation_ids:
        placements = (
            Placement.objects.filter(
                organisation_id__in=principal.organisation_ids,
                status__in=[PlacementStatus.ACTIVE, PlacementStatus.COMPLETED],
            )
            .select_related("student", "organisation")
            .annotate(
                waiting=Count(
                    "hour_entries", filter=Q(hour_entries__status=EntryStatus.UNCONFIRMED)
                ),
                offers=Count("follow_up_offers"),
            )
            .order_by("-status", "student__last_name")[:100]
        )
        out.append(("hours/panel_organisation.html", {"placements": placements}))
    if principal.municipality_ids or principal.broker_region_ids:
        out.append(
            (
                "hours/panel_follow_up.html",
                {
                    "figures": selectors.follow_up_figures(
                        region_ids=principal.broker_region_ids,
                        municipality_ids=principal.municipality_ids,
                    )
                },
            )
        )
    return out
