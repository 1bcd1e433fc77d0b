"""Writes about students and access to them. Each service is one transaction."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meedoen.core.audit import audit_record
from meedoen.core.errors import ServiceError
from meedoen.core.policy import may
from meedoen.directory.models import Membership, Role, School

from .models import AccessGrant, SchoolClass, Student

MAX_GRANT_DAYS = 400


@transaction.atomic
def access_grant_create(
    *,
    actor,
    school: School,
    grantee,
    school_class: SchoolClass | None = None,
    student: Student | None = None,
    expires_at: datetime.datetime,
    include_support_needs: bool = False,
    reason: str = "",
) -> AccessGrant:
    """A coordinator lets a mentor see a class, or the broker one student (mediation)."""
    if not may(actor, "school.manage_access", school):
        raise ServiceError(_("You may not manage access for this school."))
    if (school_class is None) == (student is None):
        raise ServiceError(_("Choose either a class or a student."))
    if school_class is not None and school_class.school_id != school.pk:
        raise ServiceError(_("That class is not of this school."))
    if student is not None and student.school_id != school.pk:
        raise ServiceError(_("That student is not of this school."))
    now = timezone.now()
    if expires_at <= now:
        raise ServiceError(_("The expiry date must be in the future."))
    if expires_at > now + datetime.timedelta(days=MAX_GRANT_DAYS):
        raise ServiceError(_("Access can be granted for at most 400 days."))
    memberships = Membership.objects.filter(user=grantee)
    if school_class is not None:
        if not memberships.filter(role=Role.MENTOR, school=school).exists():
            raise ServiceError(_("A class can only be shared with a mentor of this school."))
    elif (
        not memberships.filter(role__in=[Role.MENTOR, Role.BROKER]).filter(school=school).exists()
        and not memberships.filter(role=Role.BROKER, region=school.region).exists()
    ):
        raise ServiceError(
            _("A student can only be shared with a mentor of this school or the region's broker.")
        )
    grant = AccessGrant.objects.create(
        school=school,
        grantee=grantee,
        school_class=school_class,
        student=student,
        expires_at=expires_at,
        include_support_needs=include_support_needs,
        reason=reason,
        granted_by=actor,
    )
    audit_record(
        actor=actor,
        action="grant",
        obj=student or school_class,
        fields=["support_needs"] if include_support_needs else [],
        note=f"to {grantee.username} until {expires_at:%Y-%m-%d}",
    )
    return grant


@transaction.atomic
def access_grant_revoke(*, actor, grant: AccessGrant) -> AccessGrant:
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if not may(actor, "grant.revoke", grant):
        raise ServiceError(_("You may not revoke this access."))
    if grant.revoked_at is not None:
        raise ServiceError(_("This access was already revoked."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="revoke",
        obj=grant.student or grant.school_class,
        note=f"from {grant.grantee.username}",
    )
    return grant


def student_view_record(*, actor, student: Student, fields: list[str]) -> None:
    """Audit that someone opened a student's sensitive fields."""
    if fields:
        audit_record(actor=actor, action="view", obj=student, fields=fields)
