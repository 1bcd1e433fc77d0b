"""Matching rounds: students rank placement offers, the engine assigns, the school publishes.

A *matching round* (matchingronde) belongs to one school and, usually, one of its
internship periods (``planning.InternshipPeriod``): the students are those of the
period's classes (or its whole cohort), the offers the published individual offers of
the region's placement bank that are available in the period and fit the cohort's level.
The coordinator sets how many choices a student may rank (5 by default) and between which
dates; the workflow (``workflows.py``) is draft → open → closed → published.

* ``RoundStudent``: a student's place in the round, with the *lottery number* that breaks
  ties in the engine. It is drawn once, deterministically, from the round's ``seed`` and the
  student's id, so every run of a round is reproducible.
* ``Choice``: one ranked offer of a student (rank 1 = most wanted).
* *Mediation first*: a student with a targeted or intensive guidance need can be routed to
  mediation (``mediation``). The broker (with the school's access grant for that student)
  or the coordinator then places them by hand into an offer that gives that guidance; they
  are left out of the automatic run, and their placement takes one of the offer's places.
* ``RoundRun``: one run of the engine (mode ``da`` or ``optimal``): the capacities it was
  given, the assignment, the totals and each student's explanation, plus any hand
  adjustments. Runs change nothing outside this app until one is *published*: then one
  transaction creates a proposed placement (source "matching") per assigned student and
  stores each student's result on their ``RoundStudent``.
* ``RoundEvent``: who changed the round's state, and when.

*Region rounds* (regioronde): the region's broker opens one round for the whole region,
with a date window and the levels it is for instead of one school's period. Schools take
part by consent: a coordinator *enrols* one of the school's internship periods
(``RoundEnrolment``: who, when; withdrawn before closing), which adds the period's
students. The broker runs the engine once over every enrolled student and every offer, so
schools do not take the same places, and publishes; but the broker sees only figures, not
the students (unless the school granted a student, as for mediation). Each school's
coordinator sees, adjusts and explains the results of their own students. A region round
has ``region`` and the window set and no ``school``/``period``; a school round has both
(and ``region`` copied from the school). Which students a region round is for is told by
its levels and years of study (``years``: the cohort's ``year_of_study``, empty for every
year): a school can enrol only a period whose cohort is of one of them.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Region, School
from meedoen.placements.models import Placement
from meedoen.planning.models import InternshipPeriod
from meedoen.stagebank.models import Vacancy
from meedoen.students.models import Level, Student

from .workflows import RoundStatus

DEFAULT_CHOICES = 5
MAX_CHOICES = 10
# The years of study of secondary school (vwo has six), as the student import accepts them.
YEARS_OF_STUDY = tuple(range(1, 7))


class Mode(models.TextChoices):
    DA = "da", _("Fair lottery (deferred acceptance)")
    OPTIMAL = "optimal", _("Most students placed (optimal)")


class Round(models.Model):
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        related_name="matching_rounds",
        null=True,
        verbose_name=_("region"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="matching_rounds",
        null=True,
        blank=True,
        verbose_name=_("school"),
    )
    period = models.ForeignKey(
        InternshipPeriod,
        on_delete=models.PROTECT,
        related_name="matching_rounds",
        null=True,
        blank=True,
        verbose_name=_("internship period"),
    )
    # Region rounds only: the window in which the enrolled periods lie, the levels and
    # the years of study (the cohorts' ``year_of_study``) they are for; empty: all.
    window_start = models.DateField(_("from"), null=True, blank=True)
    window_end = models.DateField(_("until"), null=True, blank=True)
    levels = models.JSONField(_("levels"), default=list, blank=True)
    years = models.JSONField(_("years of study"), default=list, blank=True)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    max_choices = models.PositiveSmallIntegerField(_("number of choices"), default=DEFAULT_CHOICES)
    opens_on = models.DateField(_("open for choices from"))
    closes_on = models.DateField(_("open for choices until"))
    seed = models.PositiveIntegerField(_("lottery seed"))
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("second round of"),
    )
    published_run = models.ForeignKey(
        "RoundRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        ordering = ["-opens_on", "-pk"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["region", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="round_school_or_region",
                condition=(
                    Q(school__isnull=False, period__isnull=False)
                    | Q(
                        school__isnull=True,
                        period__isnull=True,
                        region__isnull=False,
                        window_start__isnull=False,
                        window_end__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="round_dates_ordered", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
            models.CheckConstraint(
                name="round_choices_range",
                condition=Q(max_choices__gte=1, max_choices__lte=MAX_CHOICES),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region_round(self) -> bool:
        return self.school_id is None

    @property
    def start_date(self):
        return self.window_start if self.is_region_round else self.period.start_date

    @property
    def end_date(self):
        return self.window_end if self.is_region_round else self.period.end_date

    def level_labels(self) -> list[str]:
        labels = dict(Level.choices)
        return [str(labels.get(v, v)) for v in Level.values if v in (self.levels or [])]

    def lottery_for(self, student_id: int) -> float:
        """The student's lottery number in this round: fixed by the seed, in [0, 1)."""
        return random.Random(f"{self.seed}:{student_id}").random()


class RoundOffer(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="offers")
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="+", verbose_name=_("placement offer")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "vacancy"], name="uniq_round_offer")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.vacancy_id}"


class RoundEnrolment(models.Model):
    """A school's consent to a region round: one of its internship periods (its classes or
    cohort) takes part, and the broker runs the allocation for those students."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        InternshipPeriod,
        on_delete=models.PROTECT,
        related_name="round_enrolments",
        verbose_name=_("internship period"),
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "school__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "period"],
                condition=Q(withdrawn_at__isnull=True),
                name="uniq_round_enrolment_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.period_id}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Mediation(models.TextChoices):
    NONE = "", _("Not routed")
    ROUTED = "routed", _("Routed to mediation")


class RoundStudent(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="round_entries", verbose_name=_("student")
    )
    lottery = models.FloatField(_("lottery number"))
    # Region rounds: the school's enrolment that brought the student in.
    enrolment = models.ForeignKey(
        RoundEnrolment, on_delete=models.CASCADE, null=True, blank=True, related_name="entries"
    )
    mediation = models.CharField(
        _("mediation"), max_length=10, choices=Mediation.choices, default="", blank=True
    )
    mediation_placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The published result (empty until the round is published).
    result_vacancy = models.ForeignKey(
        Vacancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    result_placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    explanation = models.JSONField(default=dict, blank=True)
    choices_changed_at = models.DateTimeField(null=True, blank=True)
    choices_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["student__last_name", "student__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="uniq_round_student")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.student_id}"

    @property
    def period(self) -> InternshipPeriod:
        """The internship period the student takes part with (their school's)."""
        return self.enrolment.period if self.enrolment_id else self.round.period

    @property
    def in_mediation(self) -> bool:
        return self.mediation == Mediation.ROUTED or self.mediation_placement_id is not None


class Choice(models.Model):
    entry = models.ForeignKey(RoundStudent, on_delete=models.CASCADE, related_name="choices")
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.CASCADE, related_name="+", verbose_name=_("placement offer")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        ordering = ["entry", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "rank"], name="uniq_choice_rank"),
            models.UniqueConstraint(fields=["entry", "vacancy"], name="uniq_choice_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} #{self.rank}: {self.vacancy_id}"


class RoundRun(models.Model):
    """One run of the engine. ``assignment`` maps student id → offer id (or null);
    ``explanations`` maps student id → the engine's explanation; ``adjustments`` lists the
    hand changes made afterwards (who, when, student, from, to)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="runs")
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    capacities = models.JSONField(default=dict)
    assignment = models.JSONField(default=dict)
    ranks = models.JSONField(default=dict)
    stats = models.JSONField(default=dict)
    explanations = models.JSONField(default=dict)
    adjustments = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.mode} #{self.pk}"


class RoundEvent(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, choices=RoundStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=RoundStatus.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.action}"
