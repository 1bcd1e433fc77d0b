"""The review workflow of a placement offer, as data.

draft → submitted → published, or returned with the broker's reason (the
organisation edits and resubmits); a published offer can be paused and resumed,
closed, and a closed offer archived. Renewal copies an offer into the next school
year as a new draft (it is not a state change of the original).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VacancyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


S = VacancyStatus
# (from, to) -> who may make the change: "organisation" (its contacts, or the broker on
# its behalf) or "broker" only.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): "organisation",
    (S.RETURNED, S.SUBMITTED): "organisation",
    (S.SUBMITTED, S.PUBLISHED): "broker",
    (S.SUBMITTED, S.RETURNED): "broker",
    (S.PUBLISHED, S.PAUSED): "organisation",
    (S.PAUSED, S.PUBLISHED): "organisation",
    (S.PUBLISHED, S.CLOSED): "organisation",
    (S.PAUSED, S.CLOSED): "organisation",
    (S.DRAFT, S.CLOSED): "organisation",
    (S.RETURNED, S.CLOSED): "organisation",
    (S.CLOSED, S.ARCHIVED): "broker",
}
# States in which the organisation may still edit the content of the offer.
EDITABLE = {S.DRAFT, S.RETURNED}
# States in which an offer is visible to students and the public.
VISIBLE = {S.PUBLISHED}
