"""Navigation per role, computed from the access policy."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Role

from .apps_registry import app_modules
from .policy import principal_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "primary_role": None}
    p = principal_for(user)
    items = [(_("Dashboard"), reverse("core:dashboard"))]
    if p.is_admin or p.coordinator_school_ids:
        items += [
            (_("Students"), reverse("students:list")),
            (_("Import"), reverse("students:import")),
            (_("Access"), reverse("students:grants")),
        ]
    elif Role.MENTOR in p.roles or Role.ORGANISATION in p.roles or Role.BROKER in p.roles:
        items += [(_("Students"), reverse("students:list"))]
    if p.roles - {Role.STUDENT}:
        items += [(_("Organisations"), reverse("directory:organisations"))]
        items += [(_("Schools"), reverse("directory:schools"))]
    for module in app_modules("nav", "items"):
        items += module.items(p)
    if p.is_admin:
        items += [(_("Administration"), reverse("admin:index"))]
    items += [(_("API"), reverse("api:docs"))] if p.is_staff_role else []
    role = p.primary_role
    return {"nav_items": items, "primary_role": Role(role).label if role else None}
