"""Demo offers for the placement bank: realistic Dutch offers of the demo organisations
in every state, at least 400 of them published, drawn from ``ctx.rng`` only.

``build_vacancy`` is shared with the search benchmark (``bench/stagebank``), which uses
it to fill a national-size bank.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from meedoen.directory.models import ContactPerson, Region, Sector
from meedoen.placements.models import Placement
from meedoen.students.models import GuidanceLevel, Level, current_school_year

from .models import DayPart, Format, Kind, Vacancy, VacancyEvent
from .services import bank_changed, quality_criteria_for
from .workflows import VacancyStatus

S = VacancyStatus
MIN_PUBLISHED = 400

# sector -> (title, description, activities, kind)
OFFERS: dict[str, list[tuple[str, str, str, str]]] = {
    Sector.CARE: [
        (
            "Koffieochtend met bewoners",
            "Elke week drinken bewoners samen koffie in het restaurant. Jij schenkt in, "
            "maakt een praatje en helpt bewoners die slecht ter been zijn naar hun plek.",
            "Koffie en thee schenken, gesprekjes voeren, rolstoelen duwen.",
            Kind.INDIVIDUAL,
        ),
        (
            "Spelletjesmiddag in het verpleeghuis",
            "Sjoelen, rummikub of bingo: je organiseert samen met de activiteitenbegeleider "
            "een middag vol spelletjes voor ouderen met geheugenproblemen.",
            "Spellen klaarzetten, uitleg geven, meespelen, opruimen.",
            Kind.GROUP,
        ),
        (
            "Wandelmaatje voor ouderen",
            "Veel bewoners komen zelden buiten. Jij gaat met een vaste bewoner wandelen "
            "of rijdt een rondje met de rolstoel door het park.",
            "Wandelen, rolstoel duwen, luisteren en vertellen.",
            Kind.INDIVIDUAL,
        ),
        (
            "Muziekmiddag organiseren",
            "Samen met klasgenoten verzorg je een muziekmiddag: liedjes van vroeger, "
            "een quiz en misschien zelf optreden.",
            "Programma maken, zaal inrichten, meezingen, bewoners ophalen.",
            Kind.GROUP,
        ),
        (
            "Hulp bij de broodmaaltijd",
            "Tijdens de lunch help je bewoners met het smeren van brood, schenk je melk "
            "en zorg je voor een gezellige sfeer aan tafel.",
            "Tafels dekken, brood smeren, afruimen.",
            Kind.INDIVIDUAL,
        ),
        (
            "Digitaal spreekuur: ouderen en hun tablet",
            "Ouderen willen graag beeldbellen met hun kleinkinderen. Jij legt geduldig "
            "uit hoe de tablet werkt.",
            "Uitleg geven over tablet en telefoon, vragen beantwoorden.",
            Kind.INDIVIDUAL,
        ),
    ],
    Sector.WELFARE: [
        (
            "Helpen bij de voedselbank",
            "Op uitgiftedag pak je samen met vrijwilligers de pakketten in en help je "
            "klanten vriendelijk en discreet.",
            "Producten sorteren, pakketten inpakken, klanten helpen.",
            Kind.GROUP,
        ),
        (
            "Huiswerkbegeleiding in het buurthuis",
            "Kinderen van de basisschool krijgen hulp bij hun huiswerk. Jij leest voor, "
            "oefent tafels en helpt met spelling.",
            "Voorlezen, rekenen oefenen, spelletjes met taal.",
            Kind.INDIVIDUAL,
        ),
        (
            "Kinderactiviteiten op de speeltuin",
            "In de vakantie en op woensdagmiddag organiseert de speeltuin activiteiten. "
            "Jij bedenkt spelletjes en begeleidt de kinderen.",
            "Knutselen, spellen begeleiden, limonade schenken.",
            Kind.GROUP,
        ),
        (
            "Buurtmaaltijd koken",
            "Eén keer per week koken buurtbewoners samen en eten ze met elkaar. Jij helpt "
            "in de keuken en bij het serveren.",
            "Groente snijden, koken, tafels dekken, afwassen.",
            Kind.GROUP,
        ),
        (
            "Taalmaatje voor nieuwkomers",
            "Nieuwe Nederlanders oefenen hun Nederlands in gewone gesprekken. Jij praat "
            "over school, hobby's en de stad.",
            "Gesprekken voeren, samen boodschappen doen, uitleg geven.",
            Kind.INDIVIDUAL,
        ),
        (
            "Kledingbank sorteren",
            "Gedoneerde kleding moet gesorteerd, gecontroleerd en op maat gehangen worden.",
            "Sorteren, vouwen, rekken vullen, klanten helpen zoeken.",
            Kind.GROUP,
        ),
    ],
    Sector.SPORT: [
        (
            "Assistent-trainer jeugd",
            "Je helpt de trainer van de jongste jeugd (6 tot 9 jaar) bij de training: "
            "oefeningen klaarzetten, uitleggen en aanmoedigen.",
            "Oefeningen voorbereiden, groepjes begeleiden, materiaal opruimen.",
            Kind.INDIVIDUAL,
        ),
        (
            "Sportdag voor de basisschool",
            "De club organiseert een sportdag voor groep 5 tot 8. Met je klas begeleid je "
            "de onderdelen en houd je de scores bij.",
            "Onderdelen opbouwen, groepen begeleiden, scores bijhouden.",
            Kind.GROUP,
        ),
        (
            "Toernooi organiseren",
            "Het jaarlijkse jeugdtoernooi heeft veel handen nodig: van wedstrijdschema "
            "tot kantine.",
            "Velden klaarzetten, scheidsrechter assisteren, kantinedienst.",
            Kind.GROUP,
        ),
        (
            "Zwemles ondersteunen",
            "Bij de zwemles help je kinderen die nog onzeker zijn in het water, onder "
            "toezicht van de badmeester.",
            "Materiaal pakken, kinderen aanmoedigen, helpen bij het omkleden.",
            Kind.INDIVIDUAL,
        ),
        (
            "Aangepast sporten begeleiden",
            "Sporters met een beperking trainen elke week samen. Jij helpt de trainer en "
            "sport mee.",
            "Meesporten, materiaal aangeven, aanmoedigen.",
            Kind.INDIVIDUAL,
        ),
    ],
    Sector.CULTURE: [
        (
            "Rondleider voor kinderen in het museum",
            "Je leert alles over één zaal van het museum en leidt daarna groepjes "
            "basisschoolkinderen rond.",
            "Verhalen vertellen, vragen beantwoorden, groepjes begeleiden.",
            Kind.INDIVIDUAL,
        ),
        (
            "Voorleesmiddag in de bibliotheek",
            "Op woensdagmiddag lees je voor aan peuters en kleuters en doe je een "
            "knutselactiviteit bij het verhaal.",
            "Boeken kiezen, voorlezen, knutselen.",
            Kind.INDIVIDUAL,
        ),
        (
            "Achter de schermen bij het theater",
            "Bij een voorstelling help je met decor, kaartcontrole en de garderobe.",
            "Decor opbouwen, kaartjes scannen, bezoekers wegwijs maken.",
            Kind.GROUP,
        ),
        (
            "Muziekles voor beginners ondersteunen",
            "Je helpt de docent bij de les voor jonge beginners: instrumenten uitdelen, "
            "ritmes voordoen en meespelen.",
            "Instrumenten klaarzetten, meespelen, kinderen helpen.",
            Kind.INDIVIDUAL,
        ),
        (
            "Festival in de binnenstad",
            "Tijdens het stadsfestival help je bij de informatiestand en de activiteiten "
            "voor kinderen.",
            "Informatie geven, flyeren, kinderactiviteiten begeleiden.",
            Kind.GROUP,
        ),
    ],
    Sector.NATURE: [
        (
            "Dieren verzorgen op de kinderboerderij",
            "Je voert de geiten, kippen en konijnen, maakt de hokken schoon en helpt "
            "bezoekers die de dieren willen aaien.",
            "Voeren, hokken uitmesten, bezoekers uitleg geven.",
            Kind.INDIVIDUAL,
        ),
        (
            "Natuurwerkdag",
            "Met je klas help je een dag in het natuurgebied: wilgen knotten, takken "
            "ruimen en een nestkast ophangen.",
            "Snoeien, takken slepen, nestkasten timmeren.",
            Kind.GROUP,
        ),
        (
            "Moestuin onderhouden",
            "In de stadsmoestuin zaai, wied en oogst je samen met buurtbewoners. De "
            "oogst gaat naar de voedselbank.",
            "Zaaien, wieden, water geven, oogsten.",
            Kind.INDIVIDUAL,
        ),
        (
            "Honden uitlaten bij het dierenasiel",
            "De honden in het asiel wachten op een nieuw baasje. Jij laat ze uit en helpt "
            "bij het verzorgen.",
            "Uitlaten, kennels schoonmaken, voer klaarmaken.",
            Kind.INDIVIDUAL,
        ),
        (
            "Zwerfafval opruimen",
            "Met je klas ruim je een middag zwerfafval op in de wijk en het park, en je "
            "telt wat je vindt voor een onderzoek.",
            "Afval prikken, sorteren, tellen en registreren.",
            Kind.GROUP,
        ),
    ],
}
OFFERS[Sector.OTHER] = OFFERS[Sector.WELFARE]

RETURN_REASONS = [
    "Beschrijf wie de leerling begeleidt en wanneer die persoon aanwezig is.",
    "De taak lijkt op betaald werk (bediening in het café). Pas de taak aan.",
    "Vul de periode en de dagen in waarop leerlingen kunnen komen.",
    "Geef aan of de begeleiders een VOG hebben.",
]
LEVEL_SETS = [
    [Level.PRO, Level.VMBO_B, Level.VMBO_K],
    [Level.VMBO_B, Level.VMBO_K, Level.VMBO_G, Level.VMBO_T],
    [Level.VMBO_G, Level.VMBO_T, Level.HAVO],
    [Level.HAVO, Level.VWO],
    list(Level.values),
    list(Level.values),
]
STATUS_WEIGHTS = [
    (S.PUBLISHED, 76),
    (S.DRAFT, 5),
    (S.SUBMITTED, 6),
    (S.RETURNED, 3),
    (S.PAUSED, 4),
    (S.CLOSED, 4),
    (S.ARCHIVED, 2),
]


def build_vacancy(
    rng: random.Random,
    organisation,
    *,
    school_year: int,
    status: str = S.PUBLISHED,
    contact=None,
    now: datetime.datetime | None = None,
) -> Vacancy:
    """An unsaved, valid offer of ``organisation`` in ``school_year``."""
    now = now or timezone.now()
    sectors = [s for s in organisation.sectors if s in OFFERS] or [Sector.OTHER]
    sector = rng.choice(sectors)
    title, description, activities, kind = rng.choice(OFFERS[sector])
    year_start = datetime.date(school_year, 8, 20)
    formats = rng.choice([[Format.RIBBON], [Format.BLOCK], [Format.PROJECT], [Format.BLOCK,
                         Format.PROJECT], [Format.CAROUSEL], [Format.DUAL], [Format.RIBBON,
                         Format.BLOCK]])  # fmt: skip
    start = year_start + datetime.timedelta(days=rng.randint(0, 240))
    long_running = Format.RIBBON in formats or Format.DUAL in formats
    length = rng.randint(90, 240) if long_running else rng.randint(7, 60)
    end = min(start + datetime.timedelta(days=length), datetime.date(school_year + 1, 7, 15))
    group = kind == Kind.GROUP
    group_min = rng.choice([4, 6, 8]) if group else None
    group_max = (group_min or 0) + rng.choice([4, 8, 12]) if group else None
    jitter = 0.004
    lat = organisation.latitude
    lon = organisation.longitude
    if lat is not None and rng.random() < 0.2:  # some offers at another address nearby
        lat = round(lat + rng.uniform(-jitter, jitter), 6)
        lon = round(lon + rng.uniform(-jitter, jitter), 6)
    published = status in (S.PUBLISHED, S.PAUSED, S.CLOSED, S.ARCHIVED)
    submitted = published or status in (S.SUBMITTED, S.RETURNED)
    submitted_at = now - datetime.timedelta(days=rng.randint(2, 90), hours=rng.randint(0, 23))
    return Vacancy(
        organisation=organisation,
        school_year=school_year,
        title=title,
        description=description,
        sector=sector,
        activities=activities,
        kind=kind,
        group_min=group_min,
        group_max=group_max,
        capacity=rng.choice([group_max or 2, (group_max or 1) * 2]) if group else rng.randint(1, 4),
        min_age=rng.choice([12, 12, 12, 13, 14, 15, 16]),
        levels=sorted(rng.choice(LEVEL_SETS)),
        guidance_offered=rng.choices(list(GuidanceLevel.values), weights=[70, 22, 8])[0],
        vog_required=rng.random() < 0.6,
        start_date=start,
        end_date=end,
        weekdays=sorted(rng.sample(range(7 if rng.random() < 0.2 else 5), rng.randint(1, 3))),
        day_parts=sorted(rng.sample(list(DayPart.values), rng.randint(1, 2))),
        formats=sorted(str(f) for f in formats),
        expected_hours=rng.choice([10, 15, 20, 30, 30, 30, 40, 72]),
        contact=contact,
        street=organisation.street,
        postcode=organisation.postcode,
        city=organisation.city,
        latitude=lat,
        longitude=lon,
        status=status,
        return_reason=rng.choice(RETURN_REASONS) if status == S.RETURNED else "",
        submitted_at=submitted_at if submitted else None,
        published_at=submitted_at + datetime.timedelta(days=rng.randint(1, 5))
        if published
        else None,
    )


def _events(vacancy: Vacancy, *, organisation_user, broker, checklist) -> list[VacancyEvent]:
    """The history that leads to the offer's state."""
    s = vacancy.status
    created = (vacancy.submitted_at or timezone.now()) - datetime.timedelta(days=1)
    steps: list[tuple[str, str, object, datetime.datetime, str, dict]] = [
        ("", S.DRAFT, organisation_user, created, "", {})
    ]
    if vacancy.submitted_at:
        steps.append((S.DRAFT, S.SUBMITTED, organisation_user, vacancy.submitted_at, "", {}))
    if s == S.RETURNED:
        steps.append(
            (
                S.SUBMITTED,
                S.RETURNED,
                broker,
                vacancy.submitted_at + datetime.timedelta(days=1),
                vacancy.return_reason,
                {},
            )
        )
    if vacancy.published_at:
        steps.append((S.SUBMITTED, S.PUBLISHED, broker, vacancy.published_at, "", checklist))
        later = vacancy.published_at + datetime.timedelta(days=20)
        if s == S.PAUSED:
            steps.append((S.PUBLISHED, S.PAUSED, organisation_user, later, "", {}))
        if s in (S.CLOSED, S.ARCHIVED):
            steps.append((S.PUBLISHED, S.CLOSED, organisation_user, later, "", {}))
        if s == S.ARCHIVED:
            steps.append((S.CLOSED, S.ARCHIVED, broker, later + datetime.timedelta(days=2), "", {}))
    return [
        VacancyEvent(
            vacancy=vacancy,
            from_status=f,
            to_status=t,
            actor=actor,
            at=at,
            reason=reason,
            checklist=cl,
        )
        for f, t, actor, at, reason, cl in steps
    ]


def seed(ctx) -> None:
    rng = ctx.rng
    region = ctx.region
    criteria = list(quality_criteria_for(region))
    checklist = {c.code: True for c in criteria}
    broker = ctx.users.get("broker")
    org_user = ctx.users.get("organisation")
    contacts = {
        c.organisation_id: c
        for c in ContactPerson.objects.filter(organisation__region=region).order_by("pk")
    }
    school_year = current_school_year()
    now = timezone.now()
    vacancies: list[Vacancy] = []
    for index, organisation in enumerate(ctx.organisations):
        if index == 0:
            # The demo organisation account sees every state on its dashboard.
            statuses = [S.PUBLISHED, S.PUBLISHED, S.SUBMITTED, S.RETURNED, S.DRAFT, S.PAUSED]
        else:
            statuses = rng.choices(
                [s for s, _ in STATUS_WEIGHTS],
                weights=[w for _, w in STATUS_WEIGHTS],
                k=rng.randint(2, 6),
            )
        for status in statuses:
            vacancies.append(
                build_vacancy(
                    rng,
                    organisation,
                    school_year=school_year,
                    status=status,
                    contact=contacts.get(organisation.pk),
                    now=now,
                )
            )
    published = sum(1 for v in vacancies if v.status == S.PUBLISHED)
    while published < MIN_PUBLISHED:
        organisation = rng.choice(ctx.organisations)
        vacancies.append(
            build_vacancy(
                rng,
                organisation,
                school_year=school_year,
                contact=contacts.get(organisation.pk),
                now=now,
            )
        )
        published += 1
    for v in vacancies:
        v.created_by = org_user if v.organisation_id == ctx.organisations[0].pk else broker
    Vacancy.objects.bulk_create(vacancies, batch_size=500)
    saved = list(
        Vacancy.objects.filter(organisation__region=region).defer("search_vector").order_by("pk")
    )
    events = []
    for v in saved:
        actor = org_user if v.organisation_id == ctx.organisations[0].pk else None
        events += _events(v, organisation_user=actor, broker=broker, checklist=checklist)
    planned = [e.at for e in events]
    VacancyEvent.objects.bulk_create(events, batch_size=1000)
    # auto_now_add stamped the events with today; give them their history's times.
    stamped = list(VacancyEvent.objects.filter(vacancy__organisation__region=region).order_by("pk"))
    for event, at in zip(stamped, planned, strict=True):
        event.at = at
    VacancyEvent.objects.bulk_update(stamped, ["at"], batch_size=1000)
    _link_placements(rng, region, saved)
    bank_changed()


def _link_placements(rng: random.Random, region: Region, vacancies: list[Vacancy]) -> None:
    """Most placements at an organisation with a published offer came from that offer."""
    offers: dict[int, list[Vacancy]] = {}
    for v in vacancies:
        if v.status == S.PUBLISHED:
            offers.setdefault(v.organisation_id, []).append(v)
    placements = list(Placement.objects.filter(organisation__region=region).order_by("pk"))
    changed = []
    for placement in placements:
        choices = offers.get(placement.organisation_id)
        if choices and rng.random() < 0.8:
            placement.vacancy = rng.choice(choices)
            changed.append(placement)
    Placement.objects.bulk_update(changed, ["vacancy"], batch_size=1000)


def delete(region: Region) -> None:
    """Remove the region's offers (placements keep their row, without the offer)."""
    Placement.objects.filter(vacancy__organisation__region=region).update(vacancy=None)
    VacancyEvent.objects.filter(vacancy__organisation__region=region).delete()
    Vacancy.objects.filter(organisation__region=region).update(renewed_from=None)
    Vacancy.objects.filter(organisation__region=region).delete()
    bank_changed()
