"""The placement bank (stagebank): offers of host organisations and their review.

A *vacancy* (stageplaats, vacature, klus) is what an organisation offers students
for one school year: a task, for an individual or a group, with capacity,
suitability (age, levels, guidance) and availability (dates, weekdays, parts of
day, MaS formats). The broker reviews it against the region's quality criteria
before it is published; every change of state is a ``VacancyEvent``.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Address, ContactPerson, Organisation, Region, Sector
from meedoen.students.models import GuidanceLevel, Level

from .workflows import VacancyStatus


class Format(models.TextChoices):
    """MaS formats (MaS-vormen) from the Leeuwarden plan."""

    RIBBON = "ribbon", _("Spread over the year (ribbon)")
    BLOCK = "block", _("Block")
    PROJECT = "project", _("Project")
    CAROUSEL = "carousel", _("Carousel")
    DUAL = "dual", _("Dual")


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class DayPart(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
GUIDANCE_RANK = {GuidanceLevel.STANDARD: 0, GuidanceLevel.TARGETED: 1, GuidanceLevel.INTENSIVE: 2}


class QualityCriterion(models.Model):
    """One point of the broker's review checklist; configurable per region."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="quality_criteria")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("criterion"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("quality criterion")
        verbose_name_plural = _("quality criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="uniq_criterion_code")
        ]

    def __str__(self) -> str:
        return self.label


class Vacancy(Address):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="vacancies",
        verbose_name=_("organisation"),
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    activities = models.TextField(_("activities"), blank=True)
    kind = models.CharField(_("individual or group"), max_length=12, choices=Kind.choices)
    group_min = models.PositiveSmallIntegerField(_("minimum group size"), null=True, blank=True)
    group_max = models.PositiveSmallIntegerField(_("maximum group size"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=12)
    levels = models.JSONField(_("suitable levels"), default=list, blank=True)
    guidance_offered = models.CharField(
        _("guidance offered"),
        max_length=10,
        choices=GuidanceLevel.choices,
        default=GuidanceLevel.STANDARD,
    )
    vog_required = models.BooleanField(
        _("certificate of conduct (VOG) for supervisors"), default=False
    )
    start_date = models.DateField(_("available from"))
    end_date = models.DateField(_("available until"))
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    day_parts = models.JSONField(_("parts of day"), default=list, blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)
    expected_hours = models.PositiveSmallIntegerField(_("expected hours"), default=30)
    contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("contact person"),
    )
    photo = models.ImageField(_("photo"), upload_to="vacancies/", blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=VacancyStatus.choices, default=VacancyStatus.DRAFT
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    renewed_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Full-text document (PostgreSQL only; NULL on SQLite). Filled by a database trigger
    # from title (A), description and activities (B) and the organisation's name (C):
    # see migration 0002. Never written by Django, never read into Python.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("placement offer")
        verbose_name_plural = _("placement offers")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "sector"]),
            models.Index(fields=["status", "start_date"]),
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["organisation", "status"]),
            # The bounding-box prefilter of a distance search.
            models.Index(fields=["status", "latitude", "longitude"], name="vacancy_status_geo"),
        ]
        constraints = [
            models.CheckConstraint(
                name="vacancy_dates_ordered",
                condition=models.Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # Labels for pages; the stored values are codes.
    def level_labels(self) -> list[str]:
        order = {code: i for i, code in enumerate(Level.values)}
        labels = dict(Level.choices)
        return [str(labels.get(v, v)) for v in sorted(self.levels, key=lambda v: order.get(v, 99))]

    def weekday_labels(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [str(labels.get(v, v)) for v in sorted(self.weekdays)]

    def day_part_labels(self) -> list[str]:
        labels = dict(DayPart.choices)
        return [str(labels.get(v, v)) for v in self.day_parts]

    def format_labels(self) -> list[str]:
        labels = dict(Format.choices)
        return [str(labels.get(v, v)) for v in self.formats]

    @property
    def is_group(self) -> bool:
        return self.kind == Kind.GROUP


class VacancyEvent(models.Model):
    """A recorded change of an offer's state: who, when, why, and the review checklist."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=VacancyStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=VacancyStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    checklist = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.vacancy_id}: {self.from_status} → {self.to_status}"
