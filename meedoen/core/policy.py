"""The access policy: may this person do this to this object, and which fields may they see.

Everything a page or API call shows goes through here or through the
``<entities>_visible_to(user)`` selectors, which use the same ``Principal``.
The rules, in the brief's words:

* a coordinator sees their school's students, and decides who else may;
* a mentor sees the students of the classes the coordinator granted them;
* the broker sees aggregates, and one student only when the school granted it
  (mediation);
* an organisation sees only students placed or applying with it, only the fields
  it needs, and support needs only where the school shared them for that placement;
* the municipality and the school-board project lead see aggregates only;
* a student sees their own record.

A forbidden object must look exactly like a missing one: use ``access_or_404``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Model, QuerySet
from django.http import Http404

from meedoen.directory.models import STAFF_ROLES, Membership, Role

from .sql import CompiledQuery

SCOPES = ("region", "municipality", "board", "school", "organisation")


@dataclass
class Principal:
    """A signed-in person's roles and the scopes of each, read once per request.

    ``rows`` are the memberships as plain tuples ``(role, region_id, municipality_id,
    board_id, school_id, organisation_id)``: every page needs them (navigation, the
    two-factor check), so they are read without joins. The membership objects with their
    schools, organisations and so on are read only by the pages that use them."""

    user: object
    rows: list[tuple] = field(default_factory=list)

    @cached_property
    def memberships(self) -> list[Membership]:
        if not self.rows:
            return []
        return list(Membership.objects.filter(user=self.user).select_related(*SCOPES))

    @cached_property
    def roles(self) -> set[str]:
        roles = {row[0] for row in self.rows}
        if getattr(self.user, "is_superuser", False):
            roles.add(Role.ADMIN)
        return roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_staff_role(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def scope_ids(self, role: str, attr: str) -> set[int]:
        column = SCOPES.index(attr) + 1
        return {row[column] for row in self.rows if row[0] == role}

    @cached_property
    def coordinator_school_ids(self) -> set[int]:
        return self.scope_ids(Role.COORDINATOR, "school")

    @cached_property
    def mentor_school_ids(self) -> set[int]:
        return self.scope_ids(Role.MENTOR, "school")

    @cached_property
    def broker_region_ids(self) -> set[int]:
        return self.scope_ids(Role.BROKER, "region")

    @cached_property
    def municipality_ids(self) -> set[int]:
        return self.scope_ids(Role.MUNICIPALITY, "municipality")

    @cached_property
    def board_ids(self) -> set[int]:
        return self.scope_ids(Role.PROJECT_LEAD, "board")

    @cached_property
    def organisation_ids(self) -> set[int]:
        return self.scope_ids(Role.ORGANISATION, "organisation")

    @property
    def primary_role(self) -> str | None:
        for role in [
            Role.ADMIN,
            Role.BROKER,
            Role.MUNICIPALITY,
            Role.PROJECT_LEAD,
            Role.COORDINATOR,
            Role.MENTOR,
            Role.ORGANISATION,
            Role.STUDENT,
        ]:
            if role in self.roles:
                return role
        return None


def principal_for(user) -> Principal:
    """The cached Principal of a user (anonymous users have no roles)."""
    if user is None or not user.is_authenticated:
        return Principal(user=user)
    cached = getattr(user, "_meedoen_principal", None)
    if cached is None:
        cached = Principal(user=user, rows=MEMBERSHIP_ROWS.rows(user.pk))
        user._meedoen_principal = cached
    return cached


# Every page reads a person's memberships: their SQL is written once (``CompiledQuery``).
MEMBERSHIP_ROWS = CompiledQuery(
    Membership,
    lambda user_id: Membership.objects.filter(user_id=user_id).values_list(
        "role", *(f"{scope}_id" for scope in SCOPES)
    ),
)


def access_or_404(queryset: QuerySet, **lookup) -> Model:
    """Fetch one object from an already scoped queryset; forbidden looks like missing."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# ---------------------------------------------------------------------------
# Student fields: which groups of fields a person may see of one student.
# ---------------------------------------------------------------------------

IDENTITY = "identity"  # name, school, class
PERSONAL = "personal"  # date of birth, student number, e-mail, home postcode
GUARDIANS = "guardians"
GUIDANCE = "guidance"  # guidance level
SUPPORT_NEEDS = "support_needs"  # sensitive notes
ALL_STUDENT_FIELDS = frozenset({IDENTITY, PERSONAL, GUARDIANS, GUIDANCE, SUPPORT_NEEDS})


def student_field_groups(user, student) -> frozenset[str]:
    """The field groups of ``student`` that ``user`` may see (empty: none at all)."""
    from meedoen.placements.selectors import placements_sharing_with
    from meedoen.students.selectors import active_grants_for

    p = principal_for(user)
    if not p.roles:
        return frozenset()
    if p.is_admin or student.school_id in p.coordinator_school_ids:
        return ALL_STUDENT_FIELDS
    groups: set[str] = set()
    if student.user_id is not None and student.user_id == getattr(user, "pk", None):
        groups |= {IDENTITY, PERSONAL, GUARDIANS, GUIDANCE}
    for grant in active_grants_for(user, student):
        groups |= {IDENTITY, PERSONAL, GUARDIANS, GUIDANCE}
        if grant.include_support_needs:
            groups.add(SUPPORT_NEEDS)
    if p.organisation_ids:
        shared = placements_sharing_with(p.organisation_ids, student)
        if shared is not None:
            groups.add(IDENTITY)
            if shared:
                groups |= {GUIDANCE, SUPPORT_NEEDS}
    return frozenset(groups)


# ---------------------------------------------------------------------------
# Actions on objects.
# ---------------------------------------------------------------------------


def _manages_school(p: Principal, school) -> bool:
    return p.is_admin or school.pk in p.coordinator_school_ids


def _school_of(obj):
    return obj if obj._meta.model_name == "school" else obj.school


RULES: dict[str, Callable[[Principal, Model], bool]] = {
    # A coordinator runs MaS for the school: students, import, grants.
    "school.manage": lambda p, school: _manages_school(p, school),
    "school.import_students": lambda p, school: _manages_school(p, school),
    "school.manage_access": lambda p, school: _manages_school(p, school),
    "grant.revoke": lambda p, grant: _manages_school(p, grant.school),
    "student.view_support_needs": lambda p, student: (
        SUPPORT_NEEDS in student_field_groups(p.user, student)
    ),
    "student.edit": lambda p, student: _manages_school(p, student.school),
}


def may(user, action: str, obj: Model) -> bool:
    """May ``user`` do ``action`` to ``obj``? Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None:
        return False
    p = principal_for(user)
    if not p.roles:
        return False
    return bool(rule(p, obj))


def require(user, action: str, obj: Model) -> None:
    """Raise 404 (not 403: forbidden looks like missing) unless ``may``."""
    if not may(user, action, obj):
        raise Http404
