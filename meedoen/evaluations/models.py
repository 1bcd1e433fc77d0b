"""Evaluations after a placement, and the broker's attention flags.

Three evaluations close a placement: the *student's* evaluation of the placement, the
*organisation's* evaluation of the student (attendance, attitude, remarks; through a
link without an account, or with one), and the *school's* evaluation of the cooperation
with the organisation. Each is a set of answers to a region's *question set* of that
kind: scaled questions (1 = poor … 5 = excellent) and open questions. A region's broker
edits its question sets; a change makes a new version, so answers keep the questions
they answered. When a region has no set yet, the default set is created on first use.

The broker reads averages and comments per organisation and offer over time. A poor
result raises an ``AttentionFlag`` on the offer (see ``services.POOR_*``) until the
broker resolves it. The student's evaluation is never shown to the organisation by name.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Organisation, Region
from meedoen.placements.models import Placement
from meedoen.stagebank.models import Vacancy

SCALE_MIN, SCALE_MAX = 1, 5


class EvaluationKind(models.TextChoices):
    STUDENT = "student", _("Student's evaluation")
    ORGANISATION = "organisation", _("Organisation's evaluation of the student")
    SCHOOL = "school", _("School's evaluation of the cooperation")


class QuestionType(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    TEXT = "text", _("Open question")


class QuestionSet(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="question_sets")
    kind = models.CharField(_("kind"), max_length=12, choices=EvaluationKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        ordering = ["region", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind"],
                condition=Q(active=True),
                name="one_active_question_set_per_kind",
            ),
            models.UniqueConstraint(
                fields=["region", "kind", "version"], name="uniq_question_set_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Question(models.Model):
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(max_length=40)
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    type = models.CharField(max_length=8, choices=QuestionType.choices, default=QuestionType.SCALE)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "code"], name="uniq_question_code")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "en" and self.text_en:
            return self.text_en
        return self.text


class Evaluation(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(max_length=12, choices=EvaluationKind.choices)
    question_set = models.ForeignKey(QuestionSet, on_delete=models.RESTRICT, related_name="+")
    # Denormalised for the broker's figures: which offer and organisation this is about.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="evaluations"
    )
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluations"
    )
    average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    respondent = models.CharField(max_length=254, blank=True)
    via_link = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="one_evaluation_per_kind")
        ]
        indexes = [models.Index(fields=["organisation", "kind", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.placement_id}"


class Answer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers")
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question__order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="answer_scale_in_range",
                condition=Q(scale__isnull=True) | Q(scale__gte=SCALE_MIN, scale__lte=SCALE_MAX),
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.scale or self.text[:30]}"


class EvaluationLink(models.Model):
    """A link for the organisation's contact to evaluate the student without an account."""

    token_hash = models.CharField(max_length=64, unique=True)
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="evaluation_links"
    )
    email = models.EmailField()
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


class AttentionFlag(models.Model):
    """A poor result puts an offer (or an organisation without offer) on the broker's list."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="attention_flags"
    )
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.CASCADE, null=True, blank=True, related_name="attention_flags"
    )
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300)
    average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        verbose_name = _("attention flag")
        verbose_name_plural = _("attention flags")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reason

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


def scale_average(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))
