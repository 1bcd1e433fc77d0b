"""Reads of placements, scoped by the access policy."""

from django.db.models import Q, QuerySet

from meedoen.core.policy import principal_for

from .models import ORGANISATION_VISIBLE_STATES, Placement


def placements_visible_to(user) -> QuerySet[Placement]:
    p = principal_for(user)
    if p.is_admin:
        return Placement.objects.all()
    if not p.roles:
        return Placement.objects.none()
    condition = Q(student__school_id__in=p.coordinator_school_ids)
    condition |= Q(organisation_id__in=p.organisation_ids, status__in=ORGANISATION_VISIBLE_STATES)
    if getattr(user, "pk", None):
        condition |= Q(student__user_id=user.pk)
    return Placement.objects.filter(condition)


def placements_sharing_with(organisation_ids: set[int], student) -> bool | None:
    """None: the organisations have no visible placement of this student.
    True/False: they have one, and whether the school shared support needs on it."""
    rows = list(
        Placement.objects.filter(
            student=student,
            organisation_id__in=organisation_ids,
            status__in=ORGANISATION_VISIBLE_STATES,
        ).values_list("share_support_needs", flat=True)
    )
    if not rows:
        return None
    return any(rows)
