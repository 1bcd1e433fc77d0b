"""The demo region: a deterministic, re-runnable model of the Leiden MaS region.

About twelve schools with twenty locations under three boards, about 3,500
students per year of study (years 1 to 3) spread over the levels, about 150 host
organisations across care, welfare, sport, culture and nature, and one account per
role, all with the password ``meedoen-demo``. Everything is drawn from a seeded
random generator, so the same seed gives the same region.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meedoen.accounts.models import User
from meedoen.core.apps_registry import app_modules
from meedoen.directory.models import (
    ContactPerson,
    LegalForm,
    Location,
    Membership,
    Municipality,
    Organisation,
    Region,
    Role,
    School,
    SchoolBoard,
    Sector,
)
from meedoen.placements.models import Placement, PlacementStatus
from meedoen.students.models import (
    AccessGrant,
    Cohort,
    Guardian,
    Level,
    SchoolClass,
    Student,
    current_school_year,
)

REGION_NAME = "Leiden en omstreken (demo)"
DEMO_PASSWORD = "meedoen-demo"
DEMO_ACCOUNTS = [
    ("admin", "Platform administrator"),
    ("broker", "Broker (iDOE)"),
    ("municipality", "Municipality of Leiden"),
    ("projectlead", "Project lead of a school board"),
    ("coordinator", "Coordinator of the first school"),
    ("coordinator2", "Coordinator of the second school"),
    ("mentor", "Mentor of two classes of the first school"),
    ("student", "Student of the first school"),
    ("organisation", "Contact of a host organisation"),
]

MUNICIPALITIES = [
    # name, CBS code, inhabitants, centre latitude, longitude
    ("Leiden", "0546", 127_000, 52.1601, 4.4970),
    ("Leiderdorp", "0547", 28_000, 52.1580, 4.5390),
    ("Oegstgeest", "0579", 25_000, 52.1800, 4.4690),
    ("Voorschoten", "0626", 26_000, 52.1270, 4.4480),
    ("Zoeterwoude", "0638", 9_000, 52.1200, 4.4960),
    ("Katwijk", "0537", 66_000, 52.2000, 4.4160),
]

# name, board index, levels offered, locations (municipality index, street)
SCHOOLS = [
    ("Sleutelstad College", 0, ["havo", "vwo"], [(0, "Breestraat 12"), (0, "Hooigracht 40")]),
    ("Morsdam Lyceum", 0, ["havo", "vwo"], [(0, "Morsweg 101"), (0, "Tjalmaweg 6")]),
    ("Rijnoever Mavo", 0, ["vmbo-g", "vmbo-t"], [(0, "Rijnsburgerweg 8"), (2, "Geversstraat 3")]),
    ("Burcht Vakcollege", 1, ["vmbo-b", "vmbo-k"], [(0, "Haagweg 55"), (1, "Persant Snoepweg 2")]),
    ("Leidse Praktijkschool", 1, ["pro"], [(0, "Kanaalweg 14")]),
    ("Oegstgeester Lyceum", 1, ["vmbo-t", "havo", "vwo"], [(2, "Lange Voort 20")]),
    (
        "Leiderdorp College",
        1,
        ["vmbo-k", "vmbo-t", "havo"],
        [(1, "Van Diemenstraat 7"), (1, "Hoofdstraat 120")],
    ),
    ("Voorschotens Atheneum", 2, ["havo", "vwo"], [(3, "Leidseweg 90"), (3, "Papelaan 5")]),
    ("De Vliet Scholengemeenschap", 2, ["vmbo-b", "vmbo-k", "vmbo-t"], [(4, "Dorpsstraat 18")]),
    ("Katwijks College", 2, ["vmbo-t", "havo", "vwo"], [(5, "Zeeweg 30"), (5, "Boulevard 2")]),
    ("Stevenshof School", 0, ["vmbo-g", "vmbo-t", "havo"], [(0, "Stevensbloem 1")]),
    ("Merenwijk Montessori", 0, ["havo", "vwo"], [(0, "Merenwijkplein 4"), (0, "Zijlpoort 9")]),
]
BOARDS = ["Stichting Leidse Scholen", "Rijnstreek Onderwijsgroep", "Duin en Vliet Onderwijs"]

FIRST_NAMES = [
    "Sanne",
    "Daan",
    "Noor",
    "Lucas",
    "Emma",
    "Sem",
    "Julia",
    "Milan",
    "Tess",
    "Finn",
    "Lotte",
    "Levi",
    "Sara",
    "Jesse",
    "Fleur",
    "Thijs",
    "Zoë",
    "Bram",
    "Eva",
    "Ruben",
    "Anna",
    "Lars",
    "Sophie",
    "Stijn",
    "Mila",
    "Ties",
    "Yara",
    "Mohamed",
    "Fatima",
    "Amir",
    "Ilse",
    "Jens",
    "Lieke",
    "Gijs",
    "Roos",
    "Luuk",
    "Femke",
    "Hugo",
    "Nina",
    "Sven",
    "Isa",
    "Tim",
    "Maud",
    "Cas",
    "Evi",
    "Mees",
    "Jade",
    "Olivier",
    "Liv",
    "Jayden",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "van Dijk",
    "Yilmaz",
    "El Amrani",
    "Nguyen",
    "Koster",
    "Prins",
    "Huisman",
    "Verhoeven",
]

ORGANISATION_KINDS = {
    Sector.CARE: ["Zorgcentrum {}", "Verpleeghuis {}", "Woonzorg {}", "Hospice {}"],
    Sector.WELFARE: ["Buurthuis {}", "Voedselbank {}", "Stichting Welzijn {}", "Speeltuin {}"],
    Sector.SPORT: ["Voetbalvereniging {}", "Hockeyclub {}", "Zwemvereniging {}", "Atletiek {}"],
    Sector.CULTURE: ["Muziekschool {}", "Theater {}", "Museum {}", "Bibliotheek {}"],
    Sector.NATURE: ["Kinderboerderij {}", "Natuurgroep {}", "Stadsmoestuin {}", "Dierenasiel {}"],
}
PLACE_WORDS = [
    "De Linde",
    "Het Anker",
    "De Horst",
    "Rijnzicht",
    "De Zijl",
    "Boerhaave",
    "De Mors",
    "Merenwijk",
    "De Vliet",
    "Het Zonnehuis",
    "De Kooi",
    "Stevenshof",
    "Roomburg",
    "De Waard",
    "Het Duin",
    "Oud Poelgeest",
    "De Hofstede",
    "Groenoord",
    "Meerburg",
    "De Regenboog",
    "Ter Does",
    "Ommedijk",
    "De Kempen",
    "Park Noord",
    "Hoge Woerd",
    "De Sterrewacht",
    "Noordeinde",
    "De Valk",
    "Cronesteyn",
    "De Heemtuin",
]
STUDENTS_PER_YEAR = 3500
CLASS_SIZE = 27
YEARS_OF_STUDY = (1, 2, 3)


@dataclass
class DemoContext:
    """What an app's ``demo.seed(ctx)`` gets to add its part of the demo region."""

    rng: random.Random
    region: Region
    municipalities: list[Municipality]
    schools: list[School]
    locations_by_school: dict[int, list[Location]]
    organisations: list[Organisation]
    students_by_school: dict[int, list[Student]]
    users: dict[str, User]


@dataclass
class DemoSummary:
    schools: int
    locations: int
    organisations: int
    students: int
    accounts: list[tuple[str, str]]


def seed_demo(*, seed: int = 2026) -> DemoSummary:
    """Remove the previous demo region and build it again from ``seed``."""
    rng = random.Random(seed)
    with transaction.atomic():
        _delete_demo()
        region = Region.objects.create(name=REGION_NAME, broker_name="iDOE")
        municipalities = [
            Municipality.objects.create(
                region=region, name=name, cbs_code=code, inhabitants=inhabitants
            )
            for name, code, inhabitants, _lat, _lon in MUNICIPALITIES
        ]
        boards = [SchoolBoard.objects.create(region=region, name=n) for n in BOARDS]
        schools, locations_by_school = _make_schools(rng, region, boards, municipalities)
        organisations = _make_organisations(rng, region, municipalities)
        students_by_school = _make_students(rng, schools, locations_by_school)
        accounts = _make_accounts(
            rng, region, municipalities, boards, schools, organisations, students_by_school
        )
        _make_placements(rng, schools, organisations, students_by_school)
        context = DemoContext(
            rng=rng,
            region=region,
            municipalities=municipalities,
            schools=schools,
            locations_by_school=locations_by_school,
            organisations=organisations,
            students_by_school=students_by_school,
            users={
                u.username: u
                for u in User.objects.filter(username__in=[n for n, _ in DEMO_ACCOUNTS])
            },
        )
        for module in app_modules("demo", "seed"):
            module.seed(context)
    return DemoSummary(
        schools=len(schools),
        locations=sum(len(v) for v in locations_by_school.values()),
        organisations=len(organisations),
        students=sum(len(v) for v in students_by_school.values()),
        accounts=accounts,
    )


def _delete_demo() -> None:
    region = Region.objects.filter(name=REGION_NAME).first()
    if region is not None:
        # Apps remove their own demo rows first (later apps depend on earlier ones).
        for module in reversed(app_modules("demo", "seed")):
            if hasattr(module, "delete"):
                module.delete(region)
    demo_users = User.objects.filter(username__in=[u for u, _ in DEMO_ACCOUNTS])
    AccessGrant.objects.filter(granted_by__in=demo_users).delete()
    AccessGrant.objects.filter(revoked_by__in=demo_users).delete()
    if region is not None:
        AccessGrant.objects.filter(school__region=region).delete()
    demo_users.delete()
    if region is None:
        return
    Placement.objects.filter(organisation__region=region).delete()
    Student.objects.filter(school__region=region).delete()
    SchoolClass.objects.filter(school__region=region).delete()
    Cohort.objects.filter(school__region=region).delete()
    Location.objects.filter(school__region=region).delete()
    region.delete()


def _jitter(rng: random.Random, lat: float, lon: float, spread: float = 0.012):
    return round(lat + rng.uniform(-spread, spread), 6), round(
        lon + rng.uniform(-spread, spread), 6
    )


def _postcode(rng: random.Random) -> str:
    letters = rng.choice("ABCDEGHJKLMNPRSTVWXZ") + rng.choice("ABEHKLMNPRSTVW")
    return f"23{rng.randint(11, 99)} {letters}"


def _make_schools(rng, region, boards, municipalities):
    schools = []
    locations_by_school: dict[int, list[Location]] = {}
    for index, (name, board_index, levels, places) in enumerate(SCHOOLS):
        school = School.objects.create(
            region=region,
            board=boards[board_index],
            brin=f"{10 + index:02d}{chr(65 + index)}{chr(75 + index % 10)}",
            name=name,
            required_hours=30,
        )
        school.demo_levels = levels
        schools.append(school)
        locations = []
        for m_index, street in places:
            m_name, _code, _n, lat, lon = MUNICIPALITIES[m_index]
            lat, lon = _jitter(rng, lat, lon)
            locations.append(
                Location.objects.create(
                    school=school,
                    municipality=municipalities[m_index],
                    name=f"{name}, {street.split(' ')[0]}",
                    street=street,
                    postcode=_postcode(rng),
                    city=m_name,
                    latitude=lat,
                    longitude=lon,
                )
            )
        locations_by_school[school.pk] = locations
    return schools, locations_by_school


def _make_organisations(rng, region, municipalities) -> list[Organisation]:
    organisations = []
    sectors = list(ORGANISATION_KINDS)
    used: set[str] = set()
    while len(organisations) < 150:
        sector = sectors[len(organisations) % len(sectors)]
        name = rng.choice(ORGANISATION_KINDS[sector]).format(rng.choice(PLACE_WORDS))
        if name in used:
            continue
        used.add(name)
        m_index = rng.choices(range(len(MUNICIPALITIES)), weights=[6, 2, 2, 2, 1, 3])[0]
        m_name, _code, _n, lat, lon = MUNICIPALITIES[m_index]
        lat, lon = _jitter(rng, lat, lon, 0.02)
        extra = [rng.choice(sectors)] if rng.random() < 0.2 else []
        organisations.append(
            Organisation(
                region=region,
                municipality=municipalities[m_index],
                name=name,
                legal_form=rng.choice(
                    [LegalForm.FOUNDATION] * 3 + [LegalForm.ASSOCIATION] * 2 + [LegalForm.PUBLIC]
                ),
                non_profit=True,
                sectors=sorted({sector.value, *[s.value for s in extra]}),
                verified=rng.random() > 0.05,
                street=f"{rng.choice(['Dorpsstraat', 'Kerkweg', 'Parklaan', 'Rijnkade'])} "
                f"{rng.randint(1, 180)}",
                postcode=_postcode(rng),
                city=m_name,
                latitude=lat,
                longitude=lon,
            )
        )
    Organisation.objects.bulk_create(organisations)
    organisations = list(Organisation.objects.filter(region=region).order_by("name"))
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                organisation=o,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                email=f"contact{o.pk}@stagebieder.example",
                phone=f"071-{rng.randint(5000000, 5999999)}",
                function="Vrijwilligerscoördinator",
            )
            for o in organisations
        ]
    )
    return organisations


def _make_students(rng, schools, locations_by_school) -> dict[int, list[Student]]:
    school_year = current_school_year()
    students_by_school: dict[int, list[Student]] = {}
    # Spread the yearly intake over schools roughly by their number of locations.
    weights = [len(locations_by_school[s.pk]) + 0.5 for s in schools]
    total_weight = sum(weights)
    number = 100000
    guardians: list[Guardian] = []
    for school, weight in zip(schools, weights, strict=True):
        per_year = round(STUDENTS_PER_YEAR * weight / total_weight)
        school_students: list[Student] = []
        for year in YEARS_OF_STUDY:
            levels = school.demo_levels
            per_level = [per_year // len(levels)] * len(levels)
            per_level[0] += per_year - sum(per_level)
            for level, count in zip(levels, per_level, strict=True):
                cohort = Cohort.objects.create(
                    school=school,
                    school_year=school_year,
                    year_of_study=year,
                    level=level,
                    required_hours=school.required_hours,
                )
                n_classes = max(1, round(count / CLASS_SIZE))
                code = Level(level).value.split("-")[-1][0].upper()
                classes = [
                    SchoolClass.objects.create(
                        school=school,
                        cohort=cohort,
                        location=locations_by_school[school.pk][
                            c % len(locations_by_school[school.pk])
                        ],
                        name=f"{year}{code}{c + 1}",
                    )
                    for c in range(n_classes)
                ]
                for i in range(count):
                    number += 1
                    birth_year = school_year - 12 - year + 1
                    guidance = rng.choices(
                        ["standard", "targeted", "intensive"],
                        weights=[80, 15, 5] if level != "pro" else [40, 40, 20],
                    )[0]
                    last = rng.choice(LAST_NAMES)
                    prefix, _, rest = last.rpartition(" ") if " " in last else ("", "", last)
                    school_students.append(
                        Student(
                            school=school,
                            school_class=classes[i % n_classes],
                            student_number=str(number),
                            first_name=rng.choice(FIRST_NAMES),
                            name_prefix=prefix,
                            last_name=rest,
                            date_of_birth=datetime.date(birth_year, 10, 1)
                            + datetime.timedelta(days=rng.randint(0, 364)),
                            email=f"leerling{number}@school.example",
                            home_postcode=_postcode(rng),
                            guidance_level=guidance,
                            support_needs=""
                            if guidance == "standard"
                            else rng.choice(
                                [
                                    "Dyslexie; instructies liefst mondeling.",
                                    "Heeft baat bij een vaste begeleider en een rustige plek.",
                                    "Lwoo-indicatie; korte taken met duidelijke structuur.",
                                    "Autisme; voorbereiding op nieuwe situaties nodig.",
                                ]
                            ),
                        )
                    )
        Student.objects.bulk_create(school_students, batch_size=1000)
        saved = list(
            Student.objects.filter(school=school)
            .select_related("school_class__cohort")
            .order_by("student_number")
        )
        for student in saved:
            guardians.append(
                Guardian(
                    student=student,
                    name=" ".join(
                        p
                        for p in [rng.choice(FIRST_NAMES), student.name_prefix, student.last_name]
                        if p
                    ),
                    email=f"ouder{student.student_number}@thuis.example",
                )
            )
        students_by_school[school.pk] = saved
    Guardian.objects.bulk_create(guardians, batch_size=2000)
    return students_by_school


def _user(username: str, first: str, last: str, **extra) -> User:
    user = User(username=username, first_name=first, last_name=last, **extra)
    user.email = f"{username}@meedoen.example"
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _make_accounts(rng, region, municipalities, boards, schools, organisations, students):
    admin = _user("admin", "Ada", "Beheer", is_superuser=True, is_staff=True)
    broker = _user("broker", "Bas", "Makelaar")
    Membership.objects.create(user=broker, role=Role.BROKER, region=region)
    municipality = _user("municipality", "Mirjam", "Gemeente")
    Membership.objects.create(
        user=municipality, role=Role.MUNICIPALITY, municipality=municipalities[0]
    )
    lead = _user("projectlead", "Pieter", "Projectleider")
    Membership.objects.create(user=lead, role=Role.PROJECT_LEAD, board=boards[0])
    coordinator = _user("coordinator", "Carla", "Coördinator")
    Membership.objects.create(user=coordinator, role=Role.COORDINATOR, school=schools[0])
    coordinator2 = _user("coordinator2", "Kees", "Coördinator")
    Membership.objects.create(user=coordinator2, role=Role.COORDINATOR, school=schools[1])
    mentor = _user("mentor", "Marieke", "Mentor")
    Membership.objects.create(user=mentor, role=Role.MENTOR, school=schools[0])
    mentor_classes = list(
        SchoolClass.objects.filter(school=schools[0], cohort__year_of_study=3).order_by("name")[:2]
    )
    expires = timezone.now() + datetime.timedelta(days=300)
    for school_class in mentor_classes:
        AccessGrant.objects.create(
            school=schools[0],
            grantee=mentor,
            school_class=school_class,
            granted_by=coordinator,
            expires_at=expires,
            reason="Mentor van de klas",
        )
    student_record = Student.objects.filter(school_class=mentor_classes[0]).order_by("pk").first()
    student_user = _user("student", student_record.first_name, student_record.last_name)
    student_record.user = student_user
    student_record.save(update_fields=["user"])
    Membership.objects.create(user=student_user, role=Role.STUDENT, school=schools[0])
    organisation = _user("organisation", "Olga", "Organisatie")
    Membership.objects.create(
        user=organisation, role=Role.ORGANISATION, organisation=organisations[0]
    )
    ContactPerson.objects.filter(organisation=organisations[0]).update(
        user=organisation, email="organisation@meedoen.example"
    )
    Placement.objects.create(
        student=student_record,
        organisation=organisations[0],
        activity="Activiteitenbegeleiding op woensdagmiddag",
        status=PlacementStatus.APPROVED,
        start_date=timezone.localdate() + datetime.timedelta(days=21),
        end_date=timezone.localdate() + datetime.timedelta(days=80),
    )
    del admin
    return [(u, DEMO_PASSWORD) for u, _ in DEMO_ACCOUNTS]


def _make_placements(rng, schools, organisations, students_by_school) -> None:
    """Placements for a share of each school's year-3 students, in every state."""
    statuses = [
        (PlacementStatus.COMPLETED, 30),
        (PlacementStatus.ACTIVE, 20),
        (PlacementStatus.SIGNED, 8),
        (PlacementStatus.AGREEMENT_ISSUED, 8),
        (PlacementStatus.APPROVED, 10),
        (PlacementStatus.PROPOSED, 14),
        (PlacementStatus.CANCELLED, 5),
        (PlacementStatus.REJECTED, 5),
    ]
    activities = [
        "Activiteitenbegeleiding",
        "Helpen bij de training van de jeugd",
        "Ondersteuning bij evenementen",
        "Gastvrouw/gastheer",
        "Dieren verzorgen en rondleiden",
        "Voorlezen en spelletjes",
    ]
    today = timezone.localdate()
    placements = []
    for school in schools:
        year3 = [
            s for s in students_by_school[school.pk] if s.school_class.cohort.year_of_study == 3
        ]
        for student in year3[: int(len(year3) * 0.4)]:
            if student.user_id:
                continue
            status = rng.choices([s for s, _ in statuses], weights=[w for _, w in statuses])[0]
            start = today + datetime.timedelta(days=rng.randint(-120, 90))
            placements.append(
                Placement(
                    student=student,
                    organisation=rng.choice(organisations),
                    activity=rng.choice(activities),
                    status=status,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randint(14, 120)),
                )
            )
    Placement.objects.bulk_create(placements, batch_size=2000)
