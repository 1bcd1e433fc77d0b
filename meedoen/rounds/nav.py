"""Main-navigation entry of the matching rounds."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Role


def items(principal) -> list[tuple[str, str]]:
    p = principal
    if p.is_admin or p.coordinator_school_ids or p.broker_region_ids or Role.MENTOR in p.roles:
        return [(_("Matching rounds"), reverse("rounds:list"))]
    return []
