"""Hours, portfolio, certificate and the student's MaS record (urenregistratie).

Carrying out a placement: the student (or the coordinator, for a group) logs *hour
entries* on an active placement; the organisation's contact confirms or disputes them
through a *confirmation link* sent by e-mail, without an account (only the SHA-256 of the
link's token is stored; a link expires, is used once, and names the exact version of each
entry it covers, so a link never confirms an entry that changed after it was sent).
Confirmed entries are locked: an edit returns the entry to "waiting for confirmation" and
is recorded as an ``HourEntryEvent``.

The *portfolio* is the student's: a reflection per placement with guided questions and
uploaded photos or files, stored privately and served only through an access-checked view.
Progress counts confirmed hours across every placement and year, plus hours imported from
another installation (``ImportedRecord``); when it reaches the cohort's requirement a
*certificate* with a public verification code is issued.

The record belongs to the student, not to the school: a move to another school within the
platform keeps every placement, entry and file (``SchoolTransfer`` records the move), and
between installations the record travels as a signed file (``records.py``).
"""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import School
from meedoen.placements.models import Placement
from meedoen.students.models import Student

MAX_MINUTES_PER_DAY = 12 * 60


class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private: never served by the web server, only by a view."""

    @cached_property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):  # pragma: no cover - a private file has no public address
        raise ValueError("Private files have no public URL; use the access-checked view.")


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage


def portfolio_path(instance: PortfolioFile, filename: str) -> str:
    """A random name: the original file name is kept in the row, never on disk."""
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"portfolio/{instance.student_id}/{uuid.uuid4().hex}{ext}"


class EntryStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class HourEntry(models.Model):
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="hour_entries",
        verbose_name=_("placement"),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"), null=True, blank=True)
    end_time = models.TimeField(_("end"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    activity = models.CharField(_("activity"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.UNCONFIRMED
    )
    dispute_reason = models.TextField(_("reason for dispute"), blank=True)
    # Raised on every edit: a confirmation link covers one version of each entry.
    version = models.PositiveIntegerField(default=1)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [
            models.Index(fields=["placement", "status"]),
            models.Index(fields=["date"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="hour_entry_minutes_in_day",
                condition=Q(minutes__gte=1, minutes__lte=MAX_MINUTES_PER_DAY),
            ),
            models.CheckConstraint(
                name="hour_entry_times_ordered",
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.hours} h — {self.activity}"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    @property
    def is_locked(self) -> bool:
        return self.status == EntryStatus.CONFIRMED


class HourEntryEvent(models.Model):
    """What happened to an entry, by whom: logged, edited (with the old values), reviewed."""

    class Action(models.TextChoices):
        LOGGED = "logged", _("Logged")
        EDITED = "edited", _("Edited")
        REOPENED = "reopened", _("Edited after confirmation: waiting for confirmation again")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")
        SENT = "sent", _("Sent for confirmation")

    entry = models.ForeignKey(HourEntry, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    note = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.action}"


class ConfirmationLink(models.Model):
    """A link for the organisation's contact to confirm or dispute one entry or a batch."""

    token_hash = models.CharField(max_length=64, unique=True)
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="confirmation_links"
    )
    email = models.EmailField(_("sent to"))
    entries = models.ManyToManyField(HourEntry, through="LinkEntry", related_name="links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.placement_id} → {self.email}"


class LinkEntry(models.Model):
    link = models.ForeignKey(ConfirmationLink, on_delete=models.CASCADE)
    entry = models.ForeignKey(HourEntry, on_delete=models.CASCADE)
    version = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "entry"], name="uniq_link_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id}:{self.entry_id}@{self.version}"


class Reflection(models.Model):
    """The student's reflection on one placement, along four guided questions."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="reflection")
    what_did_you_do = models.TextField(_("What did you do?"), blank=True)
    what_did_you_learn = models.TextField(_("What did you learn?"), blank=True)
    what_would_you_do_again = models.TextField(_("What would you do again?"), blank=True)
    skills_used = models.TextField(_("Which skills did you use?"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")

    def __str__(self) -> str:
        return f"{self.placement}"

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.what_did_you_do,
                self.what_did_you_learn,
                self.what_would_you_do_again,
                self.skills_used,
            ]
        )


class PortfolioFile(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="portfolio_files")
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portfolio_files",
        verbose_name=_("placement"),
    )
    file = models.FileField(storage=private_storage, upload_to=portfolio_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("portfolio file")
        verbose_name_plural = _("portfolio files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PlacementCompletion(models.Model):
    """Why and how a placement was completed: automatically, or by the coordinator."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="completion")
    automatic = models.BooleanField(default=False)
    reason = models.TextField(_("reason"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.placement_id} completed"


class Certificate(models.Model):
    """The MaS certificate; the verification shows only the name, school and hours."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    student_name = models.CharField(max_length=250)
    school_name = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    organisations = models.JSONField(default=list)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code


class FollowUpStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class FollowUpOffer(models.Model):
    """An organisation invites the student to keep volunteering (for the follow-up figures)."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="follow_up_offers"
    )
    role = models.CharField(_("volunteer role"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    offered_by_label = models.CharField(max_length=254, blank=True)
    offered_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OFFERED
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up offer")
        verbose_name_plural = _("follow-up offers")
        ordering = ["-offered_at"]

    def __str__(self) -> str:
        return self.role


class SchoolTransfer(models.Model):
    """A move of a student to another school within the platform; the record moves along."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="transfers")
    from_school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, related_name="+")
    to_school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, related_name="+")
    from_school_name = models.CharField(max_length=200)
    to_school_name = models.CharField(max_length=200)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["moved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_school_name} → {self.to_school_name}"


class ImportedRecord(models.Model):
    """A student's MaS record imported from another installation, signature verified."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="imported_records")
    payload_sha256 = models.CharField(max_length=64)
    key_id = models.CharField(max_length=64)
    source_school = models.CharField(max_length=250)
    exported_at = models.DateTimeField()
    confirmed_minutes = models.PositiveIntegerField(default=0)
    payload = models.JSONField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "payload_sha256"], name="uniq_imported_record_per_student"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} ← {self.source_school}"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.confirmed_minutes) / 60).quantize(Decimal("0.1"))
