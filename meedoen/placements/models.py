"""Placements: a student (or group) at a host organisation.

The foundation keeps only what access decisions need: which student is placed
or applying where, in which state, and whether the school shared the student's
support needs with the organisation for this placement. The workflow, the
agreement and signing come with the placements capability.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Organisation
from meedoen.stagebank.models import Vacancy
from meedoen.students.models import Student


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
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
    PlacementStatus.APPROVED,
    PlacementStatus.AGREEMENT_ISSUED,
    PlacementStatus.SIGNED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
]


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
    activity = models.CharField(_("activity"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    share_support_needs = models.BooleanField(
        _("support needs shared with the organisation"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.student} @ {self.organisation}"
