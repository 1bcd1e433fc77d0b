"""Navigation entries of the evaluations app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def items(principal) -> list[tuple[str, str]]:
    out = []
    if principal.is_admin or principal.broker_region_ids:
        out.append((_("Evaluations"), reverse("evaluations:overview")))
    if principal.organisation_ids:
        out.append((_("Feedback"), reverse("evaluations:feedback")))
    return out
