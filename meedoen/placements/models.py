"""Placements: a student (or a group of students) at a host organisation, and its agreement.

A *placement* (stage, plaatsing) links one student to an organisation, usually to one of
its offers in the placement bank. It comes from the bank (the student applies, the
organisation accepts), from a matching round, from the coordinator or the broker placing
by hand, from a group placement of a class (``PlacementGroup``: one placement per
student, one group agreement), or from the student who found a place themselves (the
organisation is then created unverified and the broker is told).

The school approves every placement against its own criteria (``SchoolPlacementRules``,
after the Leiden covenant: "goedkeuren van stageplaatsen"), then issues an *agreement*
(stageovereenkomst) from the school's ``AgreementTemplate``. Each version of an agreement
is stored as a PDF with its SHA-256; the parties sign it through personal links
(``SignatureRequest``; the token itself is never stored, only its hash). When every
required signature is in, the placement is *signed*; the coordinator then activates it.
Every change of state is a ``PlacementEvent`` (who, when, why). The allowed changes are
data, in ``workflows.py``.

``student``, ``organisation``, ``status`` and ``share_support_needs`` keep the meaning the
access policy (``meedoen.core.policy``) relies on.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import ContactPerson, Organisation, School
from meedoen.stagebank.models import Vacancy
from meedoen.students.models import Guardian, SchoolClass, Student


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted by the organisation")
    APPROVED = "approved", _("Approved by the school")
    AGREEMENT_ISSUED = "agreement_issued", _("Agreement issued")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined by the organisation")
    REJECTED = "rejected", _("Rejected by the school")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# States in which the organisation has a reason to know the student.
ORGANISATION_VISIBLE_STATES = [
    PlacementStatus.PROPOSED,
    PlacementStatus.ACCEPTED,
    PlacementStatus.APPROVED,
    PlacementStatus.AGREEMENT_ISSUED,
    PlacementStatus.SIGNED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
]
# States that are still going somewhere (one of these per student and offer at most).
OPEN_STATES = [
    PlacementStatus.PROPOSED,
    PlacementStatus.ACCEPTED,
    PlacementStatus.APPROVED,
    PlacementStatus.AGREEMENT_ISSUED,
    PlacementStatus.SIGNED,
    PlacementStatus.ACTIVE,
]
# States that hold one of an offer's places (for the dates of the placement).
TAKING_STATES = [
    PlacementStatus.ACCEPTED,
    PlacementStatus.APPROVED,
    PlacementStatus.AGREEMENT_ISSUED,
    PlacementStatus.SIGNED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
]


class Source(models.TextChoices):
    BANK = "bank", _("Applied through the placement bank")
    MATCHING = "matching", _("Assigned in a matching round")
    MANUAL = "manual", _("Placed by hand")
    GROUP = "group", _("Group placement")
    SELF_FOUND = "self_found", _("Found by the student")


class SchoolPlacementRules(models.Model):
    """A school's criteria for approving placements and its signing rules."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="placement_rules")
    require_non_profit = models.BooleanField(
        _("only non-profit organisations"),
        default=True,
        help_text=_("The organisation must be non-profit, as the MaS rules intend."),
    )
    forbid_commercial = models.BooleanField(
        _("refuse companies"),
        default=True,
        help_text=_("A self-found organisation with the legal form 'company' is refused."),
    )
    require_no_paid_work = models.BooleanField(
        _("confirm it is not a paid-work substitute"),
        default=True,
        help_text=_("The coordinator confirms this when approving."),
    )
    check_dates = models.BooleanField(
        _("dates inside the school's internship period"), default=True
    )
    check_age_level = models.BooleanField(_("age and level fit the offer"), default=True)
    require_both_guardians = models.BooleanField(
        _("both parents/guardians sign"),
        default=False,
        help_text=_("Otherwise one parent or guardian's signature is enough."),
    )
    group_students_sign = models.BooleanField(
        _("students of a group sign the group agreement"),
        default=True,
        help_text=_(
            "Each student (and a parent of a minor) signs; otherwise school and organisation only."
        ),
    )
    signing_link_days = models.PositiveSmallIntegerField(
        _("signing links valid for (days)"), default=14
    )
    reminder_days = models.PositiveSmallIntegerField(_("remind unsigned after (days)"), default=3)

    class Meta:
        verbose_name = _("school placement rules")
        verbose_name_plural = _("school placement rules")

    def __str__(self) -> str:
        return str(self.school)


class PlacementGroup(models.Model):
    """A group placement: a class or part of one at one organisation, one group agreement."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="placement_groups", verbose_name=_("school")
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placement_groups",
        verbose_name=_("class"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placement_groups",
        verbose_name=_("organisation"),
    )
    vacancy = models.ForeignKey(
        Vacancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement_groups",
        verbose_name=_("placement offer"),
    )
    name = models.CharField(_("name"), max_length=120)
    activity = models.CharField(_("activity"), max_length=200)
    tasks = models.TextField(_("tasks"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group placement")
        verbose_name_plural = _("group placements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.organisation}"


class Placement(models.Model):
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="placements", verbose_name=_("student")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("organisation"),
    )
    vacancy = models.ForeignKey(
        Vacancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("placement offer"),
    )
    group = models.ForeignKey(
        PlacementGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("group placement"),
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )
    activity = models.CharField(_("activity"), max_length=200)
    tasks = models.TextField(_("tasks"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    motivation = models.TextField(_("motivation"), blank=True)
    share_support_needs = models.BooleanField(
        _("support needs shared with the organisation"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["vacancy", "status"]),
        ]
        constraints = [
            # A double submit of an application cannot create two open placements.
            models.UniqueConstraint(
                fields=["student", "vacancy"],
                condition=Q(status__in=OPEN_STATES),
                name="uniq_open_placement_per_offer",
            ),
            models.CheckConstraint(
                name="placement_dates_ordered",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} @ {self.organisation}"


EVENT_LABELS = {
    "apply": _("Applied through the bank"),
    "propose": _("Proposed by the student (self-found)"),
    "create": _("Proposed"),
    "accept": _("Accepted by the organisation"),
    "decline": _("Declined by the organisation"),
    "approve": _("Approved by the school"),
    "reject": _("Rejected by the school"),
    "issue": _("Agreement issued"),
    "revise": _("Agreement changed: new version"),
    "sign": _("Signed"),
    "signed": _("All signatures received"),
    "activate": _("Started"),
    "complete": _("Completed"),
    "no_show": _("No-show"),
    "cancel": _("Cancelled"),
}


class PlacementEvent(models.Model):
    """One step in a placement's history: who did what, when, and why."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PlacementStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class AgreementKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual agreement")
    GROUP = "group", _("Group agreement")


class AgreementTemplate(models.Model):
    """A school's model agreement. The clauses are fixed; the coordinator edits their text.

    Parties, dates, hours, tasks and supervisor are filled in from the placement; each
    clause below opens with a fixed sentence (see ``agreements.FIXED_CLAUSES``) followed
    by the school's own text, which may not be empty.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agreement_templates")
    kind = models.CharField(_("model"), max_length=12, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=150)
    intro = models.TextField(_("introduction"), blank=True)
    insurance = models.TextField(_("insurance"))
    safety = models.TextField(_("safety"))
    conduct = models.TextField(_("conduct"))
    absence = models.TextField(_("absence and problems"))
    extra = models.TextField(_("further agreements"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="uniq_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.get_kind_display()}"


class Agreement(models.Model):
    """The agreement of one placement, or of a group placement (one for all its students)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(max_length=12, choices=AgreementKind.choices)
    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, null=True, blank=True, related_name="agreement"
    )
    group = models.OneToOneField(
        PlacementGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="agreement"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="agreement_for_placement_or_group",
                condition=Q(placement__isnull=False, group__isnull=True)
                | Q(placement__isnull=True, group__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class AgreementVersion(models.Model):
    """One issued text of an agreement: its HTML, its PDF and the PDF's SHA-256.

    The PDF is stored in the database (not under MEDIA_ROOT) so that it is written in the
    same transaction as the version: a failed issue leaves no orphan file behind.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    html = models.TextField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="uniq_agreement_version")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class Party(models.TextChoices):
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Parent or guardian")
    ORGANISATION = "organisation", _("Organisation")
    SCHOOL = "school", _("School")


class SignatureRequest(models.Model):
    """A personal, single-purpose link to sign one version, and the signature placed with it.

    Only the SHA-256 of the link's token is stored. ``requirement`` groups requests that
    satisfy the same need (both guardians of a student share one unless the school requires
    both), so the version is complete when every requirement has a signature.
    """

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signature_requests"
    )
    party = models.CharField(max_length=12, choices=Party.choices)
    requirement = models.CharField(max_length=60)
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    guardian = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    view_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_name = models.CharField(max_length=200, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=300, blank=True)
    signed_document_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["version", "pk"]
        indexes = [models.Index(fields=["signed_at", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.name}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.signed_at:
            return "signed"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "open"
