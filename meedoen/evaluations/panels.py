"""Dashboard panels of the evaluations app."""

from django.db.models import Exists, OuterRef

from meedoen.directory.models import Role
from meedoen.placements.models import Placement, PlacementStatus

from . import selectors
from .models import Evaluation, EvaluationKind

OPEN = [PlacementStatus.ACTIVE, PlacementStatus.COMPLETED]


def _missing(placements, kind):
    done = Evaluation.objects.filter(placement=OuterRef("pk"), kind=kind)
    return placements.filter(status__in=OPEN).exclude(Exists(done))


def panels(user, principal) -> list[tuple[str, dict]]:
    out = []
    if Role.STUDENT in principal.roles:
        todo = _missing(Placement.objects.filter(student__user_id=user.pk), EvaluationKind.STUDENT)
        todo = list(todo.select_related("organisation")[:10])
        if todo:
            out.append(("evaluations/panel_student.html", {"placements": todo}))
    if principal.coordinator_school_ids:
        todo = _missing(
            Placement.objects.filter(student__school_id__in=principal.coordinator_school_ids),
            EvaluationKind.SCHOOL,
        ).select_related("student", "organisation")
        out.append(
            (
                "evaluations/panel_coordinator.html",
                {"count": todo.count(), "placements": list(todo.order_by("-pk")[:10])},
            )
        )
    if principal.broker_region_ids or principal.is_admin:
        flags = selectors.flags_visible_to(user).filter(resolved_at__isnull=True)
        out.append(("evaluations/panel_broker.html", {"open_flags": flags.count()}))
    if principal.organisation_ids:
        todo = _missing(
            Placement.objects.filter(organisation_id__in=principal.organisation_ids),
            EvaluationKind.ORGANISATION,
        ).select_related("student")
        out.append(
            (
                "evaluations/panel_organisation.html",
                {"placements": list(todo.order_by("-pk")[:20])},
            )
        )
    return out
