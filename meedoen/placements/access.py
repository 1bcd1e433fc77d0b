"""Who someone is to a placement, from the access policy's ``Principal``.

The core policy answers which records a person may see; this module answers in which
capacity (``workflows.STUDENT``, ``COORDINATOR``, ``ORGANISATION``) a person acts on one
placement, so the workflow table can decide what they may change.
"""

from __future__ import annotations

from meedoen.core.policy import principal_for
from meedoen.directory.models import Organisation, School

from . import workflows as wf


def actor_kinds(user, placement) -> set[str]:
    p = principal_for(user)
    if not p.roles:
        return set()
    kinds: set[str] = set()
    if p.is_admin or placement.student.school_id in p.coordinator_school_ids:
        kinds.add(wf.COORDINATOR)
    if p.is_admin or placement.organisation_id in p.organisation_ids:
        kinds.add(wf.ORGANISATION)
    elif placement.organisation.region_id in p.broker_region_ids:
        # The broker may act for an organisation (as in the placement bank).
        kinds.add(wf.ORGANISATION)
    if placement.student.user_id is not None and placement.student.user_id == user.pk:
        kinds.add(wf.STUDENT)
    return kinds


def manages_school(user, school: School) -> bool:
    p = principal_for(user)
    return p.is_admin or school.pk in p.coordinator_school_ids


def may_place_by_hand(user, student) -> bool:
    """Coordinators place their school's students; the broker those shared with them."""
    from meedoen.students.selectors import students_visible_to

    p = principal_for(user)
    if manages_school(user, student.school):
        return True
    if p.broker_region_ids and student.school.region_id in p.broker_region_ids:
        return students_visible_to(user).filter(pk=student.pk).exists()
    return False


def acts_for_organisation(user, organisation: Organisation) -> bool:
    p = principal_for(user)
    return (
        p.is_admin
        or organisation.pk in p.organisation_ids
        or organisation.region_id in p.broker_region_ids
    )
