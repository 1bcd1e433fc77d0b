"""The workflow of an internship period, as data.

A coordinator enters a period as a *draft*, *submits* it to the broker for the yearly
overview, and the broker *confirms* it (or sends it back to draft with a reason). A
coordinator may take a submitted or confirmed period back to draft to change it; it
then has to be submitted again. Moving a period by accepting shifting advice is not a
change of state: it is recorded as a ``shifted`` event and the status stays.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the broker")
    CONFIRMED = "confirmed", _("Confirmed")


S = PeriodStatus
# (from, to) -> who may make the change: "school" (the school's coordinator) and/or
# "broker" (the broker of the school's region). The administrator may make every change.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({"school"}),
    (S.SUBMITTED, S.DRAFT): frozenset({"school", "broker"}),
    (S.CONFIRMED, S.DRAFT): frozenset({"school"}),
    (S.SUBMITTED, S.CONFIRMED): frozenset({"broker"}),
}
# States in which the school may still edit or delete the period.
EDITABLE = {S.DRAFT}
# States that count in the broker's regional overview.
COUNTED = {S.SUBMITTED, S.CONFIRMED}

# The button label of each change, for pages and the API.
ACTION_LABELS = {
    (S.DRAFT, S.SUBMITTED): _("Submit to the broker"),
    (S.SUBMITTED, S.DRAFT): _("Back to draft"),  # the broker: return with a reason
    (S.CONFIRMED, S.DRAFT): _("Back to draft"),
    (S.SUBMITTED, S.CONFIRMED): _("Confirm"),
}
