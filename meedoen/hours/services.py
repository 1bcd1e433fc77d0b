"""Writes of the hours app: hour entries and their confirmation, portfolio, completion,
certificate, follow-up, change of school and the signed record. One transaction each.

The rules an hour entry must meet (``_check_entry``), each refused with its own message:
the placement is active; the date is not in the future and lies within the placement's
dates; a duration or a start and end time is given; the student's entries on one day
(all placements, disputed ones excepted) do not overlap in time and add up to at most
12 hours. Entries with only a duration cannot overlap in time; they count for the 12 hours.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meedoen.core.audit import audit_record
from meedoen.core.errors import ServiceError
from meedoen.core.mail import mail_queue
from meedoen.core.policy import principal_for
from meedoen.directory.models import School
from meedoen.evaluations import selectors as evaluation_selectors
from meedoen.placements.models import Placement, PlacementStatus
from meedoen.students.models import SchoolClass, Student

from . import records
from .models import (
    MAX_MINUTES_PER_DAY,
    Certificate,
    ConfirmationLink,
    EntryStatus,
    FollowUpOffer,
    FollowUpStatus,
    HourEntry,
    HourEntryEvent,
    ImportedRecord,
    LinkEntry,
    PlacementCompletion,
    PortfolioFile,
    Reflection,
    SchoolTransfer,
)
from .selectors import (
    contact_email_for,
    hash_token,
    pending_link_entries,
    placement_hours,
    progress_of,
)
from .uploads import check_upload

LINK_DAYS = 14
REMINDER_INTERVAL = datetime.timedelta(days=7)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def absolute_url(path: str, base_url: str | None = None) -> str:
    base = base_url or settings.SITE_URL
    return base.rstrip("/") + path


def _is_own(actor, student: Student) -> bool:
    return student.user_id is not None and student.user_id == getattr(actor, "pk", None)


def _manages(actor, student: Student) -> bool:
    p = principal_for(actor)
    return p.is_admin or student.school_id in p.coordinator_school_ids


def _require_own_or_manager(actor, student: Student) -> None:
    if not (_is_own(actor, student) or _manages(actor, student)):
        raise ServiceError(_("You may not change the hours of this student."))


def _duration(start_time, end_time, minutes) -> int:
    if (start_time is None) != (end_time is None):
        raise ServiceError(_("Enter both a start and an end time, or only a duration."))
    if start_time is not None:
        if end_time <= start_time:
            raise ServiceError(_("The end time must be after the start time."))
        start = datetime.datetime.combine(datetime.date.min, start_time)
        end = datetime.datetime.combine(datetime.date.min, end_time)
        return int((end - start).total_seconds() // 60)
    if not minutes or minutes < 1:
        raise ServiceError(_("Enter a duration or a start and end time."))
    return int(minutes)


def _check_entry(
    *,
    placement: Placement,
    date: datetime.date,
    start_time,
    end_time,
    minutes: int,
    exclude_pk: int | None = None,
) -> None:
    if placement.status != PlacementStatus.ACTIVE:
        raise ServiceError(_("Hours can only be logged on an active placement."))
    if date > timezone.localdate():
        raise ServiceError(_("Hours cannot be logged for a date in the future."))
    if placement.start_date and date < placement.start_date:
        raise ServiceError(_("This date is before the placement starts."))
    if placement.end_date and date > placement.end_date:
        raise ServiceError(_("This date is after the placement ends."))
    if minutes > MAX_MINUTES_PER_DAY:
        raise ServiceError(_("More than 12 hours on one day cannot be logged."))
    same_day = (
        HourEntry.objects.filter(placement__student_id=placement.student_id, date=date)
        .exclude(status=EntryStatus.DISPUTED)
        .exclude(pk=exclude_pk)
    )
    total = (same_day.aggregate(total=Sum("minutes"))["total"] or 0) + minutes
    if total > MAX_MINUTES_PER_DAY:
        raise ServiceError(_("More than 12 hours on one day cannot be logged."))
    if start_time is not None:
        for other in same_day.filter(start_time__isnull=False, end_time__isnull=False):
            if start_time < other.end_time and other.start_time < end_time:
                raise ServiceError(
                    _("These hours overlap with hours already logged (%(start)s–%(end)s).")
                    % {"start": f"{other.start_time:%H:%M}", "end": f"{other.end_time:%H:%M}"}
                )


def _snapshot(entry: HourEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "start_time": entry.start_time.isoformat() if entry.start_time else None,
        "end_time": entry.end_time.isoformat() if entry.end_time else None,
        "minutes": entry.minutes,
        "activity": entry.activity,
        "note": entry.note,
        "status": entry.status,
    }


def _lock_student(student_id: int) -> Student:
    """Entries of one student are checked against each other: serialise their writes."""
    return Student.objects.select_for_update().get(pk=student_id)


def _create_entry(*, actor, placement, date, start_time, end_time, minutes, activity, note):
    minutes = _duration(start_time, end_time, minutes)
    activity = (activity or "").strip()
    if not activity:
        raise ServiceError(_("Describe the activity."))
    _check_entry(
        placement=placement, date=date, start_time=start_time, end_time=end_time, minutes=minutes
    )
    entry = HourEntry.objects.create(
        placement=placement,
        date=date,
        start_time=start_time,
        end_time=end_time,
        minutes=minutes,
        activity=activity[:200],
        note=(note or "").strip()[:500],
        logged_by=actor,
    )
    HourEntryEvent.objects.create(
        entry=entry, action=HourEntryEvent.Action.LOGGED, actor=actor, actor_label=str(actor)
    )
    return entry


@transaction.atomic
def hour_entry_log(
    *,
    actor,
    placement: Placement,
    date: datetime.date,
    activity: str,
    note: str = "",
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    minutes: int | None = None,
) -> HourEntry:
    """The student (or their coordinator) logs hours on an active placement."""
    _lock_student(placement.student_id)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    _require_own_or_manager(actor, placement.student)
    return _create_entry(
        actor=actor,
        placement=placement,
        date=date,
        start_time=start_time,
        end_time=end_time,
        minutes=minutes,
        activity=activity,
        note=note,
    )


@transaction.atomic
def hour_entry_log_for_group(
    *,
    actor,
    placements: list[Placement],
    date: datetime.date,
    activity: str,
    note: str = "",
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    minutes: int | None = None,
) -> list[HourEntry]:
    """The coordinator logs the same hours for a group in one go: all or nothing."""
    if not placements:
        raise ServiceError(_("Choose at least one student."))
    errors, entries = [], []
    for placement in sorted(placements, key=lambda p: p.student_id):
        _lock_student(placement.student_id)
        placement = Placement.objects.select_related("student").get(pk=placement.pk)
        if not _manages(actor, placement.student):
            raise ServiceError(_("You may not change the hours of this student."))
        try:
            with transaction.atomic():
                entries.append(
                    _create_entry(
                        actor=actor,
                        placement=placement,
                        date=date,
                        start_time=start_time,
                        end_time=end_time,
                        minutes=minutes,
                        activity=activity,
                        note=note,
                    )
                )
        except ServiceError as exc:
            errors.append(f"{placement.student.full_name}: {exc.messages[0]}")
    if errors:
        raise ServiceError(
            _("Nothing was logged. %(errors)s") % {"errors": " ".join(sorted(set(errors)))}
        )
    return entries


@transaction.atomic
def hour_entry_edit(
    *,
    actor,
    entry: HourEntry,
    date: datetime.date,
    activity: str,
    note: str = "",
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    minutes: int | None = None,
) -> HourEntry:
    """Change an entry. A confirmed or disputed entry goes back to waiting for
    confirmation; the old values are kept in the entry's history."""
    entry = HourEntry.objects.select_related("placement__student").get(pk=entry.pk)
    _lock_student(entry.placement.student_id)
    entry = (
        HourEntry.objects.select_for_update(of=("self",))
        .select_related("placement__student")
        .get(pk=entry.pk)
    )
    _require_own_or_manager(actor, entry.placement.student)
    minutes = _duration(start_time, end_time, minutes)
    activity = (activity or "").strip()[:200]
    if not activity:
        raise ServiceError(_("Describe the activity."))
    _check_entry(
        placement=entry.placement,
        date=date,
        start_time=start_time,
        end_time=end_time,
        minutes=minutes,
        exclude_pk=entry.pk,
    )
    before = _snapshot(entry)
    changes = {
        "date": date,
        "start_time": start_time,
        "end_time": end_time,
        "minutes": minutes,
        "activity": activity,
        "note": (note or "").strip()[:500],
    }
    if all(getattr(entry, k) == v for k, v in changes.items()):
        return entry
    was = entry.status
    for key, value in changes.items():
        setattr(entry, key, value)
    entry.version += 1
    entry.status = EntryStatus.UNCONFIRMED
    entry.reviewed_at = None
    entry.reviewed_by = ""
    entry.dispute_reason = ""
    entry.save()
    action = (
        HourEntryEvent.Action.REOPENED
        if was == EntryStatus.CONFIRMED
        else HourEntryEvent.Action.EDITED
    )
    HourEntryEvent.objects.create(
        entry=entry, action=action, actor=actor, actor_label=str(actor), before=before
    )
    audit_record(actor=actor, action="edit", obj=entry, note=f"{action}: was {was}")
    return entry


@transaction.atomic
def hour_entry_delete(*, actor, entry: HourEntry) -> None:
    entry = (
        HourEntry.objects.select_for_update(of=("self",))
        .select_related("placement__student")
        .get(pk=entry.pk)
    )
    _require_own_or_manager(actor, entry.placement.student)
    if entry.status == EntryStatus.CONFIRMED:
        raise ServiceError(_("Confirmed hours cannot be deleted; edit them instead."))
    if entry.placement.status != PlacementStatus.ACTIVE:
        raise ServiceError(_("Hours can only be changed on an active placement."))
    audit_record(actor=actor, action="delete", obj=entry, note=json.dumps(_snapshot(entry)))
    entry.delete()


# ---------------------------------------------------------------------------
# Confirmation by the organisation, through a link
# ---------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


@transaction.atomic
def confirmation_request(
    *,
    actor,
    placement: Placement,
    entries: list[HourEntry] | None = None,
    base_url: str | None = None,
    reminder: bool = False,
) -> tuple[ConfirmationLink, str]:
    """Send the organisation's contact a link to confirm one entry or a batch.

    ``actor`` None is the weekly reminder job. Returns the link and its token (the token
    itself is only in the e-mail; the database keeps its hash)."""
    placement = Placement.objects.select_related("student", "organisation", "vacancy").get(
        pk=placement.pk
    )
    if actor is not None:
        _require_own_or_manager(actor, placement.student)
    waiting = placement.hour_entries.filter(status=EntryStatus.UNCONFIRMED)
    if entries is not None:
        waiting = waiting.filter(pk__in=[e.pk for e in entries])
    waiting = list(waiting.order_by("date", "start_time"))
    if not waiting:
        raise ServiceError(_("There are no hours waiting for confirmation."))
    email = contact_email_for(placement)
    if not email:
        raise ServiceError(
            _("The organisation has no contact e-mail address; ask your coordinator.")
        )
    token, digest = _new_token()
    link = ConfirmationLink.objects.create(
        token_hash=digest,
        placement=placement,
        email=email,
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=LINK_DAYS),
    )
    LinkEntry.objects.bulk_create(
        [LinkEntry(link=link, entry=e, version=e.version) for e in waiting]
    )
    HourEntryEvent.objects.bulk_create(
        [
            HourEntryEvent(
                entry=e,
                action=HourEntryEvent.Action.SENT,
                actor=actor,
                actor_label=str(actor) if actor else "reminder",
                note=email,
            )
            for e in waiting
        ]
    )
    url = absolute_url(reverse("hours:confirm", kwargs={"token": token}), base_url)
    minutes = sum(e.minutes for e in waiting)
    with translation.override("nl"):
        context = {
            "student": placement.student.full_name,
            "organisation": placement.organisation.name,
            "count": len(waiting),
            "hours": (Decimal(minutes) / 60).quantize(Decimal("0.1")),
            "url": url,
            "expires": link.expires_at,
            "reminder": reminder,
        }
        mail_queue(
            to=[email],
            subject=_("Please confirm the hours of %(student)s") % context,
            body=render_to_string("hours/mail/confirm_request.txt", context),
        )
    return link, token


@transaction.atomic
def confirmation_decide(
    *, token: str, decisions: dict[int, tuple[str, str]], reviewer_label: str = ""
) -> dict[str, int]:
    """Apply the contact's decisions: {entry id: ("confirm"|"dispute", reason)}.

    A forged, expired or used link, or one whose entries changed, raises the same
    neutral ServiceError and changes nothing."""
    neutral = ServiceError(link_unusable_message())
    link = (
        ConfirmationLink.objects.select_for_update()
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise neutral
    pending = {e.pk: e for e in pending_link_entries(link)}
    if not pending:
        raise neutral
    missing = [pk for pk in pending if pk not in decisions]
    if missing:
        raise ServiceError(_("Choose confirm or dispute for every entry."))
    for pk, (choice, reason) in decisions.items():
        if pk not in pending or choice not in {"confirm", "dispute"}:
            raise neutral
        if choice == "dispute" and not (reason or "").strip():
            raise ServiceError(_("Give a reason for every entry you dispute."))
    now = timezone.now()
    label = reviewer_label or link.email
    counts = {"confirmed": 0, "disputed": 0}
    for pk, (choice, reason) in decisions.items():
        entry = HourEntry.objects.select_for_update().get(pk=pk)
        if entry.status != EntryStatus.UNCONFIRMED or entry.version != pending[pk].version:
            raise neutral
        entry.reviewed_at = now
        entry.reviewed_by = label[:254]
        if choice == "confirm":
            entry.status = EntryStatus.CONFIRMED
            action = HourEntryEvent.Action.CONFIRMED
            counts["confirmed"] += 1
        else:
            entry.status = EntryStatus.DISPUTED
            entry.dispute_reason = reason.strip()[:2000]
            action = HourEntryEvent.Action.DISPUTED
            counts["disputed"] += 1
        entry.save(update_fields=["status", "reviewed_at", "reviewed_by", "dispute_reason"])
        HourEntryEvent.objects.create(
            entry=entry, action=action, actor_label=label[:254], note=entry.dispute_reason
        )
    link.used_at = now
    link.save(update_fields=["used_at"])
    placement = link.placement
    if counts["disputed"]:
        _mail_student_disputed(placement, counts["disputed"])
    placement_complete_if_ready(placement=placement)
    return counts


def link_unusable_message() -> str:
    return _(
        "This link cannot be used (any more). It may have expired or been used already. "
        "Nothing was changed. Ask the student or the school for a new link if needed."
    )


def _mail_student_disputed(placement: Placement, count: int) -> None:
    student = placement.student
    to = [student.email or (student.user.email if student.user_id else "")]
    with translation.override("nl"):
        mail_queue(
            to=to,
            subject=_("The organisation disputed some of your hours"),
            body=render_to_string(
                "hours/mail/disputed.txt",
                {"student": student, "organisation": placement.organisation, "count": count},
            ),
        )


def hour_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """The weekly reminder: for each placement with hours waiting and no link sent in the
    last seven days, send the contact a fresh link covering all of them."""
    now = now or timezone.now()
    placement_ids = (
        HourEntry.objects.filter(status=EntryStatus.UNCONFIRMED)
        .values_list("placement_id", flat=True)
        .distinct()
    )
    sent = 0
    for placement in Placement.objects.filter(pk__in=placement_ids).order_by("pk"):
        recent = ConfirmationLink.objects.filter(
            placement=placement, created_at__gt=now - REMINDER_INTERVAL
        )
        if recent.exists():
            continue
        try:
            confirmation_request(actor=None, placement=placement, reminder=True)
        except ServiceError:
            continue  # no contact address: the coordinator sees it on the hours page
        sent += 1
    return sent


# ---------------------------------------------------------------------------
# Progress reminders
# ---------------------------------------------------------------------------


@transaction.atomic
def progress_remind(*, actor, students: list[Student], base_url: str | None = None) -> int:
    """The coordinator reminds students who are behind; each reminder is recorded."""
    sent = 0
    for student in students:
        if not _manages(actor, student):
            raise ServiceError(_("You may not remind this student."))
        progress = progress_of(student)
        to = [student.email or (student.user.email if student.user_id else "")]
        if not any(to):
            continue
        with translation.override("nl"):
            mail_queue(
                to=to,
                subject=_("Your MaS hours: a reminder from your school"),
                body=render_to_string(
                    "hours/mail/progress_reminder.txt",
                    {
                        "student": student,
                        "progress": progress,
                        "url": absolute_url(reverse("core:dashboard"), base_url),
                    },
                ),
            )
        audit_record(actor=actor, action="remind", obj=student, note="progress reminder")
        sent += 1
    return sent


# ---------------------------------------------------------------------------
# Portfolio
# ---------------------------------------------------------------------------


REFLECTION_FIELDS = [
    "what_did_you_do",
    "what_did_you_learn",
    "what_would_you_do_again",
    "skills_used",
]


@transaction.atomic
def reflection_save(*, actor, placement: Placement, **answers: str) -> Reflection:
    placement = Placement.objects.select_related("student").get(pk=placement.pk)
    if not _is_own(actor, placement.student):
        raise ServiceError(_("Only the student writes their reflection."))
    if placement.status not in {PlacementStatus.ACTIVE, PlacementStatus.COMPLETED}:
        raise ServiceError(_("You can reflect once the placement has started."))
    reflection, _created = Reflection.objects.get_or_create(placement=placement)
    for name in REFLECTION_FIELDS:
        setattr(reflection, name, (answers.get(name) or "").strip()[:5000])
    reflection.save()
    return reflection


@transaction.atomic
def portfolio_file_add(
    *, actor, student: Student, uploaded, caption: str = "", placement: Placement | None = None
) -> PortfolioFile:
    if not _is_own(actor, student):
        raise ServiceError(_("Only the student adds files to their portfolio."))
    if placement is not None and placement.student_id != student.pk:
        raise ServiceError(_("That placement is not yours."))
    content_type = check_upload(uploaded)
    item = PortfolioFile(
        student=student,
        placement=placement,
        original_name=(uploaded.name or "file")[-200:],
        content_type=content_type,
        size=uploaded.size,
        caption=(caption or "").strip()[:200],
        uploaded_by=actor,
    )
    item.file.save(uploaded.name, uploaded, save=False)
    try:
        item.save()
    except Exception:
        item.file.delete(save=False)
        raise
    return item


@transaction.atomic
def portfolio_file_delete(*, actor, item: PortfolioFile) -> None:
    if not _is_own(actor, item.student):
        raise ServiceError(_("Only the student removes files from their portfolio."))
    name = item.file.name
    storage = item.file.storage
    item.delete()
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------
# Completion and certificate
# ---------------------------------------------------------------------------


def completion_blockers(placement: Placement) -> list[str]:
    """What still stands between an active placement and its completion."""
    blockers = []
    totals = placement_hours(placement)
    if not any(totals.values()):
        blockers.append(_("No hours have been logged."))
    if totals[EntryStatus.UNCONFIRMED]:
        blockers.append(_("Some hours are waiting for confirmation."))
    if totals[EntryStatus.DISPUTED]:
        blockers.append(_("Some hours are disputed."))
    missing = evaluation_selectors.missing_evaluation_kinds(placement)
    if missing:
        blockers.append(
            _("Evaluations still missing: %(kinds)s.") % {"kinds": ", ".join(map(str, missing))}
        )
    return blockers


def _mark_completed(placement: Placement, *, actor, reason: str) -> None:
    """Move the placement to completed through the placements app's own service (its
    workflow table, history and mails): the coordinator as actor, or the platform
    (``actor=None``) completing this one student when hours and evaluations are in."""
    from meedoen.placements import services as placement_services

    placement_services.placement_complete(placement=placement, by=actor, reason=reason)


def placement_complete_if_ready(*, placement: Placement) -> bool:
    """Complete an active placement once all its hours are confirmed and the three
    evaluations are in. Called after each confirmation and each evaluation."""
    with transaction.atomic():
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        if placement.status != PlacementStatus.ACTIVE or completion_blockers(placement):
            return False
        _mark_completed(placement, actor=None, reason="hours confirmed and evaluations in")
        PlacementCompletion.objects.create(placement=placement, automatic=True)
        _after_completion(placement)
    return True


@transaction.atomic
def placement_complete(*, actor, placement: Placement, reason: str) -> Placement:
    """The coordinator completes an active placement although something is missing."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student")
        .get(pk=placement.pk)
    )
    if not _manages(actor, placement.student):
        raise ServiceError(_("Only the school's coordinator can complete this placement."))
    if placement.status != PlacementStatus.ACTIVE:
        raise ServiceError(_("Only an active placement can be completed."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason for completing this placement."))
    _mark_completed(placement, actor=actor, reason=reason)
    PlacementCompletion.objects.create(
        placement=placement, automatic=False, reason=reason[:2000], completed_by=actor
    )
    audit_record(actor=actor, action="complete", obj=placement, note=reason)
    _after_completion(placement)
    placement.refresh_from_db()
    return placement


def _after_completion(placement: Placement) -> None:
    student = placement.student
    certificate_issue_if_due(student=student)
    to = [student.email or (student.user.email if student.user_id else "")]
    with translation.override("nl"):
        mail_queue(
            to=to,
            subject=_("Your placement at %(organisation)s is completed")
            % {"organisation": placement.organisation.name},
            body=render_to_string(
                "hours/mail/completed.txt",
                {"student": student, "organisation": placement.organisation},
            ),
        )


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _organisations_with_hours(student: Student) -> list[dict]:
    rows = (
        HourEntry.objects.filter(placement__student=student, status=EntryStatus.CONFIRMED)
        .values("placement__organisation__name")
        .annotate(total=Sum("minutes"))
        .order_by("placement__organisation__name")
    )
    out = [
        {
            "name": r["placement__organisation__name"],
            "hours": str((Decimal(r["total"]) / 60).quantize(Decimal("0.1"))),
        }
        for r in rows
    ]
    for record in student.imported_records.all():
        for item in record.payload.get("placements", []):
            minutes = sum(
                h.get("minutes", 0)
                for h in item.get("hours", [])
                if h.get("status") == EntryStatus.CONFIRMED
            )
            if minutes:
                out.append(
                    {
                        "name": str(item.get("organisation", ""))[:200],
                        "hours": str((Decimal(minutes) / 60).quantize(Decimal("0.1"))),
                    }
                )
    return out


@transaction.atomic
def certificate_issue(*, actor, student: Student) -> Certificate:
    """Issue the certificate; refused while the requirement is not met."""
    student = _lock_student(student.pk)
    if actor is not None and not _manages(actor, student):
        raise ServiceError(_("Only the school's coordinator can issue a certificate."))
    progress = progress_of(student)
    if not progress.met:
        raise ServiceError(
            _("The requirement is not met yet: %(done)s of %(required)s hours confirmed.")
            % {"done": progress.confirmed_hours, "required": progress.required_hours}
        )
    existing = Certificate.objects.filter(student=student, revoked_at__isnull=True).first()
    if existing is not None and existing.hours == progress.confirmed_hours:
        return existing
    if existing is not None:
        existing.revoked_at = timezone.now()  # superseded by one with the new total
        existing.save(update_fields=["revoked_at"])
    certificate = Certificate.objects.create(
        student=student,
        code=_new_code(),
        student_name=student.full_name,
        school_name=student.school.name,
        hours=progress.confirmed_hours,
        organisations=_organisations_with_hours(student),
        issued_by=actor,
    )
    audit_record(actor=actor, action="issue", obj=student, note=certificate.code)
    return certificate


def certificate_issue_if_due(*, student: Student) -> Certificate | None:
    """After a completion: issue the certificate if the requirement is met and none yet."""
    if Certificate.objects.filter(student=student, revoked_at__isnull=True).exists():
        return None
    if not progress_of(student).met:
        return None
    return certificate_issue(actor=None, student=student)


# ---------------------------------------------------------------------------
# Follow-up: keep volunteering
# ---------------------------------------------------------------------------


@transaction.atomic
def follow_up_offer(
    *, actor, placement: Placement, role: str, description: str = "", label: str = ""
) -> FollowUpOffer:
    """The organisation offers the student a follow-up volunteer role. ``actor`` None:
    offered through the organisation's evaluation link (``label`` names the contact)."""
    p = principal_for(actor) if actor is not None else None
    if p is not None and not (p.is_admin or placement.organisation_id in p.organisation_ids):
        raise ServiceError(_("Only the organisation can offer a follow-up role."))
    if placement.status not in {PlacementStatus.ACTIVE, PlacementStatus.COMPLETED}:
        raise ServiceError(_("A follow-up role can be offered during or after the placement."))
    role = (role or "").strip()
    if not role:
        raise ServiceError(_("Describe the volunteer role."))
    offer = FollowUpOffer.objects.create(
        placement=placement,
        role=role[:200],
        description=(description or "").strip()[:2000],
        offered_by=actor,
        offered_by_label=(label or str(actor or ""))[:254],
    )
    student = placement.student
    with translation.override("nl"):
        mail_queue(
            to=[student.email or (student.user.email if student.user_id else "")],
            subject=_("%(organisation)s invites you to keep volunteering")
            % {"organisation": placement.organisation.name},
            body=render_to_string(
                "hours/mail/follow_up.txt",
                {"student": student, "organisation": placement.organisation, "offer": offer},
            ),
        )
    return offer


@transaction.atomic
def follow_up_respond(*, actor, offer: FollowUpOffer, accept: bool) -> FollowUpOffer:
    offer = (
        FollowUpOffer.objects.select_for_update(of=("self",))
        .select_related("placement__student")
        .get(pk=offer.pk)
    )
    if not _is_own(actor, offer.placement.student):
        raise ServiceError(_("Only the student can answer this invitation."))
    if offer.status != FollowUpStatus.OFFERED:
        raise ServiceError(_("You already answered this invitation."))
    offer.status = FollowUpStatus.ACCEPTED if accept else FollowUpStatus.DECLINED
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    return offer


# ---------------------------------------------------------------------------
# Change of school within the platform
# ---------------------------------------------------------------------------


@transaction.atomic
def student_transfer(
    *,
    actor,
    student: Student,
    to_school: School,
    to_class: SchoolClass | None = None,
    note: str = "",
) -> Student:
    """Move a student to another school of the platform; the record moves along.

    Placements, hour entries, reflections, files, certificates and imported records all
    hang off the student, so nothing is copied: only ``Student.school`` (and the class)
    change, and the new school's coordinator sees the whole history. Access the old
    school granted for this student (mentor or broker grants by name) is revoked; the old
    school's class no longer applies. Only the coordinator of the current school (or the
    administrator) moves a student, to a school in the same region."""
    student = _lock_student(student.pk)
    p = principal_for(actor)
    if not (p.is_admin or student.school_id in p.coordinator_school_ids):
        raise ServiceError(_("Only the coordinator of the student's school can move them."))
    if to_school.pk == student.school_id:
        raise ServiceError(_("The student is already at this school."))
    from_school = student.school
    if not p.is_admin and to_school.region_id != from_school.region_id:
        raise ServiceError(
            _("Another region runs its own installation: export the record file instead.")
        )
    if to_class is not None and to_class.school_id != to_school.pk:
        raise ServiceError(_("That class is not of the new school."))
    if Student.objects.filter(school=to_school, student_number=student.student_number).exists():
        raise ServiceError(_("The new school already has a student with this student number."))
    now = timezone.now()
    student.grants.filter(revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
    student.school = to_school
    student.school_class = to_class
    student.save(update_fields=["school", "school_class", "updated_at"])
    SchoolTransfer.objects.create(
        student=student,
        from_school=from_school,
        to_school=to_school,
        from_school_name=from_school.name,
        to_school_name=to_school.name,
        moved_by=actor,
        note=(note or "").strip()[:300],
    )
    audit_record(
        actor=actor, action="transfer", obj=student, note=f"{from_school.brin} → {to_school.brin}"
    )
    return student


# ---------------------------------------------------------------------------
# The signed record file, between installations
# ---------------------------------------------------------------------------


def record_payload(student: Student) -> dict:
    progress = progress_of(student)
    placements = []
    for placement in Placement.objects.filter(student=student).select_related("organisation"):
        reflection = Reflection.objects.filter(placement=placement).first()
        placements.append(
            {
                "organisation": placement.organisation.name,
                "activity": placement.activity,
                "status": placement.status,
                "start_date": placement.start_date.isoformat() if placement.start_date else None,
                "end_date": placement.end_date.isoformat() if placement.end_date else None,
                "hours": [
                    {
                        "date": e.date.isoformat(),
                        "start_time": e.start_time.isoformat() if e.start_time else None,
                        "end_time": e.end_time.isoformat() if e.end_time else None,
                        "minutes": e.minutes,
                        "activity": e.activity,
                        "status": e.status,
                    }
                    for e in placement.hour_entries.order_by("date", "start_time", "pk")
                ],
                "reflection": {f: getattr(reflection, f) for f in REFLECTION_FIELDS}
                if reflection
                else None,
            }
        )
    return {
        "format": records.FORMAT,
        "version": records.FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "student": {
            "first_name": student.first_name,
            "name_prefix": student.name_prefix,
            "last_name": student.last_name,
            "date_of_birth": student.date_of_birth.isoformat(),
            "student_number": student.student_number,
        },
        "school": {"name": student.school.name, "brin": student.school.brin},
        "required_hours": progress.required_hours,
        "confirmed_hours": str(progress.confirmed_hours),
        "placements": placements,
        "imported": [
            {
                "source_school": r.source_school,
                "exported_at": r.exported_at.isoformat(),
                "confirmed_minutes": r.confirmed_minutes,
            }
            for r in student.imported_records.all()
        ],
        "certificates": [
            {"code": c.code, "hours": str(c.hours), "issued_at": c.issued_at.isoformat()}
            for c in Certificate.objects.filter(student=student, revoked_at__isnull=True)
        ],
    }


def record_export(*, actor, student: Student) -> bytes:
    """The signed record file (ZIP: record.json, its detached signature, a readable PDF)."""
    from .pdf import render_pdf

    if not _manages(actor, student):
        raise ServiceError(_("Only the school's coordinator can export a record."))
    payload = record_payload(student)
    pdf = render_pdf("hours/record_pdf.html", {"record": payload, "student": student})
    audit_record(actor=actor, action="export", obj=student, note="signed MaS record")
    return records.bundle(payload, pdf)


def _minutes_of(payload: dict) -> int:
    """Confirmed minutes in a verified payload, checked to be sane."""
    total = 0
    try:
        for placement in payload.get("placements", []):
            for entry in placement.get("hours", []):
                minutes = entry["minutes"]
                if not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES_PER_DAY:
                    raise ValueError(minutes)
                if entry.get("status") == EntryStatus.CONFIRMED:
                    total += minutes
        for item in payload.get("imported", []):
            minutes = item["confirmed_minutes"]
            if not isinstance(minutes, int) or minutes < 0:
                raise ValueError(minutes)
            total += minutes
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ServiceError(_("The record file is signed but its content is not valid.")) from exc
    return total


@transaction.atomic
def record_import(*, actor, school: School, uploaded) -> ImportedRecord:
    """Import a signed record into ``school``. The signature is checked before anything
    is read; a bad file changes nothing."""
    p = principal_for(actor)
    if not (p.is_admin or school.pk in p.coordinator_school_ids):
        raise ServiceError(_("You may not import records for this school."))
    payload, data, key_id = records.unbundle(uploaded)
    minutes = _minutes_of(payload)
    try:
        person = payload["student"]
        first_name = str(person["first_name"]).strip()[:100]
        last_name = str(person["last_name"]).strip()[:100]
        prefix = str(person.get("name_prefix") or "").strip()[:20]
        number = str(person["student_number"]).strip()[:20]
        dob = datetime.date.fromisoformat(person["date_of_birth"])
        source_school = str(payload["school"]["name"])[:200]
        exported_at = datetime.datetime.fromisoformat(payload["exported_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ServiceError(_("The record file is signed but its content is not valid.")) from exc
    if not (first_name and last_name and number):
        raise ServiceError(_("The record file is signed but its content is not valid."))
    if timezone.is_naive(exported_at):
        exported_at = timezone.make_aware(exported_at, datetime.UTC)
    student = Student.objects.filter(school=school, student_number=number).first()
    if student is None:
        student = Student.objects.create(
            school=school,
            student_number=number,
            first_name=first_name,
            name_prefix=prefix,
            last_name=last_name,
            date_of_birth=dob,
        )
    elif student.date_of_birth != dob or student.last_name.lower() != last_name.lower():
        raise ServiceError(
            _("Your school has another student with this student number. Nothing was imported.")
        )
    digest = hashlib.sha256(data).hexdigest()
    if ImportedRecord.objects.filter(student=student, payload_sha256=digest).exists():
        raise ServiceError(_("This record file was imported already."))
    try:
        with transaction.atomic():
            record = ImportedRecord.objects.create(
                student=student,
                payload_sha256=digest,
                key_id=key_id,
                source_school=source_school,
                exported_at=exported_at,
                confirmed_minutes=minutes,
                payload=payload,
                imported_by=actor,
            )
    except IntegrityError as exc:
        raise ServiceError(_("This record file was imported already.")) from exc
    audit_record(actor=actor, action="import", obj=student, note=f"record from {source_school}")
    return record
