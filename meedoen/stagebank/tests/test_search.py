"""The bank's search: text, every filter, distance, sorting, bad input, query counts."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from meedoen.placements.models import PlacementStatus
from meedoen.stagebank.geo import GeoPoint, distance_km, haversine_km, postcode_coordinates
from meedoen.stagebank.models import Vacancy
from meedoen.stagebank.selectors import SearchParams, published_vacancies, vacancy_search

from .helpers import S, make_offer, year_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(personas, settings):
    settings.DEMO_SKIP_MFA = True
    w = personas
    a = make_offer(
        w,
        title="Dieren verzorgen op de kinderboerderij",
        description="Je voert de geiten en maakt de hokken schoon.",
        sector="nature",
        levels=["vmbo-t"],
        capacity=1,
        formats=["block"],
        weekdays=[2],
        latitude=52.1601,
        longitude=4.4901,
    )
    b = make_offer(
        w,
        organisation=w.org_y,
        title="Assistent-trainer voetbal",
        description="Je helpt bij de training van de jongste jeugd.",
        sector="sport",
        kind="group",
        group_min=4,
        group_max=8,
        capacity=8,
        min_age=15,
        levels=["havo", "vwo"],
        guidance_offered="targeted",
        formats=["ribbon"],
        weekdays=[5],
        latitude=52.2000,
        longitude=4.4160,
        start_date=year_date(9, 1),
        end_date=year_date(10, 31),
    )
    c = make_offer(
        w,
        title="Voorlezen in de bibliotheek",
        description="Op woensdagmiddag lees je voor aan kleuters.",
        sector="culture",
        levels=["vmbo-t", "havo"],
        guidance_offered="intensive",
        formats=["project"],
        weekdays=[2, 4],
        latitude=52.1580,
        longitude=4.5350,
        start_date=year_date(2, 1),
        end_date=year_date(3, 31),
    )
    draft = make_offer(w, S.DRAFT, title="Kinderboerderij concept")
    return type("Bank", (), {"a": a, "b": b, "c": c, "draft": draft, "w": w})


def ids(**kwargs):
    params = SearchParams(**kwargs)
    return [v.pk for v in vacancy_search(published_vacancies(), params)]


def test_text_search_finds_words_and_prefixes(bank):
    assert ids(q="kinderboerderij") == [bank.a.pk]  # the draft is never found
    assert ids(q="geit") == [bank.a.pk]  # prefix of "geiten"
    assert ids(q="voorlezen kleuters") == [bank.c.pk]  # every word must match
    assert ids(q="voorlezen voetbal") == []
    assert set(ids(q="Sportclub")) == {bank.b.pk}  # the organisation's name


def test_text_search_ranks_title_above_description(bank):
    make_offer(bank.w, title="Koken in het buurthuis", description="Ook voor de bibliotheek.")
    found = ids(q="bibliotheek", sort="relevance")
    assert found[0] == bank.c.pk and len(found) == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "sport"}, {"b"}),
        ({"level": "vmbo-t"}, {"a", "c"}),
        ({"level": "vwo"}, {"b"}),
        ({"age": 14}, {"a", "c"}),
        ({"kind": "group"}, {"b"}),
        ({"guidance": "targeted"}, {"b", "c"}),
        ({"guidance": "intensive"}, {"c"}),
        ({"format": "project"}, {"c"}),
        ({"weekday": 4}, {"c"}),
        ({"weekday": 2}, {"a", "c"}),
    ],
)
def test_each_filter(bank, params, expected):
    names = {bank.a.pk: "a", bank.b.pk: "b", bank.c.pk: "c"}
    assert {names[i] for i in ids(**params)} == expected


def test_period_overlap(bank):
    assert set(ids(date_from=year_date(11, 1), date_to=year_date(11, 30))) == {bank.a.pk}
    assert set(ids(date_from=year_date(3, 15))) == {bank.c.pk}
    assert set(ids(date_to=year_date(9, 5))) == {bank.a.pk, bank.b.pk}
    student_periods = [(year_date(1, 15), year_date(2, 15))]
    assert set(ids(periods=student_periods)) == {bank.c.pk}


def test_open_capacity_counts_active_placements(bank):
    from meedoen.core.tests.factories import PlacementFactory

    w = bank.w
    PlacementFactory(
        student=w.student_a2,
        organisation=w.org_x,
        vacancy=bank.a,
        status=PlacementStatus.APPROVED,
    )
    assert bank.a.pk not in ids(open_only=True)
    PlacementFactory(
        student=w.student_b, organisation=w.org_x, vacancy=bank.c, status=PlacementStatus.CANCELLED
    )
    assert set(ids(open_only=True)) == {bank.b.pk, bank.c.pk}


def test_distance_radius_and_sort(bank):
    school = GeoPoint(52.16, 4.49, "School")
    assert ids(origin=school, sort="distance") == [bank.a.pk, bank.c.pk, bank.b.pk]
    assert ids(origin=school, radius_km=4) == [bank.a.pk, bank.c.pk]
    assert ids(origin=school, radius_km=1) == [bank.a.pk]
    found = list(vacancy_search(published_vacancies(), SearchParams(origin=school)))
    assert found[1].distance == pytest.approx(3.1, abs=0.2)


def test_distance_in_sql_is_the_haversine_distance(bank):
    """``distance_km`` writes the formula's SQL itself (one expression node): it must give
    what the formula gives, in the select, a radius filter and the ordering alike."""
    lat, lon = 52.16, 4.49
    offers = [bank.a, bank.b, bank.c]
    expected = {v.pk: haversine_km(lat, lon, v.latitude, v.longitude) for v in offers}
    rows = (
        Vacancy.objects.filter(pk__in=expected)
        .annotate(distance=distance_km(lat, lon))
        .filter(distance__lte=max(expected.values()) + 0.001)
        .order_by("-distance")
    )
    found = {v.pk: v.distance for v in rows}
    assert found == pytest.approx(expected, rel=1e-9)
    assert [v.pk for v in rows] == sorted(expected, key=expected.get, reverse=True)


def test_postcode_origin(bank):
    leiderdorp = postcode_coordinates("2351 AB")
    assert ids(origin=leiderdorp, radius_km=2) == [bank.c.pk]
    assert postcode_coordinates("9999") is None
    assert postcode_coordinates("'; DROP") is None


def test_sorting_newest_and_start(bank):
    assert ids(sort="newest") == [bank.c.pk, bank.b.pk, bank.a.pk]
    assert ids(sort="start")[-1] == bank.c.pk


def test_page_students_see_what_fits_them_by_default(bank, client):
    client.force_login(bank.w.student_user)
    page = client.get(reverse("stagebank:search"))
    assert page.status_code == 200
    found = {v.pk for v in page.context["page"]}
    assert found == {bank.a.pk, bank.c.pk}  # b is for havo/vwo and from 15 years
    everything = client.get(reverse("stagebank:search"), {"f": "1"})
    assert {v.pk for v in everything.context["page"]} == {bank.a.pk, bank.b.pk, bank.c.pk}


def test_page_distance_from_the_students_school(bank, client):
    client.force_login(bank.w.student_user)
    page = client.get(reverse("stagebank:search"), {"f": "1", "near": "school", "km": "4"})
    assert [v.pk for v in page.context["page"]] == [bank.a.pk, bank.c.pk]
    assert b"km" in page.content


@pytest.mark.parametrize(
    "query",
    [
        {"km": "-5", "near": "postcode", "pc": "2351"},
        {"sector": "finance"},
        {"page": str(10**9)},
        {"page": "-1"},
        {"page": "abc"},
        {"q": "'; DROP TABLE stagebank_vacancy; --"},
        {"q": "a & b | !c :* <-> (('"},
        {"q": "x" * 5000},
        {"date_from": "2026-13-45"},
        {"weekday": "9"},
        {"age": "999999999999999999999"},
        {"pc": "<script>"},
        {"sort": "price"},
    ],
)
def test_nonsense_never_breaks_the_page(bank, client, query):
    client.force_login(bank.w.coordinator)
    response = client.get(reverse("stagebank:search"), query)
    assert response.status_code == 200
    assert Vacancy.objects.count() == 4
    assert b"<script>" not in response.content.replace(b"<script src=", b"")


def test_bad_filters_are_named(bank, client):
    client.force_login(bank.w.coordinator)
    response = client.get(reverse("stagebank:search"), {"sector": "finance", "km": "-5"})
    assert b"Some filters were not used" in response.content or b"niet gebruikt" in response.content
    assert len(response.context["page"]) == 3  # the other filters still apply


def test_huge_page_number_gives_the_last_page(bank, client):
    client.force_login(bank.w.coordinator)
    response = client.get(reverse("stagebank:search"), {"f": "1", "page": 10**9})
    assert response.context["page"].number == 1


def test_htmx_gets_only_the_results(bank, client):
    client.force_login(bank.w.coordinator)
    response = client.get(reverse("stagebank:search"), {"q": "voetbal"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b"Assistent-trainer" in response.content
    assert "HX-Request" in response["Vary"]


def test_query_count_does_not_grow_with_page_size(personas, client, settings):
    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Eén aanbod")
    _signed_in_browser(client, personas.student_user)
    url = reverse("stagebank:search")
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"f": "1", "near": "school"})
    for i in range(30):
        make_offer(personas, title=f"Aanbod {i}")
    cache.clear()  # measure the uncached search (the bank's version bumps after commit)
    with CaptureQueriesContext(connection) as full:
        response = client.get(url, {"f": "1", "near": "school"})
    assert len(response.context["page"]) == 20
    assert len(full) == len(one)


def test_query_count_bound(bank, client, django_assert_max_num_queries):
    client.force_login(bank.w.student_user)
    # session, user, memberships, student, periods, the page with its count, places taken
    # (the student's user for the periods is the signed-in user, not read again)
    with django_assert_max_num_queries(7):
        client.get(reverse("stagebank:search"), {"q": "dieren", "near": "school", "open": "on"})


def test_results_are_cached_until_the_bank_changes(
    personas, client, settings, django_capture_on_commit_callbacks
):
    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    client.force_login(personas.coordinator)
    url = reverse("stagebank:search")
    with CaptureQueriesContext(connection) as first:
        client.get(url, {"q": "voorlezen"})
    with CaptureQueriesContext(connection) as second:
        cached = client.get(url, {"q": "voorlezen"})
    assert len(second) < len(first) and b"Voorlezen in de bibliotheek" in cached.content
    with django_capture_on_commit_callbacks(execute=True):
        make_offer(personas, title="Voorlezen op de kinderboerderij")
    fresh = client.get(url, {"q": "voorlezen"})
    assert b"Voorlezen op de kinderboerderij" in fresh.content


def _signed_in_browser(client, user):
    """A browser as after signing in: a session and the CSRF cookie of its first page."""
    client.force_login(user)
    client.get(reverse("core:dashboard"))
    assert client.cookies.get("csrftoken")


def test_a_repeated_search_skips_resolving_the_student(personas, client, settings):
    """Asked again within the results' lifetime, a student's search does not look up the
    student, class, periods or school location again: only the session, the user and
    their memberships (for the two-factor check) are read."""
    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    _signed_in_browser(client, personas.student_user)
    url = reverse("stagebank:search")
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    with CaptureQueriesContext(connection) as second:
        again = client.get(url)
    assert again.status_code == 200 and b"Voorlezen in de bibliotheek" in again.content
    assert again.content == page.content
    assert len(second) <= 3 < len(first)


def test_a_cached_page_belongs_to_one_browser_session(personas, client, settings):
    """Another session of the same student, or a session of another person, never gets a
    page rendered for someone else (their name and CSRF token are in it)."""
    from django.test import Client

    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    url = reverse("stagebank:search")
    _signed_in_browser(client, personas.student_user)
    mine = client.get(url).content
    for user in (personas.student_user, personas.mentor):
        other = Client()
        _signed_in_browser(other, user)
        with CaptureQueriesContext(connection) as queries:
            theirs = other.get(url).content
        assert theirs != mine
        assert len(queries) > 3  # rendered for them, not served from another session
    assert personas.mentor.get_username().encode() not in mine


def _next_path(content: bytes) -> str:
    """The address the language switch returns to."""
    return re.search(rb'<input name="next" type="hidden" value="([^"]*)">', content)[1].decode()


def test_a_sessions_next_search_reuses_its_frame(personas, client, settings):
    """A new search in the same session renders the bank, not the site's frame (header,
    navigation, forms) again; the page is the same as one rendered whole, and the
    language switch returns to this search's own address, escaped."""
    from django.test import Client

    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    _signed_in_browser(client, personas.student_user)
    url = reverse("stagebank:search")
    client.get(url)
    query = '?f=1&q=voorlezen&x="><script>alert(1)</script>'
    second = client.get(url + query)
    assert "base.html" not in [t.name for t in second.templates]
    assert "stagebank/_search_body.html" in [t.name for t in second.templates]
    assert _next_path(second.content) == escape(second.wsgi_request.get_full_path())
    assert b"<script>alert(1)</script>" not in second.content
    assert personas.student_user.get_full_name().encode() in second.content
    # The same page rendered whole (a new session, so no frame kept yet) is the same but
    # for the session's CSRF token.
    fresh = Client()
    _signed_in_browser(fresh, personas.student_user)
    whole = fresh.get(url + query)
    assert "base.html" in [t.name for t in whole.templates]
    token = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    assert token.sub(rb"\1", second.content) == token.sub(rb"\1", whole.content)


def test_a_frame_that_could_be_mistaken_is_not_kept(personas, client, settings):
    """A person whose name holds a frame marker gets pages rendered whole, correctly."""
    from meedoen.stagebank import session_cache

    settings.DEMO_SKIP_MFA = True
    user = personas.student_user
    user.first_name = session_cache.FRAME_PATH
    user.save()
    _signed_in_browser(client, user)
    url = reverse("stagebank:search")
    for query in ("", "?f=1&q=bieb"):
        page = client.get(url + query)
        assert "base.html" in [t.name for t in page.templates]
        assert _next_path(page.content) == escape(page.wsgi_request.get_full_path())
        assert session_cache.FRAME_PATH.encode() in page.content  # the name, as it is


def test_no_cached_page_while_messages_wait_or_without_csrf_cookie(personas, client, rf):
    """A message to show once (e.g. "application sent") is never hidden behind a cached
    page, and a browser without its CSRF cookie gets a fresh page with a fresh token."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage import default_storage

    from meedoen.stagebank import session_cache

    def _page_cache_key(request):
        return session_cache.read(request).keys

    _signed_in_browser(client, personas.student_user)
    request = rf.get(reverse("stagebank:search"))
    request.session = client.session
    request.user = personas.student_user
    request._messages = default_storage(request)
    assert _page_cache_key(request) is None  # no CSRF cookie
    request.COOKIES["csrftoken"] = client.cookies["csrftoken"].value
    assert _page_cache_key(request) is not None
    request._messages.add(constants.SUCCESS, "Sollicitatie verstuurd")
    assert _page_cache_key(request) is None


# ---------------------------------------------------------------------------
# A page in one query; places left filled in per request; how long results are kept.
# ---------------------------------------------------------------------------


def test_a_page_and_its_count_come_from_one_query(bank):
    from meedoen.stagebank.selectors import search_page

    with CaptureQueriesContext(connection) as queries:
        page = search_page(published_vacancies(), SearchParams(sort="newest"), 1)
    assert len(queries) == 1
    assert page.paginator.count == 3 and [v.pk for v in page] == ids(sort="newest")
    for asked in ("abc", "-1", "0", None):
        assert search_page(published_vacancies(), SearchParams(), asked).number == 1
    # Past the end: the last page, as Paginator.get_page gives it.
    past = search_page(published_vacancies(), SearchParams(), 10**12)
    assert past.number == 1 and past.paginator.count == 3 and len(past) == 3
    nothing = search_page(published_vacancies(), SearchParams(q="xylofoon"), 5)
    assert nothing.number == 1 and nothing.paginator.count == 0 and not nothing


def test_cards_show_every_fact_of_the_offer(bank, client):
    client.force_login(bank.w.student_user)
    response = client.get(reverse("stagebank:search"), {"f": "1", "q": "voetbal"})
    card = response.content.decode()
    b = bank.b
    assert reverse("stagebank:detail", args=[b.pk]) in card
    assert b.title in card and b.organisation.name in card
    assert 'class="tag tag-sport"' in card and 'class="tag tag-ok"' in card
    assert "<!--places" not in card  # every marker is replaced by its tag


def test_public_cards_link_to_the_public_page_and_keep_the_region(bank, client):
    region = bank.b.organisation.region_id
    response = client.get(reverse("stagebank:public"), {"q": "voetbal", "region": region})
    html = response.content.decode()
    assert f"{reverse('stagebank:public_detail', args=[bank.b.pk])}?region={region}" in html
    assert "<!--places" not in html


def _take_all_places(bank):
    from meedoen.core.tests.factories import PlacementFactory

    PlacementFactory(
        student=bank.w.student_a2,
        organisation=bank.w.org_x,
        vacancy=bank.a,  # capacity 1
        status=PlacementStatus.APPROVED,
    )


def test_places_left_are_current_while_results_are_cached(bank, client):
    """A placement does not change the bank's version, so the results stay cached; their
    places left are counted on every request, so another browser sees the offer full."""
    from django.test import Client

    url = reverse("stagebank:search")
    query = {"f": "1", "q": "kinderboerderij"}
    client.force_login(bank.w.coordinator)
    first = client.get(url, query).content.decode()
    assert 'tag tag-ok"' in first and "tag-full" not in first
    _take_all_places(bank)
    other = Client()
    other.force_login(bank.w.coordinator)
    with CaptureQueriesContext(connection) as queries:
        again = other.get(url, query).content.decode()
    assert not any("stagebank_vacancy" in q["sql"] for q in queries)  # from the cache
    assert "tag-full" in again and 'tag tag-ok"' not in again


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache all processes share (as Redis in production), here on disk."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    cache.clear()
    yield
    cache.clear()


def test_results_are_kept_until_the_bank_changes_where_the_cache_is_shared(settings, shared_cache):
    from meedoen.stagebank.selectors import RESULTS_MAX_TTL, RESULTS_TTL, results_lifetime

    assert results_lifetime(open_only=False) == RESULTS_MAX_TTL
    # "Only with places left" depends on placements, which do not bump the version.
    assert results_lifetime(open_only=True) == RESULTS_TTL
    settings.STAGEBANK_RESULTS_TTL = 0
    assert results_lifetime(open_only=False) == 0  # caching off is off


def test_results_are_kept_briefly_where_each_process_has_its_own_cache(settings):
    from meedoen.stagebank.selectors import RESULTS_TTL, results_lifetime

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert results_lifetime(open_only=False) == RESULTS_TTL


def test_a_changed_offer_is_never_served_from_cached_results(
    bank, client, shared_cache, django_capture_on_commit_callbacks
):
    from meedoen.stagebank import services

    url = reverse("stagebank:search")
    client.force_login(bank.w.coordinator)
    assert bank.c.title in client.get(url, {"f": "1", "q": "voorlezen"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_pause(actor=bank.w.broker, vacancy=bank.c)
    from django.test import Client

    other = Client()
    other.force_login(bank.w.coordinator)
    assert bank.c.title not in other.get(url, {"f": "1", "q": "voorlezen"}).content.decode()


def test_cached_results_belong_to_one_version_of_the_bank(django_capture_on_commit_callbacks):
    from meedoen.stagebank.selectors import (
        VERSION_KEY,
        bank_version,
        cache_for_version,
        cached_for_version,
    )
    from meedoen.stagebank.services import bank_changed

    version, nothing = cached_for_version("stagebank:results:x")
    assert nothing is None and version == bank_version()
    cache_for_version("stagebank:results:x", version, "html", 60)
    assert cached_for_version("stagebank:results:x") == (version, "html")
    with django_capture_on_commit_callbacks(execute=True):
        bank_changed()
    assert cached_for_version("stagebank:results:x")[1] is None
    # A version lost from the cache starts anew, never at one that was used before.
    cache_for_version("stagebank:results:x", bank_version(), "html", 60)
    cache.delete(VERSION_KEY)
    assert cached_for_version("stagebank:results:x")[1] is None


def _reads_student(query) -> bool:
    return query["sql"].startswith('SELECT "students_student"."id"')


def test_a_students_next_search_in_the_session_does_not_read_the_student_again(
    personas, client, settings
):
    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    _signed_in_browser(client, personas.student_user)
    url = reverse("stagebank:search")
    with CaptureQueriesContext(connection) as first:
        client.get(url, {"q": "voorlezen"})
    with CaptureQueriesContext(connection) as second:
        page = client.get(url, {"q": "bibliotheek"})
    assert any(_reads_student(q) for q in first)
    assert not any(_reads_student(q) for q in second)
    assert b"Voorlezen in de bibliotheek" in page.content
    # With caching off, every request reads it.
    settings.STAGEBANK_RESULTS_TTL = 0
    with CaptureQueriesContext(connection) as uncached:
        client.get(url, {"q": "boek"})
    assert any(_reads_student(q) for q in uncached)


def test_the_students_periods_are_kept_with_their_record(personas, client, settings):
    """The bank's default page fits offers to the student's internship periods: read with
    the student's record once per session, not for every search, and the same periods."""
    from meedoen.stagebank.selectors import periods_of_student

    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    _signed_in_browser(client, personas.student_user)
    url = reverse("stagebank:search")

    def reads_periods(queries):
        return any("planning_internshipperiod" in q["sql"] for q in queries)

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        page = client.get(url, {"f": "1", "fits": "on", "q": "bibliotheek"})
    assert reads_periods(first) and not reads_periods(second)
    assert b"Voorlezen in de bibliotheek" in page.content
    kept = cache.get(f"stagebank:student:{client.session.session_key}:{personas.student_user.pk}")
    assert list(kept.bank_periods) == periods_of_student(personas.student)
    assert "user" not in kept._state.fields_cache  # no user object in the cache
    # Read only when a search needs them: a new session searching without them first.
    from django.test import Client

    other = Client()
    _signed_in_browser(other, personas.student_user)
    with CaptureQueriesContext(connection) as plain:
        other.get(url, {"f": "1", "q": "voorlezen"})
    with CaptureQueriesContext(connection) as default:
        other.get(url)
    with CaptureQueriesContext(connection) as fitted:
        other.get(url, {"f": "1", "fits": "on", "q": "voorlezen"})
    assert not reads_periods(plain) and reads_periods(default) and not reads_periods(fitted)


def _student_in(school_class, username: str):
    """A signed-in student of ``school_class`` (born the same day as the personas')."""
    from meedoen.core.tests import factories as f
    from meedoen.directory.models import Role

    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, role=Role.STUDENT, school=school_class.cohort.school)
    f.StudentFactory(school_class=school_class, user=user)
    return user


def _results_of(client, query=None) -> str:
    """The results part of a search page (what htmx asks for), as this person sees it."""
    response = client.get(reverse("stagebank:search"), query or {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_a_classmates_search_is_served_without_building_the_form(
    personas, client, settings, monkeypatch
):
    """A student asking what a classmate asked a moment ago (the same query string, the
    same school, periods, level and age: the class's default page, a popular search) gets
    the results the classmate's search left in the cache, without a search form or a
    query set being built again."""
    from django.test import Client

    from meedoen.stagebank import views

    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    _signed_in_browser(client, personas.student_user)
    classmate = Client()
    _signed_in_browser(classmate, _student_in(personas.class_a1, "klasgenoot"))
    queries = [None, {"f": "1", "q": "voorlezen", "near": "school", "fits": "on", "km": "5"}]
    asked = [_results_of(client, query) for query in queries]

    def no_form(*args, **kwargs):
        raise AssertionError("the search form was built for results that were cached")

    monkeypatch.setattr(views, "SearchForm", no_form)
    for query, theirs in zip(queries, asked, strict=True):
        mine = _results_of(classmate, query)
        assert mine == theirs and "Voorlezen in de bibliotheek" in mine
        full = classmate.get(reverse("stagebank:search"), query or {})
        assert full.status_code == 200 and b"Voorlezen in de bibliotheek" in full.content
        assert b'name="q"' in full.content  # the filter form, from the cache as well


def test_the_same_query_string_is_searched_for_each_students_school_and_periods(
    personas, client, settings
):
    """Results are shared only by searches that are the same: "my school" and the periods
    "fits" stands for are each student's own, whoever asked the query string first."""
    from django.test import Client

    from meedoen.directory.models import Location
    from meedoen.planning.models import InternshipPeriod, PeriodStatus
    from meedoen.students.models import current_school_year

    settings.DEMO_SKIP_MFA = True
    w = personas
    Location.objects.filter(school=w.school_b).update(latitude=52.370, longitude=4.895)
    autumn = (year_date(9, 1), year_date(10, 31))
    period = InternshipPeriod.objects.create(
        school=w.school_b,
        school_year=current_school_year(),
        cohort=w.class_b1.cohort,
        format="block",
        start_date=autumn[0],
        end_date=autumn[1],
        students=20,
        status=PeriodStatus.CONFIRMED,
    )
    period.classes.add(w.class_b1)
    make_offer(
        w,
        title="Voorlezen in Leiden",
        latitude=52.160,
        longitude=4.490,
        start_date=year_date(2, 1),
        end_date=year_date(3, 31),
    )
    make_offer(
        w,
        title="Voorlezen in Amsterdam",
        latitude=52.370,
        longitude=4.895,
        start_date=autumn[0],
        end_date=autumn[1],
    )
    _signed_in_browser(client, w.student_user)
    school_b = Client()
    _signed_in_browser(school_b, _student_in(w.class_b1, "leerling-b"))
    cases = [
        ({"q": "voorlezen", "near": "school", "km": "10"}, {"Leiden"}, {"Amsterdam"}),
        ({"q": "voorlezen", "fits": "on"}, {"Leiden", "Amsterdam"}, {"Amsterdam"}),
    ]
    for filters, school_a_sees, school_b_sees in cases:
        for first, second in ((client, school_b), (school_b, client)):
            query = {**filters, "f": "1", "sort": "newest" if first is client else "start"}
            found = {}
            for who in (first, second):
                html = _results_of(who, query)
                found[who] = {t for t in ("Leiden", "Amsterdam") if f"Voorlezen in {t}" in html}
            assert found[client] == school_a_sees, query
            assert found[school_b] == school_b_sees, query


def test_a_student_and_a_mentor_asking_the_same_get_their_own_form(personas, client, settings):
    """Only a student's form has "fits my school's periods": the same query string asked by
    a mentor after a student (or the other way round) is not answered with the other's."""
    from django.test import Client

    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen in de bibliotheek")
    _signed_in_browser(client, personas.student_user)
    mentor = Client()
    _signed_in_browser(mentor, personas.mentor)
    url = reverse("stagebank:search")
    for words, order in [("voorlezen", (client, mentor)), ("bibliotheek", (mentor, client))]:
        for who in order:
            page = who.get(url, {"f": "1", "q": words}).content.decode()
            assert "Voorlezen in de bibliotheek" in page
            assert ('name="fits"' in page) == (who is client)


def test_an_offer_cannot_forge_a_places_marker(personas, client, settings):
    settings.DEMO_SKIP_MFA = True
    make_offer(personas, title="Voorlezen <!--places:1:99-->", capacity=3)
    client.force_login(personas.coordinator)
    html = client.get(reverse("stagebank:search"), {"q": "voorlezen"}).content.decode()
    assert "Voorlezen &lt;!--places:1:99--&gt;" in html
    assert html.count('class="tag tag-ok"') == 1 and "<!--places" not in html


class _Computation:
    """A stand-in for rendering search results, counting how often it runs."""

    def __init__(self, value="fresh", fail=False):
        self.value, self.fail, self.calls = value, fail, 0

    def __call__(self):
        self.calls += 1
        if self.fail:
            raise RuntimeError("the search failed")
        return self.value


@pytest.fixture
def bank_selectors(shared_cache):
    from meedoen.stagebank import selectors

    assert selectors.cache_is_shared()
    return selectors


def test_the_same_search_asked_at_once_is_computed_once(bank_selectors, monkeypatch):
    key = "stagebank:results:together"
    claim = f"{key}:computing:{bank_selectors.bank_version()}"
    assert cache.add(claim, 1)  # another process is computing this very search
    # While this request waits, the other process stores its result.
    finish = lambda _seconds: bank_selectors.cache_for_version(  # noqa: E731
        key, bank_selectors.bank_version(), "theirs", 60
    )
    monkeypatch.setattr("time.sleep", finish)
    compute = _Computation()
    assert bank_selectors.cached_or_computed(key, 60, compute) == "theirs"
    assert compute.calls == 0


def test_a_waiting_search_computes_itself_when_no_result_comes(bank_selectors, monkeypatch):
    key = "stagebank:results:abandoned"
    assert cache.add(f"{key}:computing:{bank_selectors.bank_version()}", 1)  # never finishes
    monkeypatch.setattr(bank_selectors, "SHARED_WAIT", 0.02)
    compute = _Computation("mine")
    assert bank_selectors.cached_or_computed(key, 60, compute) == "mine"
    assert compute.calls == 1
    # And it is cached for the next request, which computes nothing.
    assert bank_selectors.cached_or_computed(key, 60, compute) == "mine"
    assert compute.calls == 1


def test_a_claim_is_given_up_when_the_search_fails(bank_selectors):
    key = "stagebank:results:failing"
    claim = f"{key}:computing:{bank_selectors.bank_version()}"
    with pytest.raises(RuntimeError):
        bank_selectors.cached_or_computed(key, 60, _Computation(fail=True))
    assert cache.get(claim) is None  # the next request does not wait for it
    assert bank_selectors.cached_or_computed(key, 60, _Computation("again")) == "again"


def test_without_a_shared_cache_nothing_is_claimed():
    from meedoen.stagebank import selectors

    key = "stagebank:results:local"
    claim = f"{key}:computing:{selectors.bank_version()}"
    claims_seen = []

    def compute():
        claims_seen.append(cache.get(claim))  # while computing: is a claim held?
        return "local"

    assert selectors.cached_or_computed(key, 60, compute) == "local"
    assert claims_seen == [None]
