"""Period planning: when the schools of a region send their students on internship.

The Leiden covenant: "iDOE verzorgt elk jaar in september het overzicht wanneer de
scholen de leerlingen stage willen laten lopen", so that not every school sends its
students at the same moment and host organisations are not flooded.

* An *internship period* (stageperiode) is one cohort's (year of study and level,
  optionally some of its classes) internship window in a school year: the MaS format,
  the dates (or, for a ribbon, weekdays across a range), the expected number of
  students, the hours per student, individual or group. It goes draft → submitted →
  confirmed (``workflows.py``); every change is a ``PeriodEvent``.
* A *planning year* is the broker's round for a region and school year: the deadline
  for submission, the share of supply above which demand counts as a peak, and whether
  the yearly overview is published to schools and organisations.
* A *shift decision* records what a coordinator did with a piece of shifting advice:
  accepted (the period moved) or ignored (the advice is no longer shown).

How demand and supply are counted is explained in ``overview.py``.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Region, School
from meedoen.stagebank.models import Format, Kind
from meedoen.students.models import Cohort, SchoolClass

from .overview import school_year_bounds  # noqa: F401 - part of this module's API
from .workflows import PeriodStatus


class InternshipPeriod(models.Model):
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="internship_periods",
        verbose_name=_("school"),
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="internship_periods",
        verbose_name=_("cohort"),
    )
    classes = models.ManyToManyField(
        SchoolClass,
        blank=True,
        related_name="internship_periods",
        verbose_name=_("classes"),
        help_text=_("Leave empty when the period is for the whole cohort."),
    )
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    kind = models.CharField(
        _("individual or group"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    weekdays = models.JSONField(
        _("weekdays"),
        default=list,
        blank=True,
        help_text=_("For a ribbon: the days of the week the students go (0 = Monday)."),
    )
    students = models.PositiveIntegerField(_("expected number of students"))
    hours_per_student = models.PositiveSmallIntegerField(_("hours per student"), default=30)
    sectors = models.JSONField(
        _("sectors"),
        default=list,
        blank=True,
        help_text=_("Only when the students must choose from these sectors; empty: any sector."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("internship period")
        verbose_name_plural = _("internship periods")
        ordering = ["start_date", "pk"]
        indexes = [
            models.Index(fields=["school_year", "status"]),
            models.Index(fields=["school", "school_year"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="period_dates_ordered", condition=Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(name="period_has_students", condition=Q(students__gte=1)),
            models.CheckConstraint(name="period_has_hours", condition=Q(hours_per_student__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.get_format_display()} · {self.start_date:%d-%m-%Y}"

    @property
    def weeks(self) -> int:
        """Number of calendar weeks the period touches."""
        first = self.start_date - datetime.timedelta(days=self.start_date.weekday())
        return (self.end_date - first).days // 7 + 1

    def weekday_labels(self) -> list[str]:
        from meedoen.stagebank.models import WEEKDAYS

        names = dict(WEEKDAYS)
        return [str(names[d]) for d in sorted(self.weekdays) if d in names]


class PeriodEvent(models.Model):
    """A recorded change of a period: created, changed, a state change, shifted, copied."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        STATUS = "status", _("Status changed")
        SHIFTED = "shifted", _("Moved on advice")
        COPIED = "copied", _("Copied from last year")

    period = models.ForeignKey(InternshipPeriod, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_status = models.CharField(max_length=12, choices=PeriodStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PeriodStatus.choices, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.kind}"


class PlanningYear(models.Model):
    """The broker's planning round of one region for one school year."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="planning_years")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    submission_deadline = models.DateField(_("deadline for submission"), null=True, blank=True)
    peak_share = models.PositiveSmallIntegerField(
        _("peak threshold (% of supply)"),
        default=80,
        validators=[MinValueValidator(10), MaxValueValidator(200)],
        help_text=_("A week is a peak when demand exceeds this share of the open places."),
    )
    published_at = models.DateTimeField(_("overview published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("planning year")
        verbose_name_plural = _("planning years")
        constraints = [
            models.UniqueConstraint(fields=["region", "school_year"], name="uniq_planning_year"),
            models.CheckConstraint(
                name="planning_year_peak_share_range",
                condition=Q(peak_share__gte=10, peak_share__lte=200),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.school_year}"

    @property
    def threshold(self) -> float:
        return self.peak_share / 100


class ShiftDecision(models.Model):
    """What a coordinator did with one piece of shifting advice."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        IGNORED = "ignored", _("Ignored")

    period = models.ForeignKey(
        InternshipPeriod, on_delete=models.CASCADE, related_name="shift_decisions"
    )
    shift_weeks = models.SmallIntegerField(_("weeks moved"))
    peak_week = models.DateField(_("week of the peak"))
    from_start = models.DateField()
    from_end = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period_id} {self.shift_weeks:+d}w {self.decision}"
