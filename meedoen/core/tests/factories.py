"""factory_boy factories shared by all tests."""

import datetime
import itertools

import factory

from meedoen.accounts.models import User
from meedoen.directory import models as d
from meedoen.placements.models import Placement, PlacementStatus
from meedoen.students import models as s

_brin = itertools.count(10)


def next_brin() -> str:
    n = next(_brin)
    return f"{n % 100:02d}{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("meedoen-test")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Region

    name = factory.Sequence(lambda n: f"Regio {n}")
    broker_name = "iDOE"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Gemeente {n}")
    inhabitants = 120000


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.School

    region = factory.SubFactory(RegionFactory)
    brin = factory.LazyFunction(next_brin)
    name = factory.Sequence(lambda n: f"Scholengemeenschap {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Location

    school = factory.SubFactory(SchoolFactory)
    municipality = factory.SubFactory(
        MunicipalityFactory, region=factory.SelfAttribute("..school.region")
    )
    name = factory.LazyAttribute(lambda o: f"{o.school.name} hoofdlocatie")
    street = "Schoolstraat 1"
    postcode = "2311 AB"
    city = "Leiden"
    latitude = 52.16
    longitude = 4.49


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Organisation

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Stichting Vrijwillig {n}")
    sectors = ["care"]
    city = "Leiden"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Membership

    user = factory.SubFactory(UserFactory)
    role = d.Role.COORDINATOR


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = s.Cohort

    school = factory.SubFactory(SchoolFactory)
    school_year = 2026
    year_of_study = 3
    level = s.Level.VMBO_T
    required_hours = 30


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = s.SchoolClass

    cohort = factory.SubFactory(CohortFactory)
    school = factory.SelfAttribute("cohort.school")
    name = factory.Sequence(lambda n: f"3T{n}")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = s.Student

    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    student_number = factory.Sequence(lambda n: f"{100000 + n}")
    first_name = factory.Sequence(lambda n: f"Sanne{n}")
    last_name = "de Vries"
    date_of_birth = datetime.date(2012, 5, 1)
    guidance_level = s.GuidanceLevel.STANDARD
    support_needs = ""


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = s.Guardian

    student = factory.SubFactory(StudentFactory)
    name = "Ouder van leerling"
    email = factory.Sequence(lambda n: f"ouder{n}@example.org")


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    student = factory.SubFactory(StudentFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    activity = "Helpen bij activiteiten"
    status = PlacementStatus.PROPOSED

    class Params:
        active = factory.Trait(status=PlacementStatus.ACTIVE)
        completed = factory.Trait(status=PlacementStatus.COMPLETED)
        cancelled = factory.Trait(status=PlacementStatus.CANCELLED)
