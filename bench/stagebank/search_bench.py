"""Benchmark of the placement bank's search on PostgreSQL with a national-size bank.

Creates the database ``meedoen_bench`` on 127.0.0.1 (user ``postgres``), migrates it and
fills it with 50,000 published offers (plus 5,000 in other states and 5,000 placements
that take places) of 1,000 organisations spread over 40 Dutch towns. Then:

1. **Server time, in process.** A signed-in student's search page is requested through
   ``django.test.Client`` (full middleware, session, access policy, template): varied
   filtered full-text searches sorted by distance from the student's school, with a
   radius. Prints median and p95 (targets: median < 50 ms, p95 < 120 ms).
2. **Throughput on loopback.** gunicorn with 2 sync workers serves the same database;
   ``wrk`` (or, without it, a small thread-pool client with a fixed number of requests)
   requests the search page — varied URLs, the student's session cookie — and the
   trivial ``/healthz`` view, in the same run. Target: search ≥ half of ``/healthz``.

Usage::

    .venv/bin/python bench/stagebank/search_bench.py [--iterations 600] [--duration 20]
        [--reuse] [--drop] [--profile N]

``--reuse`` uses an existing, filled ``meedoen_bench`` (skips the seeding); ``--drop``
drops the database at the end; ``--profile N`` prints a cProfile of N uncached searches
(where their server time goes) instead of measuring. The figures are recorded in
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "meedoen_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
PUBLISHED = 50_000
OTHER_STATES = 5_000
PLACEMENTS = 5_000
ORGANISATIONS = 1_000
PORT = 8099
WORKERS = 2  # gunicorn sync workers (--workers)
WRK_THREADS = 2
STUDENTS = 40  # signed-in students of one class whose sessions the load generator uses
REDIS_URL = "redis://127.0.0.1:6379/9"
SEED = 2026

# Town centres (latitude, longitude) the organisations are spread around.
TOWNS = [
    ("Amsterdam", 52.370, 4.895), ("Rotterdam", 51.922, 4.479), ("Den Haag", 52.070, 4.300),
    ("Utrecht", 52.091, 5.122), ("Eindhoven", 51.441, 5.470), ("Groningen", 53.219, 6.566),
    ("Tilburg", 51.560, 5.091), ("Almere", 52.350, 5.264), ("Breda", 51.589, 4.776),
    ("Nijmegen", 51.842, 5.853), ("Apeldoorn", 52.211, 5.969), ("Haarlem", 52.387, 4.646),
    ("Arnhem", 51.985, 5.898), ("Enschede", 52.221, 6.893), ("Amersfoort", 52.156, 5.387),
    ("Zaanstad", 52.438, 4.826), ("Den Bosch", 51.697, 5.304), ("Haarlemmermeer", 52.303, 4.690),
    ("Zwolle", 52.516, 6.083), ("Zoetermeer", 52.057, 4.493), ("Leiden", 52.160, 4.497),
    ("Leeuwarden", 53.201, 5.799), ("Maastricht", 50.851, 5.691), ("Dordrecht", 51.813, 4.690),
    ("Ede", 52.040, 5.665), ("Alphen a/d Rijn", 52.129, 4.656), ("Westland", 51.995, 4.209),
    ("Alkmaar", 52.632, 4.750), ("Emmen", 52.785, 6.897), ("Delft", 52.012, 4.357),
    ("Venlo", 51.370, 6.172), ("Deventer", 52.255, 6.163), ("Sittard", 50.998, 5.869),
    ("Helmond", 51.476, 5.661), ("Oss", 51.765, 5.518), ("Amstelveen", 52.303, 4.863),
    ("Hilversum", 52.223, 5.176), ("Heerlen", 50.888, 5.980), ("Hoorn", 52.642, 5.060),
    ("Katwijk", 52.200, 4.416),
]  # fmt: skip
WORDS = [
    "dieren", "voorlezen", "sport", "zorg", "koffie", "muziek", "training", "natuur",
    "kinderen", "ouderen", "tuin", "museum", "bibliotheek", "voedselbank", "theater",
    "jeugd", "wandelen", "koken", "festival", "zwemles", "buurthuis", "afval", "taal",
]  # fmt: skip


def database_url(conn_max_age: int = 0) -> str:
    suffix = f"?conn_max_age={conn_max_age}" if conn_max_age else ""
    return f"{SERVER}/{DB_NAME}{suffix}"


def server_env() -> dict[str, str]:
    """Production-like settings for both the in-process run and gunicorn."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MEEDOEN_ENV": "production",
            "SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60),
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": database_url(conn_max_age=600),
            "LOG_LEVEL": "ERROR",
        }
    )
    env["BENCH_SECRET_KEY"] = env["SECRET_KEY"]
    return env


def database_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
    return row is not None


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(server_env())
    import django

    django.setup()


def migrate() -> None:
    """Migrate; then create the tables of any app that has no migrations yet, so that
    pages of other apps (navigation, panels) do not fail on a missing table."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            table = model._meta.db_table
            if model._meta.managed and not model._meta.proxy and table not in existing:
                editor.create_model(model)
                existing.add(table)


def seed() -> None:
    """The bank: 1,000 organisations in 40 towns, 55,000 offers, 5,000 placements."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from meedoen.core.tests import factories as f
    from meedoen.directory.models import ContactPerson, Membership, Organisation, Role, Sector
    from meedoen.placements.models import Placement, PlacementStatus
    from meedoen.stagebank.demo import build_vacancy
    from meedoen.stagebank.models import Vacancy
    from meedoen.stagebank.services import quality_criteria_for
    from meedoen.stagebank.workflows import VacancyStatus
    from meedoen.students.models import Student, current_school_year

    rng = random.Random(SEED)
    started = time.perf_counter()
    with transaction.atomic():
        region = f.RegionFactory(name="Nederland (bench)")
        quality_criteria_for(region)
        municipality = f.MunicipalityFactory(region=region, name="Utrecht")
        school = f.SchoolFactory(region=region, name="Bench College", brin="99ZZ")
        location = f.LocationFactory(
            school=school, municipality=municipality, latitude=52.0907, longitude=5.1214
        )
        school_class = f.SchoolClassFactory(
            cohort=f.CohortFactory(school=school, school_year=current_school_year()), name="3T1"
        )
        school_class.location = location
        school_class.save()
        user = f.UserFactory(username="bench-student")
        Membership.objects.create(user=user, role=Role.STUDENT, school=school)
        Student.objects.create(
            school=school,
            school_class=school_class,
            user=user,
            student_number="1",
            first_name="Bench",
            last_name="Leerling",
            date_of_birth=datetime.date(current_school_year() - 14, 3, 1),
        )
        sectors = [s for s in Sector.values if s != Sector.OTHER]
        organisations = []
        for i in range(ORGANISATIONS):
            town, lat, lon = TOWNS[i % len(TOWNS)]
            organisations.append(
                Organisation(
                    region=region,
                    name=f"{rng.choice(['Stichting', 'Vereniging', 'Buurthuis', 'Club'])} "
                    f"{town} {i}",
                    sectors=[rng.choice(sectors)],
                    city=town,
                    postcode=f"{1000 + (i * 37) % 8900} AB",
                    latitude=round(lat + rng.uniform(-0.06, 0.06), 6),
                    longitude=round(lon + rng.uniform(-0.09, 0.09), 6),
                )
            )
        Organisation.objects.bulk_create(organisations)
        organisations = list(Organisation.objects.filter(region=region).order_by("pk"))
        ContactPerson.objects.bulk_create(
            [
                ContactPerson(organisation=o, name="Contact", email=f"c{o.pk}@bench.example")
                for o in organisations
            ]
        )
        contacts = {c.organisation_id: c for c in ContactPerson.objects.all()}
        now = timezone.now()
        year = current_school_year()
        others = [s for s in VacancyStatus.values if s != VacancyStatus.PUBLISHED]
        batch: list[Vacancy] = []
        for n in range(PUBLISHED + OTHER_STATES):
            org = organisations[n % len(organisations)]
            status = VacancyStatus.PUBLISHED if n < PUBLISHED else rng.choice(others)
            batch.append(
                build_vacancy(
                    rng, org, school_year=year, status=status, contact=contacts[org.pk], now=now
                )
            )
            if len(batch) == 5000:
                Vacancy.objects.bulk_create(batch)
                batch = []
        Vacancy.objects.bulk_create(batch)
        # Students and placements so that "places left" has something to count.
        students = Student.objects.bulk_create(
            [
                Student(
                    school=school,
                    school_class=school_class,
                    student_number=str(10 + i),
                    first_name="Leerling",
                    last_name=str(i),
                    date_of_birth=datetime.date(year - 14, 1, 1),
                )
                for i in range(PLACEMENTS)
            ]
        )
        offers = list(
            Vacancy.objects.filter(status=VacancyStatus.PUBLISHED).values_list(
                "pk", "organisation_id"
            )[:PLACEMENTS]
        )
        Placement.objects.bulk_create(
            [
                Placement(
                    student=s,
                    organisation_id=org_id,
                    vacancy_id=pk,
                    activity="Bench",
                    status=rng.choice([PlacementStatus.APPROVED, PlacementStatus.ACTIVE]),
                )
                for s, (pk, org_id) in zip(students, offers, strict=False)
            ],
            batch_size=2000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {PUBLISHED:,} published offers in {time.perf_counter() - started:.0f} s")


def filled() -> bool:
    from meedoen.stagebank.models import Vacancy

    try:
        return Vacancy.objects.filter(status="published").count() >= PUBLISHED
    except Exception:  # noqa: BLE001 - an empty or broken database is "not filled"
        return False


def ensure_students() -> list[str]:
    """The class's signed-in students (``bench-student`` and ``bench-student-1`` ...);
    returns the cookies of a browser signed in as each (session and CSRF cookie, as a
    browser sends them after its first page)."""
    import datetime

    from django.test import Client

    from meedoen.accounts.models import User
    from meedoen.directory.models import Membership, Role
    from meedoen.students.models import Student, current_school_year

    first = Student.objects.select_related("school_class").get(user__username="bench-student")
    sessions = []
    for i in range(STUDENTS):
        username = "bench-student" if i == 0 else f"bench-student-{i}"
        user, created = User.objects.get_or_create(username=username)
        if created:
            Membership.objects.create(user=user, role=Role.STUDENT, school=first.school)
            Student.objects.create(
                school=first.school,
                school_class=first.school_class,
                user=user,
                student_number=f"b{i}",
                first_name="Bench",
                last_name=f"Leerling {i}",
                date_of_birth=datetime.date(current_school_year() - 14, 1 + i % 12, 1),
            )
        client = Client()
        client.force_login(user)
        client.get("/offers/")
        sessions.append(
            f"sessionid={client.cookies['sessionid'].value}; "
            f"csrftoken={client.cookies['csrftoken'].value}"
        )
    return sessions


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception:  # noqa: BLE001 - no Redis here: each worker keeps its own cache
        return False
    return True


def search_urls(n: int, rng: random.Random) -> list[str]:
    """Varied filtered full-text searches sorted by distance from the student's school."""
    from django.utils.http import urlencode

    from meedoen.directory.models import Sector
    from meedoen.students.models import Level

    urls = []
    for _ in range(n):
        params = {
            "f": "1",
            "q": rng.choice(WORDS),
            "near": "school",
            "km": rng.choice([5, 10, 15, 25, 50]),
            "sort": "distance",
        }
        if rng.random() < 0.5:
            params["sector"] = rng.choice([s for s in Sector.values if s != "other"])
        if rng.random() < 0.5:
            params["level"] = rng.choice(Level.values)
        if rng.random() < 0.3:
            params["open"] = "on"
        if rng.random() < 0.2:
            params["page"] = rng.choice([2, 3])
        urls.append("/offers/?" + urlencode(params))
    return urls


def popularity_mix(rng: random.Random, requests: int = 3000) -> list[str]:
    """What a busy bank sees: a few searches are very common (the default page of each
    class, popular words), most are rare. Zipf-like weights over 500 searches."""
    urls = search_urls(500, rng)
    weights = [1 / (rank + 1) for rank in range(len(urls))]
    return rng.choices(urls, weights=weights, k=requests)


def in_process(iterations: int) -> dict:
    from django.test import Client

    from meedoen.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-student"))
    urls = search_urls(iterations + 50, random.Random(SEED + 1))
    for url in urls[:50]:  # warm up connections and caches
        assert client.get(url).status_code == 200
    from django.core.cache import cache

    timings = []
    results = []
    for url in urls[50:]:
        cache.clear()  # server time of a real search, not of a cached page
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        results.append(response.content.count(b'class="offer-card"'))
    timings.sort()
    # The same searches again, now answered from the results cache, and the trivial view.
    for url in urls[50:150]:
        client.get(url)
    cached = []
    for url in urls[50:150]:
        started = time.perf_counter()
        client.get(url)
        cached.append((time.perf_counter() - started) * 1000)
    trivial = []
    for _ in range(100):
        started = time.perf_counter()
        client.get("/healthz")
        trivial.append((time.perf_counter() - started) * 1000)
    return {
        "cached_median_ms": statistics.median(cached),
        "healthz_median_ms": statistics.median(trivial),
        "iterations": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "max_ms": timings[-1],
        "mean_results": statistics.mean(results),
    }


def profile(requests: int, lines: int = 45) -> None:
    """Where the server time of an uncached search goes: ``requests`` of the in-process
    searches (results cache cleared before each) under cProfile, with the functions by
    cumulative time per request. Profiling roughly doubles the time of each call, more so
    for code that makes many small calls (the ORM, templates): read it for proportions."""
    import cProfile
    import io
    import pstats

    from django.core.cache import cache
    from django.test import Client

    from meedoen.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-student"))
    urls = search_urls(requests + 50, random.Random(SEED + 1))
    for url in urls[:50]:
        client.get(url)
    profiler = cProfile.Profile()
    for url in urls[50:]:
        cache.clear()
        profiler.enable()
        client.get(url)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    print(
        f"profile of {requests} uncached searches: {stats.total_calls / requests:,.0f} "
        f"function calls and {stats.total_tt / requests * 1000:.1f} ms (profiled) per request"
    )
    stats.sort_stats("cumulative").print_stats(lines)
    print(out.getvalue())


def start_gunicorn(env: dict, *, cached: bool = True) -> subprocess.Popen:
    env = dict(env)
    if redis_available():
        # Production shape: both workers share one cache (CACHE_URL), emptied first.
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env["CACHE_URL"] = REDIS_URL
    if not cached:
        # The same settings with the results cache switched off.
        settings_dir = Path(tempfile.mkdtemp())
        (settings_dir / "bench_nocache.py").write_text(
            "from config.settings import *  # noqa: F403\nSTAGEBANK_RESULTS_TTL = 0\n"
        )
        env["PYTHONPATH"] = f"{settings_dir}:{ROOT}"
        env["DJANGO_SETTINGS_MODULE"] = "bench_nocache"
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


LUA = """
local start, threads = %d, %d
local paths, cookies = {}, {}
for line in io.lines("%s") do
  local cookie, path = line:match("^([^\t]+)\t(.+)$")
  cookies[#cookies + 1] = cookie
  paths[#paths + 1] = path
end
local created = 0
setup = function(thread)
  thread:set("id", created)
  created = created + 1
end
local i
init = function(args)
  i = start + id
end
request = function()
  local k = i %% #paths + 1
  i = i + threads
  return wrk.format("GET", paths[k], {Cookie = cookies[k]})
end
"""


def wrk(
    paths: list[str], cookies: list[str] | str, duration: int, start: int = 0
) -> tuple[float, int]:
    """Requests/s over ``paths`` in turn, the i-th with the i-th session cookie, and the
    number of requests made. wrk's threads share the list from position ``start`` (with
    two threads, one takes every even position and the other every odd one), so that
    each request of the list is made once, and consecutive runs can carry on where the
    one before stopped."""
    if isinstance(cookies, str):
        cookies = [cookies] * len(paths)
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("".join(f"{c}\t{p}\n" for c, p in zip(cookies, paths, strict=True)))
        script = Path(tmp) / "paths.lua"
        script.write_text(LUA % (start, WRK_THREADS, listing))
        out = subprocess.run(
            [
                "wrk",
                f"-t{WRK_THREADS}",
                "-c8",
                f"-d{duration}s",
                "-s",
                str(script),
                f"http://127.0.0.1:{PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses:\n{out}")
    made = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), made


def alternating(
    paths: list[str],
    cookies: list[str] | str,
    healthz_cookie: str,
    rounds: int,
    seconds: int,
    start: int = 0,
) -> list[tuple[float, float]]:
    """``rounds`` pairs of (``/healthz``, search) throughput, each measured for
    ``seconds`` right after the other, so that both see the machine in the same state
    (here wrk, PostgreSQL, Redis and both workers share the CPUs with other jobs, and the
    machine's speed drifts within minutes). The search traffic carries on through
    ``paths`` from round to round (from ``start``), as one longer run would."""
    pairs, position = [], start
    for _ in range(rounds):
        healthz, _made = wrk(["/healthz"], healthz_cookie, seconds)
        search, made = wrk(paths, cookies, seconds, start=position)
        position += made
        pairs.append((healthz, search))
    return pairs


def pool_client(paths: list[str], cookies: list[str] | str, requests: int) -> float:
    """Fallback without wrk: 8 threads, a fixed number of requests."""
    if isinstance(cookies, str):
        cookies = [cookies] * len(paths)

    def fetch(i: int) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{paths[i % len(paths)]}",
            headers={"Cookie": cookies[i % len(paths)]},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(fetch, range(requests)))
    return requests / (time.perf_counter() - started)


def main() -> None:
    global WORKERS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=600)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per view and mix")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn sync workers")
    parser.add_argument(
        "--rounds", type=int, default=4, help="alternate /healthz and search this many times"
    )
    parser.add_argument("--warmup", type=int, default=5, help="seconds of the same load first")
    parser.add_argument("--reuse", action="store_true", help="keep a filled meedoen_bench")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="profile N uncached searches in process and stop (no load test)",
    )
    args = parser.parse_args()
    WORKERS = args.workers

    reuse = args.reuse and database_exists()
    if not reuse:
        recreate_database()
    setup_django()
    migrate()
    if not (reuse and filled()):
        seed()
    if args.profile:
        profile(args.profile)
        return

    timing = in_process(args.iterations)
    print(
        f"in-process search (filtered full text, distance sort, radius): "
        f"{timing['iterations']} requests, median {timing['median_ms']:.1f} ms, "
        f"p95 {timing['p95_ms']:.1f} ms, max {timing['max_ms']:.1f} ms, "
        f"{timing['mean_results']:.1f} results per page on average; the same searches "
        f"from the results cache: median {timing['cached_median_ms']:.1f} ms; "
        f"/healthz: median {timing['healthz_median_ms']:.1f} ms"
    )

    env = server_env()
    sessions = ensure_students()
    one = sessions[0]
    distinct = search_urls(500, random.Random(SEED + 2))
    popular = popularity_mix(random.Random(SEED + 3))
    rng = random.Random(SEED + 4)
    # A class at work: its 40 students (each their own session) open the bank's default
    # page (their level, age and periods) or one of the searches above, popular ones more.
    class_paths = [rng.choice(["/offers/", url]) for url in popular]
    class_cookies = [rng.choice(sessions) for _ in class_paths]
    figures = {}
    shared = "shared Redis cache" if redis_available() else "per-worker memory cache"
    seconds = max(1, args.duration // args.rounds)
    for cached in (False, True):
        gunicorn = start_gunicorn(env, cached=cached)
        try:
            mixes = [("one student, 500 distinct URLs", distinct, one)]
            if cached:
                mixes.append(("one student, popularity mix", popular, one))
                mixes.append((f"{STUDENTS} students, class mix", class_paths, class_cookies))
            if shutil.which("wrk"):
                tool = f"wrk -t{WRK_THREADS} -c8, {args.rounds} rounds of {seconds} s each"
                wrk(["/healthz"], one, 3)  # warm up both workers
                searches = []
                for name, paths, cookies in mixes:
                    # Steady state: the same traffic for a few seconds first, so that the
                    # figure is that of a bank in use, not of the first minute after a start.
                    _rate, made = wrk(paths, cookies, args.warmup)
                    pairs = alternating(paths, cookies, one, args.rounds, seconds, start=made)
                    searches.append((name, pairs))
            else:
                tool = "thread pool (8 threads)"
                searches = [
                    (n, [(pool_client(["/healthz"], one, 4000), pool_client(p, c, 2000))])
                    for n, p, c in mixes
                ]
        finally:
            stop(gunicorn)
        for name, pairs in searches:
            label = f"results cache on ({shared})" if cached else "results cache off"
            ratios = sorted(search / healthz for healthz, search in pairs)
            ratio = statistics.median(ratios)
            figures[(cached, name)] = ratio
            print(
                f"throughput, {label}, {name} ({tool}, gunicorn {WORKERS} sync workers, loopback): "
                f"/healthz {statistics.median(h for h, _ in pairs):.0f} req/s, search "
                f"{statistics.median(s for _, s in pairs):.0f} req/s (medians of the rounds), "
                f"ratio {ratio:.2f} (median; rounds {', '.join(f'{r:.2f}' for r in ratios)}) "
                f"(target >= 0.50)"
            )
    ratio = figures[(True, f"{STUDENTS} students, class mix")]
    verdict = timing["median_ms"] < 50 and timing["p95_ms"] < 120 and ratio >= 0.5
    print("targets met" if verdict else "targets NOT met")
    if args.drop:
        from django.db import connections

        connections.close_all()
        drop_database()


if __name__ == "__main__":
    main()
