"""Reads of the directory, scoped to what a person may see."""

from django.db.models import Q, QuerySet

from meedoen.core.policy import principal_for

from .models import Municipality, Organisation, Region, School


def regions_of(user) -> set[int]:
    """The regions a person works in, through any of their memberships."""
    p = principal_for(user)
    ids: set[int] = set()
    for m in p.memberships:
        if m.region_id:
            ids.add(m.region_id)
        for scope in (m.school, m.organisation, m.board, m.municipality):
            if scope is not None:
                ids.add(scope.region_id)
    return ids


def regions_visible_to(user) -> QuerySet[Region]:
    p = principal_for(user)
    if p.is_admin:
        return Region.objects.all()
    return Region.objects.filter(pk__in=regions_of(user))


def schools_visible_to(user) -> QuerySet[School]:
    """School names and places are not personal data: every role sees its region's schools."""
    p = principal_for(user)
    if p.is_admin:
        return School.objects.all()
    if not p.roles:
        return School.objects.none()
    return School.objects.filter(region_id__in=regions_of(user))


def schools_managed_by(user) -> QuerySet[School]:
    """Schools whose students this person administers (coordinator, or admin)."""
    p = principal_for(user)
    if p.is_admin:
        return School.objects.all()
    return School.objects.filter(pk__in=p.coordinator_school_ids)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    p = principal_for(user)
    if p.is_admin:
        return Organisation.objects.all()
    if not p.roles:
        return Organisation.objects.none()
    return Organisation.objects.filter(region_id__in=regions_of(user))


def municipalities_visible_to(user) -> QuerySet[Municipality]:
    p = principal_for(user)
    if p.is_admin:
        return Municipality.objects.all()
    if p.broker_region_ids or p.municipality_ids:
        return Municipality.objects.filter(
            Q(region_id__in=p.broker_region_ids) | Q(pk__in=p.municipality_ids)
        )
    return Municipality.objects.none()
