"""Main-navigation entry of the reports: for the roles that have a report."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def items(principal) -> list[tuple[str, str]]:
    p = principal
    if (
        p.is_admin
        or p.coordinator_school_ids
        or p.board_ids
        or p.municipality_ids
        or p.broker_region_ids
    ):
        return [(_("Reports"), reverse("reports:index"))]
    return []
