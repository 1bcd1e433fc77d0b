"""Main-navigation entries of the period planning."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Role


def items(principal) -> list[tuple[str, str]]:
    p = principal
    out = []
    if p.is_admin or p.coordinator_school_ids or p.board_ids or Role.MENTOR in p.roles:
        out.append((_("Internship periods"), reverse("planning:periods")))
    if p.roles - {Role.STUDENT}:
        out.append((_("Yearly overview"), reverse("planning:overview")))
    if p.broker_region_ids:
        out.append((_("Planning round"), reverse("planning:round")))
    return out
