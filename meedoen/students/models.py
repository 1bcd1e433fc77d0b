"""Students, their classes and cohorts, and the extra access a school grants.

A *cohort* is a school's group of one year of study and level in one school
year (for example "vmbo-t year 3, 2026/27"); it carries the MaS hour
requirement (30 hours in the Leiden covenant, the school may set another).
A *class* (klas) belongs to a cohort. A *student* (leerling) belongs to a school
and a class, and may have guardians (ouders/verzorgers) who usually have no
account. The guidance level and the support-need notes are sensitive: who may
read them is decided in ``meedoen.core.policy``, and reading them is audited.

An *access grant* is the school coordinator's decision to let someone else see
students of the school: a mentor for a class, or the broker for one student who
needs mediation. Grants expire and can be revoked.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Location, School


class Level(models.TextChoices):
    PRO = "pro", _("Practical education (pro)")
    VMBO_B = "vmbo-b", _("vmbo basic")
    VMBO_K = "vmbo-k", _("vmbo vocational")
    VMBO_G = "vmbo-g", _("vmbo combined")
    VMBO_T = "vmbo-t", _("vmbo theoretical")
    HAVO = "havo", _("havo")
    VWO = "vwo", _("vwo")


class GuidanceLevel(models.TextChoices):
    """Begeleiding, from the Leeuwarden guidance flow chart."""

    STANDARD = "standard", _("Standard")
    TARGETED = "targeted", _("Targeted")
    INTENSIVE = "intensive", _("Intensive")


def current_school_year(today: datetime.date | None = None) -> int:
    """The school year as its starting calendar year; a new one starts on 1 August."""
    today = today or timezone.localdate()
    return today.year if today.month >= 8 else today.year - 1


def school_year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


class Cohort(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("school")
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    year_of_study = models.PositiveSmallIntegerField(_("year of study"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    required_hours = models.PositiveSmallIntegerField(_("required MaS hours"), default=30)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["school_year", "year_of_study", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "year_of_study", "level"], name="uniq_cohort"
            )
        ]

    def __str__(self) -> str:
        year = school_year_label(self.school_year)
        return f"{self.get_level_display()} {self.year_of_study} — {year}"


class SchoolClass(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="classes", verbose_name=_("school")
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="classes",
        verbose_name=_("location"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="classes", verbose_name=_("cohort")
    )
    name = models.CharField(_("class"), max_length=30)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="uniq_class_name_in_cohort")
        ]

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="students", verbose_name=_("school")
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("class"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
    )
    student_number = models.CharField(_("student number"), max_length=20)
    first_name = models.CharField(_("first name"), max_length=100)
    name_prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"), blank=True)
    home_postcode = models.CharField(_("home postcode"), max_length=7, blank=True)
    guidance_level = models.CharField(
        _("guidance level"),
        max_length=10,
        choices=GuidanceLevel.choices,
        default=GuidanceLevel.STANDARD,
    )
    support_needs = models.TextField(
        _("support needs"),
        blank=True,
        help_text=_("Sensitive: only the school and those it grants access may read this."),
    )
    active = models.BooleanField(_("enrolled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "student_number"], name="uniq_student_number_per_school"
            )
        ]
        indexes = [models.Index(fields=["school", "school_class"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.name_prefix, self.last_name] if p)

    def age_on(self, day: datetime.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def required_hours(self) -> int:
        if self.school_class_id:
            return self.school_class.cohort.required_hours
        return self.school.required_hours


class Guardian(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("parent or guardian")
        verbose_name_plural = _("parents and guardians")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class AccessGrantQuerySet(models.QuerySet):
    def active(self, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class AccessGrant(models.Model):
    """Extra access given by a school coordinator: to a class or to one student."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="access_grants")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_grants",
        verbose_name=_("person"),
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("class"),
    )
    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("student"),
    )
    include_support_needs = models.BooleanField(_("may read support needs"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="grant_names_class_or_student",
                condition=(
                    Q(school_class__isnull=False, student__isnull=True)
                    | Q(school_class__isnull=True, student__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.grantee} → {self.school_class or self.student}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
