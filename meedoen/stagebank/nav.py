"""Navigation entries of the placement bank."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Role


def items(principal) -> list[tuple[str, str]]:
    if not principal.roles:
        return []
    entries = [(_("Placement bank"), reverse("stagebank:search"))]
    if principal.is_admin or principal.broker_region_ids:
        entries.append((_("Review"), reverse("stagebank:overview")))
    if Role.ORGANISATION in principal.roles:
        entries.append((_("My offers"), reverse("stagebank:mine")))
    return entries
