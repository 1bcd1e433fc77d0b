"""Reads of the placement bank, scoped by the access policy, and the search.

Who sees which offers:

* published offers: every signed-in person (and the public bank, without contact details);
* an organisation's offers in any state: its contacts;
* every offer of a region: the region's broker; everything: the administrator.

The search (``vacancy_search``) works on any of these querysets. On PostgreSQL the text
is matched against the trigger-maintained ``search_vector`` (Dutch configuration, GIN
index, every word a prefix so "zorg" finds "zorgcentrum") and ranked with ``ts_rank``;
on SQLite every word must occur (``icontains``) in the title, description, activities
or the organisation's name. Distances are computed in SQL (``geo.distance_km``) after an
index-friendly bounding box.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from meedoen.core.policy import principal_for
from meedoen.core.sql import CompiledQuery
from meedoen.directory.models import Location, Organisation, Role, Sector
from meedoen.placements import models as placement_models
from meedoen.placements.models import Placement, PlacementStatus
from meedoen.students.models import GuidanceLevel, Level, current_school_year

from .geo import GeoPoint, bounding_box, distance_km
from .models import GUIDANCE_RANK, Vacancy
from .workflows import VISIBLE, VacancyStatus

S = VacancyStatus
PAGE_SIZE = 20
# Placement states that take one of an offer's places. The placements app owns the
# definition when it has one; until then: proposed up to active.
TAKING_STATES = list(
    getattr(
        placement_models,
        "TAKING_STATES",
        [
            PlacementStatus.PROPOSED,
            PlacementStatus.APPROVED,
            PlacementStatus.AGREEMENT_ISSUED,
            PlacementStatus.SIGNED,
            PlacementStatus.ACTIVE,
        ],
    )
)
SORTS = ("relevance", "distance", "newest", "start")
# The columns a result card shows (``templatetags.bank.offer_cards``): a page of results
# reads these, not the address, activities or group sizes of every offer.
CARD_FIELDS = (
    "title",
    "description",
    "city",
    "sector",
    "kind",
    "min_age",
    "expected_hours",
    "guidance_offered",
    "capacity",
    "start_date",
    "end_date",
    "weekdays",
    "organisation__name",
)
# A page number past this is treated as "the last page" (and never reaches SQL's OFFSET).
MAX_PAGE = 100_000
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 8


# ---------------------------------------------------------------------------
# Visibility.
# ---------------------------------------------------------------------------


def vacancies_visible_to(user) -> QuerySet[Vacancy]:
    p = principal_for(user)
    if p.is_admin:
        return Vacancy.objects.all()
    if user is None or not user.is_authenticated:
        return Vacancy.objects.none()
    condition = Q(status__in=VISIBLE)
    if p.organisation_ids:
        condition |= Q(organisation_id__in=p.organisation_ids)
    if p.broker_region_ids:
        condition |= Q(organisation__region_id__in=p.broker_region_ids)
    return Vacancy.objects.filter(condition)


def vacancies_managed_by(user) -> QuerySet[Vacancy]:
    """Offers this person may write and move through the organisation's transitions."""
    p = principal_for(user)
    if p.is_admin:
        return Vacancy.objects.all()
    return Vacancy.objects.filter(
        Q(organisation_id__in=p.organisation_ids)
        | Q(organisation__region_id__in=p.broker_region_ids)
    )


def vacancies_reviewable_by(user) -> QuerySet[Vacancy]:
    p = principal_for(user)
    if p.is_admin:
        return Vacancy.objects.all()
    return Vacancy.objects.filter(organisation__region_id__in=p.broker_region_ids)


def published_vacancies() -> QuerySet[Vacancy]:
    """What the public bank shows."""
    return Vacancy.objects.filter(status__in=VISIBLE)


def organisations_writable_by(user) -> QuerySet[Organisation]:
    p = principal_for(user)
    if p.is_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=p.organisation_ids) | Q(region_id__in=p.broker_region_ids)
    )


# Every page of results counts its offers' places taken (``CompiledQuery``).
TAKEN_PLACES = CompiledQuery(
    Placement,
    lambda vacancy_ids: (
        Placement.objects.filter(vacancy_id__in=vacancy_ids, status__in=TAKING_STATES)
        .values("vacancy_id")
        .annotate(n=Count("pk"))
        .values_list("vacancy_id", "n")
    ),
)


def taken_places(vacancy_ids) -> dict[int, int]:
    """Places taken per offer by placements in an active-ish state (one query)."""
    vacancy_ids = list(vacancy_ids)
    if not vacancy_ids:
        return {}
    return dict(TAKEN_PLACES.rows(vacancy_ids))


def with_places(vacancies: list[Vacancy]) -> list[Vacancy]:
    """Set ``taken`` and ``places_left`` on each offer of a page."""
    taken = taken_places(v.pk for v in vacancies)
    for v in vacancies:
        v.taken = taken.get(v.pk, 0)
        v.places_left = max(0, v.capacity - v.taken)
    return vacancies


# ---------------------------------------------------------------------------
# Who is searching: a student's defaults and the origin of distances.
# ---------------------------------------------------------------------------


def student_of(user):
    """The student record of a signed-in student, with class, cohort and location.

    A student always sees their own record (``meedoen.core.policy``), so this reads it
    directly by ``user`` instead of through the general (and costlier) student selector:
    it runs on every search request."""
    from meedoen.students.models import Student

    if Role.STUDENT not in principal_for(user).roles:
        return None
    found = (
        Student.objects.filter(user=user, active=True)
        .select_related("school", "school_class__cohort", "school_class__location")
        # At most one row (``user`` is one-to-one): no ORDER BY to compile or sort.
        .order_by()[:1]
    )
    return next(iter(found), None)


def _located(location: Location | None) -> GeoPoint | None:
    if location is None or location.latitude is None or location.longitude is None:
        return None
    return GeoPoint(location.latitude, location.longitude, location.name)


def school_origin(user, student=None) -> GeoPoint | None:
    """Where "from my school" starts: the student's class location or the school's first
    location; for mentors and coordinators the first location of their school."""
    if student is not None:
        if student.school_class_id and student.school_class.location_id:
            point = _located(student.school_class.location)
            if point is not None:
                return point
        school_ids = [student.school_id]
    else:
        p = principal_for(user)
        school_ids = sorted(p.coordinator_school_ids | p.mentor_school_ids)
    if not school_ids:
        return None
    first = (
        Location.objects.filter(school_id__in=school_ids, latitude__isnull=False)
        .order_by("school_id", "pk")
        .first()
    )
    return _located(first)


def school_year_range(year: int | None = None) -> tuple[datetime.date, datetime.date]:
    year = year if year is not None else current_school_year()
    return datetime.date(year, 8, 1), datetime.date(year + 1, 7, 31)


def periods_of_student(student) -> list[tuple[datetime.date, datetime.date]]:
    """The internship periods of the student's class (planning app), or the school year.

    The planning app is optional: ``meedoen.planning.selectors.periods_of_student(user)``
    (the student's periods, objects with ``start_date``/``end_date``) is used when it
    exists and gives any; otherwise the current school year is the period. They are read
    once per record (``bank_periods``), which a record kept per browser session keeps."""
    kept = getattr(student, "bank_periods", None)
    if kept is not None:
        return list(kept)
    try:
        planning = import_module("meedoen.planning.selectors")
    except ImportError:
        planning = None
    periods_of = getattr(planning, "periods_of_student", None)
    periods = []
    if periods_of is not None and student.user_id:
        periods = [(p.start_date, p.end_date) for p in periods_of(student.user)]
    student.bank_periods = tuple(periods or [school_year_range()])
    return list(student.bank_periods)


# ---------------------------------------------------------------------------
# The search.
# ---------------------------------------------------------------------------


@dataclass
class SearchParams:
    q: str = ""
    sector: str = ""
    level: str = ""
    age: int | None = None
    kind: str = ""
    guidance: str = ""
    format: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    weekday: int | None = None
    open_only: bool = False
    periods: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)
    origin: GeoPoint | None = None
    radius_km: float | None = None
    sort: str = ""
    region_id: int | None = None


def search_words(text: str) -> list[str]:
    """The words of a search text: letters and digits only, so no text can be syntax."""
    return [w.lower()[:40] for w in WORD_RE.findall(text or "")][:MAX_WORDS]


def _json_has(field_name: str, value) -> Q:
    """JSON list ``field_name`` contains ``value`` (jsonb @> on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field_name}__contains": [value]})
    # SQLite stores the list as JSON text: look for the quoted element (or the digit).
    needle = f'"{value}"' if isinstance(value, str) else str(value)
    return Q(**{f"{field_name}__icontains": needle})


def effective_sort(params: SearchParams) -> str:
    if params.sort == "relevance" and search_words(params.q):
        return "relevance"
    if params.sort == "distance" and params.origin is not None:
        return "distance"
    if params.sort in ("newest", "start"):
        return params.sort
    # Automatic: best match when searching text, nearest when we know where from.
    if search_words(params.q):
        return "relevance"
    if params.origin is not None:
        return "distance"
    return "newest"


def vacancy_search(queryset: QuerySet[Vacancy], params: SearchParams) -> QuerySet[Vacancy]:
    """Filter and order ``queryset`` (already scoped) by ``params``; annotates
    ``distance`` when an origin is known and ``rank`` when sorting by relevance."""
    qs = queryset.defer("search_vector").select_related("organisation")
    sort = effective_sort(params)
    words = search_words(params.q)
    if words:
        if connection.vendor == "postgresql":
            query = SearchQuery(
                " & ".join(f"{w}:*" for w in words), config="dutch", search_type="raw"
            )
            qs = qs.filter(search_vector=query)
            if sort == "relevance":
                qs = qs.annotate(rank=SearchRank(F("search_vector"), query))
        else:
            for w in words:
                qs = qs.filter(
                    Q(title__icontains=w)
                    | Q(description__icontains=w)
                    | Q(activities__icontains=w)
                    | Q(organisation__name__icontains=w)
                )
            if sort == "relevance":
                qs = qs.annotate(
                    rank=sum(
                        (Case(When(title__icontains=w, then=2), default=0) for w in words),
                        start=Case(When(pk__isnull=False, then=0), output_field=IntegerField()),
                    )
                )
    if params.region_id:
        qs = qs.filter(organisation__region_id=params.region_id)
    if params.sector:
        qs = qs.filter(sector=params.sector)
    if params.level:
        qs = qs.filter(_json_has("levels", params.level))
    if params.age is not None:
        qs = qs.filter(min_age__lte=params.age)
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.guidance:
        wanted = GUIDANCE_RANK[GuidanceLevel(params.guidance)]
        qs = qs.filter(
            guidance_offered__in=[g for g, rank in GUIDANCE_RANK.items() if rank >= wanted]
        )
    if params.format:
        qs = qs.filter(_json_has("formats", params.format))
    if params.weekday is not None:
        qs = qs.filter(_json_has("weekdays", params.weekday))
    if params.date_from:
        qs = qs.filter(end_date__gte=params.date_from)
    if params.date_to:
        qs = qs.filter(start_date__lte=params.date_to)
    if params.periods:
        overlap = Q()
        for start, end in params.periods:
            overlap |= Q(start_date__lte=end, end_date__gte=start)
        qs = qs.filter(overlap)
    if params.open_only:
        taken = (
            Placement.objects.filter(vacancy=OuterRef("pk"), status__in=TAKING_STATES)
            .order_by()
            .values("vacancy")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(taken_n=Coalesce(Subquery(taken), 0)).filter(capacity__gt=F("taken_n"))
    if params.origin is not None:
        lat, lon = params.origin.latitude, params.origin.longitude
        if params.radius_km is not None:
            qs = qs.filter(bounding_box(lat, lon, params.radius_km))
        qs = qs.annotate(distance=distance_km(lat, lon))
        if params.radius_km is not None:
            qs = qs.filter(distance__lte=params.radius_km)
    if sort == "relevance":
        return qs.order_by("-rank", "-published_at", "-pk")
    if sort == "distance":
        return qs.order_by(F("distance").asc(nulls_last=True), "-published_at", "-pk")
    if sort == "start":
        return qs.order_by("start_date", "-pk")
    return qs.order_by(F("published_at").desc(nulls_last=True), "-pk")


def page_number(value) -> int:
    """The page asked for: a whole number from 1, else 1; huge numbers mean the last."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def search_page(queryset: QuerySet[Vacancy], params: SearchParams, number=1) -> Page:
    """One page of ``vacancy_search`` with the number of results, in one query: the
    count is a window over the same rows (``COUNT(*) OVER ()``), so a page costs one
    scan instead of a ``COUNT`` and a page query. Only a page past the end needs a
    second look (the count, then the last page), as ``Paginator.get_page`` would.
    The offers carry the card's columns (``CARD_FIELDS``) and ``distance``/``rank``
    when the search computes them; ``places_left`` is not set (see ``with_places``)."""
    number = page_number(number)
    found = (
        vacancy_search(queryset, params)
        .only(*CARD_FIELDS)
        .annotate(total_found=Window(Count("pk")))
    )
    rows = list(found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    if rows:
        total = rows[0].total_found
    elif number == 1:
        total = 0
    else:
        total = vacancy_search(queryset, params).count()
        number = max(1, -(-total // PAGE_SIZE))
        rows = list(found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]) if total else []
    paginator = Paginator([], PAGE_SIZE)
    paginator.count = total  # known from the window; Paginator would query it again
    return Page(rows, number, paginator)


# ---------------------------------------------------------------------------
# The bank's version: cached search results are keyed by it.
# ---------------------------------------------------------------------------

VERSION_KEY = "stagebank:version"
# Seconds a results page is cached; bounds staleness where the cache is not shared
# between processes (LocMem). settings.STAGEBANK_RESULTS_TTL = 0 switches caching off.
RESULTS_TTL = 30
# Seconds search results (without places left, which are filled in per request) are
# kept in a cache shared by all processes: a change of an offer bumps the version at
# once; this bounds what the version does not cover (an organisation's new name on its
# cards). settings.STAGEBANK_RESULTS_MAX_TTL.
RESULTS_MAX_TTL = 600


def results_ttl() -> int:
    from django.conf import settings

    return int(getattr(settings, "STAGEBANK_RESULTS_TTL", RESULTS_TTL))


def cache_is_shared() -> bool:
    """Whether every process sees the same cache (and so the same bank version)."""
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def results_lifetime(*, open_only: bool) -> int:
    """Seconds cached search results are kept: until the bank changes (at most
    ``RESULTS_MAX_TTL``) where the cache is shared; ``results_ttl()`` where each process
    keeps its own (another process's change does not reach its version) and for "only
    with places left", whose set of offers changes with placements, not with the version.
    0 when caching is off."""
    from django.conf import settings

    ttl = results_ttl()
    if not ttl or open_only or not cache_is_shared():
        return ttl
    return max(ttl, int(getattr(settings, "STAGEBANK_RESULTS_MAX_TTL", RESULTS_MAX_TTL)))


def new_bank_version() -> int:
    """A first version that no earlier one can equal (microseconds since 1970), so a
    version lost from the cache never brings back results of an earlier one."""
    import time

    return time.time_ns() // 1000


def bank_version() -> int:
    from django.core.cache import cache

    return cache.get_or_set(VERSION_KEY, new_bank_version, None)


def results_cache_key(*parts) -> str:
    import hashlib

    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"stagebank:results:{digest}"


def cached_for_version(key: str, also: tuple[str, ...] = ()):
    """The bank's version and what is cached under ``key`` for that version (None when
    nothing is, or only something of an earlier version), in one round trip to the
    cache: the version is stored with the value (``cache_for_version``), not in the key.
    With ``also``, a third value: what is cached under those keys (plain values, in the
    same round trip)."""
    from django.core.cache import cache

    found = cache.get_many([VERSION_KEY, key, *also])
    version = found.get(VERSION_KEY)
    if version is None:
        version = bank_version()
    entry = found.get(key)
    value = None if entry is None or entry[0] != version else entry[1]
    if also:
        return version, value, {k: found[k] for k in also if k in found}
    return version, value


def cache_for_version(key: str, version: int, value, timeout: int) -> None:
    """Cache ``value`` as computed at bank ``version`` (read before computing it, so a
    change made meanwhile makes it stale at once)."""
    from django.core.cache import cache

    cache.set(key, (version, value), timeout)


# How long a request waits for another process that is computing the same results, and
# how long that claim holds when the process never finishes (it crashed, say).
SHARED_WAIT = 1.0
CLAIM_TTL = 10


def cached_or_computed(key: str, lifetime: int, compute):
    """What is cached under ``key`` for the bank's version, else ``compute()``, cached for
    ``lifetime`` seconds. When the cache is shared by all processes, the same search asked
    at the same moment (a class opening the bank together) is computed once: the first
    request claims it, the others wait up to ``SHARED_WAIT`` seconds for its result and
    compute it themselves only if it does not come (the claimant failed, or the bank
    changed meanwhile)."""
    import time

    from django.core.cache import cache

    version, value = cached_for_version(key)
    if value is not None:
        return value
    claim = f"{key}:computing:{version}"
    shared = cache_is_shared()
    claimed = shared and cache.add(claim, 1, CLAIM_TTL)
    if shared and not claimed:
        deadline = time.monotonic() + SHARED_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.005)
            found = cache.get(key)
            if found is not None and found[0] == version:
                return found[1]
    try:
        value = compute()
        cache_for_version(key, version, value, lifetime)
    finally:
        if claimed:
            cache.delete(claim)
    return value


# ---------------------------------------------------------------------------
# Overviews.
# ---------------------------------------------------------------------------


def broker_overview(user) -> dict:
    """Counts by state, sector and level; the review queue; organisations with nothing
    published — for the broker's regions (all regions for the administrator)."""
    vacancies = vacancies_reviewable_by(user)
    by_state = dict(
        vacancies.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_sector = dict(
        vacancies.filter(status__in=VISIBLE)
        .order_by()
        .values_list("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    by_level: Counter = Counter()
    for levels in vacancies.filter(status__in=VISIBLE).values_list("levels", flat=True):
        by_level.update(levels or [])
    waiting = (
        vacancies.filter(status=S.SUBMITTED)
        .select_related("organisation")
        .defer("search_vector")
        .order_by("submitted_at", "pk")
    )
    p = principal_for(user)
    organisations = (
        Organisation.objects.all()
        if p.is_admin
        else Organisation.objects.filter(region_id__in=p.broker_region_ids)
    )
    without = (
        organisations.exclude(vacancies__status__in=VISIBLE)
        .annotate(offer_count=Count("vacancies"))
        .order_by("name")
    )
    return {
        "by_state": [(s, s.label, by_state.get(s.value, 0)) for s in S],
        "sector_rows": [(label, by_sector.get(code, 0)) for code, label in Sector.choices],
        "level_rows": [(label, by_level.get(code, 0)) for code, label in Level.choices],
        "waiting": waiting,
        "without_published": without,
        "total": sum(by_state.values()),
        "now": timezone.now(),
    }
