"""Navigation entries of the hours app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Role


def items(principal) -> list[tuple[str, str]]:
    out = []
    school_side = principal.is_admin or principal.coordinator_school_ids
    if Role.STUDENT in principal.roles or school_side:
        out.append((_("Hours"), reverse("hours:list")))
    if school_side or Role.MENTOR in principal.roles:
        out.append((_("Progress"), reverse("hours:progress")))
    if principal.coordinator_school_ids:
        out.append((_("Import record"), reverse("hours:import")))
    return out
