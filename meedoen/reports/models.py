"""Reports and money: what schools, boards and municipalities account for.

Chapter 7 ("Financiën") of the Leeuwarden plan describes the money behind MaS and what
has to be reported for it. Meedoen produces those figures from the data it holds:

* the school's *end-of-year report* (eindrapportage) per school (BRIN) and school year,
  with a free text on the bottlenecks that the coordinator writes (``SchoolReportNote``);
* the list of students for the final settlement of a subsidy;
* the municipality's overview (Wmo performance field 4), the broker's regional figures and
  the school board's overview — aggregates only, small counts suppressed (``suppression``);
* *subsidy schemes* (``SubsidyScheme``): configurable, versioned rules with the seed's
  figures as presets, each computing what is due step by step (``subsidy.py``);
* exports prepared in the background (``ReportExport``), visible to their requester only.

The figures themselves are read in ``selectors.py``; nothing here stores a count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import School


class SchemeKind(models.TextChoices):
    PILOT = "pilot", _("Pilot subsidy: an amount per student, in two halves")
    ADDITIONAL = "additional", _("Additional funding per counted pupil (aanvullende bekostiging)")
    MUNICIPAL = "municipal", _("Municipal distribution of the national budget")
    NATIONAL_ORGANISATION = (
        "national_org",
        _("Contribution per realised placement for national organisations"),
    )


class SubsidyScheme(models.Model):
    """One version of a subsidy rule: its kind, from when it applies, and its amounts.

    The parameters are a JSON object whose keys depend on the kind (see
    ``subsidy.PARAMETERS``); amounts are stored as strings and read as ``Decimal``.
    A change is a new version, never an edit of one that may already have been used.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=SchemeKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    parameters = models.JSONField(_("parameters"), default=dict)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the figures come from.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy scheme")
        verbose_name_plural = _("subsidy schemes")
        ordering = ["kind", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="uniq_scheme_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version}, {self.valid_from:%d-%m-%Y})"


class SchoolReportNote(models.Model):
    """The coordinator's own text on the bottlenecks of a school year (knelpunten)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="report_notes")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    bottlenecks = models.TextField(_("bottlenecks"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("end-of-year report note")
        verbose_name_plural = _("end-of-year report notes")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="uniq_report_note"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportExport(models.Model):
    """A report file prepared in the background; only the person who asked may fetch it.

    The file is kept in the database (like the agreements' PDFs) so that it needs no
    shared disk between web servers and worker, and is removed with the row.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_exports"
    )
    report = models.CharField(max_length=20)
    target_id = models.PositiveIntegerField()
    school_year = models.PositiveSmallIntegerField()
    fmt = models.CharField(max_length=5)
    title = models.CharField(max_length=250)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    error = models.TextField(blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
