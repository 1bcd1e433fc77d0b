"""Shared test fixtures: one persona per role, plus outsiders, in one small region.

``personas`` is the world every access test uses:
- school A (coordinator, mentor granted class A1, student in A1 placed at organisation X),
- school B (coordinator2, its own student),
- organisation X (placed student), organisation Y (nothing),
- broker, municipality, project lead (board of A and B), admin, and an outsider with no role.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone, translation

from meedoen.core.tests import factories as f
from meedoen.directory.models import Role, SchoolBoard
from meedoen.placements.models import PlacementStatus
from meedoen.students import services as student_services


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Dutch), whatever an earlier test or
    request left active in the thread; tests that want English use translation.override."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def personas(db):
    region = f.RegionFactory(name="Regio Leiden (test)")
    municipality = f.MunicipalityFactory(region=region, name="Leiden")
    board = SchoolBoard.objects.create(region=region, name="Bestuur Test")
    school_a = f.SchoolFactory(region=region, board=board, name="School A", brin="11AA")
    school_b = f.SchoolFactory(region=region, board=board, name="School B", brin="22BB")
    loc_a = f.LocationFactory(school=school_a, municipality=municipality)
    f.LocationFactory(school=school_b, municipality=municipality)
    class_a1 = f.SchoolClassFactory(cohort=f.CohortFactory(school=school_a), name="A1")
    class_a2 = f.SchoolClassFactory(cohort=class_a1.cohort, name="A2")
    class_b1 = f.SchoolClassFactory(cohort=f.CohortFactory(school=school_b), name="B1")
    class_a1.location = loc_a
    class_a1.save()
    org_x = f.OrganisationFactory(region=region, name="Zorgcentrum X", municipality=municipality)
    org_y = f.OrganisationFactory(region=region, name="Sportclub Y", municipality=municipality)

    def member(username, role, **scope):
        user = f.UserFactory(username=username)
        f.MembershipFactory(user=user, role=role, **scope)
        return user

    admin = f.UserFactory(username="admin", is_superuser=True, is_staff=True)
    broker = member("broker", Role.BROKER, region=region)
    municipality_user = member("municipality", Role.MUNICIPALITY, municipality=municipality)
    projectlead = member("projectlead", Role.PROJECT_LEAD, board=board)
    coordinator = member("coordinator", Role.COORDINATOR, school=school_a)
    coordinator2 = member("coordinator2", Role.COORDINATOR, school=school_b)
    mentor = member("mentor", Role.MENTOR, school=school_a)
    organisation = member("organisation", Role.ORGANISATION, organisation=org_x)
    organisation_y = member("organisation_y", Role.ORGANISATION, organisation=org_y)
    student_user = member("student", Role.STUDENT, school=school_a)
    outsider = f.UserFactory(username="outsider")

    student = f.StudentFactory(
        school_class=class_a1,
        user=student_user,
        first_name="Sanne",
        last_name="Jansen",
        guidance_level="targeted",
        support_needs="Dyslexie; heeft extra tijd nodig.",
    )
    f.GuardianFactory(student=student, name="Petra Jansen", email="petra@example.org")
    student_a2 = f.StudentFactory(school_class=class_a2, first_name="Daan", last_name="Bakker")
    student_b = f.StudentFactory(
        school_class=class_b1, first_name="Noor", last_name="Visser", support_needs="Autisme"
    )
    placement = f.PlacementFactory(
        student=student, organisation=org_x, status=PlacementStatus.APPROVED
    )
    grant = student_services.access_grant_create(
        actor=coordinator,
        school=school_a,
        grantee=mentor,
        school_class=class_a1,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return SimpleNamespace(**locals())
