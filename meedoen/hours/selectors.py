"""Reads of hours, progress, portfolios and certificates, scoped by the access policy.

*Following* a student (``students_followed_by``) is the school side of access: the
coordinator of the student's school, a mentor or broker the school granted the class
or the student, the student themself, the administrator. An organisation is not a
follower: it sees the hours of its own placements, never the portfolio or progress.
"""

from __future__ import annotations

import datetime
import hashlib

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from meedoen.core.policy import principal_for
from meedoen.directory.models import Membership, Role
from meedoen.placements.models import ORGANISATION_VISIBLE_STATES, Placement, PlacementStatus
from meedoen.students.models import AccessGrant, Student

from .models import (
    Certificate,
    ConfirmationLink,
    EntryStatus,
    FollowUpOffer,
    FollowUpStatus,
    HourEntry,
    ImportedRecord,
    PortfolioFile,
)
from .progress import Progress, behind_threshold_share


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def students_followed_by(user) -> QuerySet[Student]:
    """Students whose progress and portfolio the person may see."""
    p = principal_for(user)
    if p.is_admin:
        return Student.objects.all()
    if not p.roles:
        return Student.objects.none()
    grants = AccessGrant.objects.active().filter(grantee=user)
    condition = Q(school_id__in=p.coordinator_school_ids) | Q(user_id=user.pk)
    condition |= Q(school_class__grants__in=grants.filter(school_class__isnull=False))
    condition |= Q(grants__in=grants.filter(student__isnull=False))
    ids = Student.objects.filter(condition).values("pk")
    return Student.objects.filter(pk__in=ids)


def students_managed_by(user) -> QuerySet[Student]:
    """Students whose record the person administers: their school's coordinator, the admin."""
    p = principal_for(user)
    if p.is_admin:
        return Student.objects.all()
    return Student.objects.filter(school_id__in=p.coordinator_school_ids)


def hour_entries_visible_to(user) -> QuerySet[HourEntry]:
    p = principal_for(user)
    if p.is_admin:
        return HourEntry.objects.all()
    if not p.roles:
        return HourEntry.objects.none()
    condition = Q(placement__student__in=students_followed_by(user))
    if p.organisation_ids:
        condition |= Q(
            placement__organisation_id__in=p.organisation_ids,
            placement__status__in=ORGANISATION_VISIBLE_STATES,
        )
    return HourEntry.objects.filter(condition)


def placements_of_student(student: Student) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(student=student)
        .select_related("organisation", "vacancy")
        .order_by("-start_date", "-pk")
    )


def active_placements_for_logging(user) -> QuerySet[Placement]:
    """Active placements the person may log hours on: their own, or their school's."""
    p = principal_for(user)
    qs = Placement.objects.filter(status=PlacementStatus.ACTIVE)
    if p.is_admin:
        return qs
    if not p.roles:
        return qs.none()
    return qs.filter(
        Q(student__user_id=user.pk) | Q(student__school_id__in=p.coordinator_school_ids)
    )


def placements_with_hours_managed_by(user) -> QuerySet[Placement]:
    """Placements whose hours the person may edit or send for confirmation."""
    p = principal_for(user)
    if p.is_admin:
        return Placement.objects.all()
    if not p.roles:
        return Placement.objects.none()
    return Placement.objects.filter(
        Q(student__user_id=user.pk) | Q(student__school_id__in=p.coordinator_school_ids)
    )


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------


def _minutes(status: str):
    rows = (
        HourEntry.objects.filter(placement__student=OuterRef("pk"), status=status)
        .values("placement__student")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _imported_minutes():
    rows = (
        ImportedRecord.objects.filter(student=OuterRef("pk"))
        .values("student")
        .annotate(total=Sum("confirmed_minutes"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_progress(students: QuerySet[Student]) -> QuerySet[Student]:
    """Annotate confirmed (incl. imported), unconfirmed minutes and the requirement."""
    return students.annotate(
        confirmed_minutes=_minutes(EntryStatus.CONFIRMED),
        unconfirmed_minutes=_minutes(EntryStatus.UNCONFIRMED),
        disputed_minutes=_minutes(EntryStatus.DISPUTED),
        imported_minutes=_imported_minutes(),
        required=Coalesce("school_class__cohort__required_hours", "school__required_hours"),
    )


def progress_of(student: Student, *, day: datetime.date | None = None) -> Progress:
    row = with_progress(Student.objects.filter(pk=student.pk)).get()
    return _progress(row, day)


def _progress(row: Student, day: datetime.date | None) -> Progress:
    return Progress(
        required_hours=row.required,
        confirmed_minutes=row.confirmed_minutes,
        unconfirmed_minutes=row.unconfirmed_minutes,
        disputed_minutes=row.disputed_minutes,
        imported_minutes=row.imported_minutes,
        day=day or timezone.localdate(),
    )


def progress_rows(
    students: QuerySet[Student], *, day: datetime.date | None = None, behind_only: bool = False
) -> QuerySet[Student]:
    """Students with progress annotations; ``behind_only`` keeps those behind (see progress)."""
    day = day or timezone.localdate()
    qs = with_progress(students.filter(active=True))
    if behind_only:
        share = behind_threshold_share(day)
        if share <= 0:
            return qs.none()
        ids = [
            row["pk"]
            for row in qs.values("pk", "confirmed_minutes", "imported_minutes", "required")
            if (row["confirmed_minutes"] + row["imported_minutes"]) < row["required"] * 60 * share
        ]
        qs = qs.filter(pk__in=ids)
    qs = qs.select_related("school", "school_class", "school_class__cohort")
    return qs.order_by("school_class__name", "last_name", "first_name", "pk")


def attach_progress(rows, *, day: datetime.date | None = None) -> list:
    out = []
    for row in rows:
        row.progress = _progress(row, day)
        out.append(row)
    return out


# ---------------------------------------------------------------------------
# Links, certificates, portfolio
# ---------------------------------------------------------------------------


def confirmation_link_valid(token: str) -> ConfirmationLink | None:
    """The link for this token if it can still be used; None for any bad link, alike."""
    if not token or len(token) > 100:
        return None
    link = (
        ConfirmationLink.objects.select_related("placement__student", "placement__organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    if not pending_link_entries(link):
        return None
    return link


def pending_link_entries(link: ConfirmationLink) -> list[HourEntry]:
    """The link's entries that are still waiting, unchanged since the link was sent."""
    rows = link.linkentry_set.select_related("entry").order_by("entry__date", "entry__start_time")
    return [
        r.entry
        for r in rows
        if r.entry.status == EntryStatus.UNCONFIRMED and r.entry.version == r.version
    ]


def certificate_by_code(code: str) -> Certificate | None:
    code = (code or "").strip().upper().replace(" ", "")
    if not code or len(code) > 24:
        return None
    return Certificate.objects.filter(code=code, revoked_at__isnull=True).first()


def certificates_of(student: Student) -> QuerySet[Certificate]:
    return Certificate.objects.filter(student=student, revoked_at__isnull=True)


def certificates_visible_to(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(student__in=students_followed_by(user))


def portfolio_files_visible_to(user) -> QuerySet[PortfolioFile]:
    return PortfolioFile.objects.filter(student__in=students_followed_by(user))


def contact_email_for(placement: Placement) -> str:
    """Where the organisation's confirmation links go: the placement's contact if it has
    one, the offer's contact, the organisation's first contact, or its account holders."""
    contact = getattr(placement, "contact", None)
    if contact is not None and getattr(contact, "email", ""):
        return contact.email
    if placement.vacancy_id and placement.vacancy.contact_id and placement.vacancy.contact.email:
        return placement.vacancy.contact.email
    first = placement.organisation.contacts.exclude(email="").order_by("pk").first()
    if first is not None:
        return first.email
    member = (
        Membership.objects.filter(role=Role.ORGANISATION, organisation=placement.organisation)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return member.user.email if member else ""


def follow_up_offers_visible_to(user) -> QuerySet[FollowUpOffer]:
    p = principal_for(user)
    if p.is_admin:
        return FollowUpOffer.objects.all()
    if not p.roles:
        return FollowUpOffer.objects.none()
    return FollowUpOffer.objects.filter(
        Q(placement__student__in=students_followed_by(user))
        | Q(placement__organisation_id__in=p.organisation_ids)
    )


def follow_up_figures(*, region_ids=(), municipality_ids=()) -> dict[str, int]:
    """Counts for the municipality's follow-up figures (no personal data)."""
    qs = FollowUpOffer.objects.filter(
        Q(placement__organisation__region_id__in=list(region_ids))
        | Q(placement__organisation__municipality_id__in=list(municipality_ids))
    )
    return {
        "offered": qs.count(),
        "accepted": qs.filter(status=FollowUpStatus.ACCEPTED).count(),
        "declined": qs.filter(status=FollowUpStatus.DECLINED).count(),
    }


def placement_hours(placement: Placement) -> dict[str, int]:
    rows = placement.hour_entries.values("status").annotate(total=Sum("minutes"))
    totals = {row["status"]: row["total"] for row in rows}
    return {s: totals.get(s, 0) for s in EntryStatus.values}
