"""Navigation entries of the placements app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Role


def items(principal) -> list[tuple[str, str]]:
    roles = principal.roles
    if principal.is_admin or principal.coordinator_school_ids:
        return [(_("Placements"), reverse("placements:list"))]
    if Role.ORGANISATION in roles:
        return [(_("Students coming"), reverse("placements:list"))]
    if Role.STUDENT in roles:
        return [(_("My placement"), reverse("placements:list"))]
    return []
