"""Benchmark of the yearly overview: the two queries plus the pure computation.

Creates its own PostgreSQL database ``meedoen_bench_planning`` on 127.0.0.1 (user
``postgres``), migrates it, bulk-inserts a national-size dataset and times:

* the regional overview: one region of 20 school locations, 3,500 students in their
  internship periods and 500 published offers (target: under 300 ms);
* the national overview: 1,000 school locations, 200,000 students, 50,000 offers
  (target: under 5 s);
* the regional overview as the broker's page computes it, with shifting advice.

Usage::

    .venv/bin/python bench/planning/overview_bench.py [--repeat 5] [--keep]

The figures are recorded in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "meedoen_bench_planning"
SERVER = "postgres://postgres@127.0.0.1:5432"

REGIONS = 50
SCHOOLS_PER_REGION = 20
REGIONAL_STUDENTS, NATIONAL_STUDENTS = 3_500, 200_000
REGIONAL_OFFERS, NATIONAL_OFFERS = 500, 50_000
YEAR = 2026


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
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("MEEDOEN_ENV", "development")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` divided over ``parts`` roughly evenly, at least 1 each."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    out = [max(1, int(w * scale)) for w in weights]
    out[0] += total - sum(out)
    return out


def populate(rng: random.Random) -> dict:
    from django.db import transaction

    from meedoen.directory.models import Organisation, Region, School
    from meedoen.planning.models import InternshipPeriod
    from meedoen.stagebank.models import Vacancy
    from meedoen.students.models import Cohort

    levels = ["pro", "vmbo-b", "vmbo-k", "vmbo-g", "vmbo-t", "havo", "vwo"]
    sectors = ["care", "welfare", "sport", "culture", "nature", "other"]
    formats = ["block", "block", "ribbon", "project", "carousel", "dual"]
    first = datetime.date(YEAR, 8, 24)
    favourites = [
        datetime.date(YEAR, 12, 7),
        datetime.date(YEAR + 1, 2, 1),
        datetime.date(YEAR + 1, 4, 12),
    ]
    started = time.perf_counter()
    with transaction.atomic():
        regions = Region.objects.bulk_create(
            [Region(name=f"Bench regio {i:02d}", broker_name="Makelaar") for i in range(REGIONS)]
        )
        schools = []
        for r, region in enumerate(regions):
            for s in range(SCHOOLS_PER_REGION):
                n = r * SCHOOLS_PER_REGION + s
                brin = f"{n % 100:02d}{chr(65 + (n // 100) % 26)}{chr(65 + (n // 2600) % 26)}"
                schools.append(School(region=region, brin=brin, name=f"School {r:02d}-{s:02d}"))
        schools = School.objects.bulk_create(schools)
        cohorts = []
        for school in schools:
            for level in rng.sample(levels, 3):
                cohorts.append(
                    Cohort(school=school, school_year=YEAR, year_of_study=3, level=level)
                )
        cohorts = Cohort.objects.bulk_create(cohorts)
        by_region: dict[int, list] = {}
        for cohort in cohorts:
            by_region.setdefault(cohort.school.region_id, []).append(cohort)
        # Students: the first region exactly the regional size, the rest the remainder.
        rest = NATIONAL_STUDENTS - REGIONAL_STUDENTS
        per_region = [REGIONAL_STUDENTS, *split(rest, REGIONS - 1, rng)]
        periods = []
        for region, students in zip(regions, per_region, strict=True):
            region_cohorts = by_region[region.pk]
            # About 1.5 periods per cohort: some cohorts split over two periods.
            chosen = region_cohorts + rng.sample(region_cohorts, len(region_cohorts) // 2)
            taken: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
            for cohort, n in zip(chosen, split(students, len(chosen), rng), strict=True):
                for _attempt in range(20):
                    fmt = rng.choice(formats)
                    # Most periods start in one of the favourite weeks: peaks.
                    start = (
                        rng.choice(favourites)
                        if rng.random() < 0.7
                        else first + datetime.timedelta(days=rng.randint(0, 280))
                    )
                    length = {"block": 4, "project": 25, "carousel": 11}.get(fmt, 90)
                    end = start + datetime.timedelta(days=length)
                    if all(end < s or start > e for s, e in taken.get(cohort.pk, [])):
                        break
                taken.setdefault(cohort.pk, []).append((start, end))
                periods.append(
                    InternshipPeriod(
                        school_id=cohort.school_id,
                        school_year=YEAR,
                        cohort=cohort,
                        format=fmt,
                        kind="individual",
                        start_date=start,
                        end_date=end,
                        weekdays=[rng.randint(0, 4)] if fmt == "ribbon" else [],
                        students=n,
                        hours_per_student=30,
                        status=rng.choice(["submitted", "confirmed", "confirmed"]),
                    )
                )
        InternshipPeriod.objects.bulk_create(periods, batch_size=5000)
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(region=region, name=f"Stichting {r}-{i}", sectors=["care"])
                for r, region in enumerate(regions)
                for i in range(50)
            ]
        )
        orgs_by_region: dict[int, list] = {}
        for o in organisations:
            orgs_by_region.setdefault(o.region_id, []).append(o)
        per_region_offers = [
            REGIONAL_OFFERS,
            *split(NATIONAL_OFFERS - REGIONAL_OFFERS, REGIONS - 1, rng),
        ]
        offers = []
        for region, n in zip(regions, per_region_offers, strict=True):
            for _ in range(n):
                start = datetime.date(YEAR, 8, 1) + datetime.timedelta(days=rng.randint(0, 200))
                offers.append(
                    Vacancy(
                        organisation=rng.choice(orgs_by_region[region.pk]),
                        school_year=YEAR,
                        title="Meehelpen",
                        description="Bench",
                        sector=rng.choice(sectors),
                        kind="individual",
                        capacity=rng.choice([1, 1, 2, 2, 3]),
                        levels=rng.sample(levels, rng.randint(0, 4)),
                        start_date=start,
                        end_date=start + datetime.timedelta(days=rng.randint(30, 330)),
                        weekdays=rng.sample(range(7), rng.randint(0, 3)),
                        formats=["block"],
                        status=rng.choice(["published"] * 9 + ["paused"]),
                    )
                )
        Vacancy.objects.bulk_create(offers, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "regions": regions,
        "periods": len(periods),
        "offers": len(offers),
        "insert_seconds": time.perf_counter() - started,
    }


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def overview_for(region_ids):
    from meedoen.planning import overview as ov
    from meedoen.planning.selectors import overview_offer_inputs, overview_period_inputs

    periods = overview_period_inputs(school_year=YEAR, region_ids=region_ids)
    offers = overview_offer_inputs(school_year=YEAR, region_ids=region_ids)
    return ov.compute_overview(periods, offers, school_year=YEAR), len(periods), len(offers)


def report(label: str, times: list[float], target: float, extra: str) -> str:
    best, median = min(times), statistics.median(times)
    verdict = "OK" if median < target else "TOO SLOW"
    line = (
        f"{label:<38} median {median * 1000:8.1f} ms   best {best * 1000:8.1f} ms   "
        f"target {target * 1000:6.0f} ms  {verdict}   ({extra})"
    )
    print(line)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    rng = random.Random(2026)
    recreate_database()
    try:
        setup_django()
        data = populate(rng)
        from django.db import connection

        print(
            f"PostgreSQL {connection.cursor().connection.info.server_version}, "
            f"{data['periods']:,} periods, {data['offers']:,} offers inserted in "
            f"{data['insert_seconds']:.1f} s"
        )
        region = data["regions"][0]
        times, (result, n_periods, n_offers) = timed(lambda: overview_for([region.pk]), args.repeat)
        report(
            "regional overview (20 locations)",
            times,
            0.3,
            f"{n_periods} periods, {REGIONAL_STUDENTS:,} students, {n_offers} open offers, "
            f"{len(result.peaks)} peaks",
        )
        times, (result, n_periods, n_offers) = timed(lambda: overview_for(None), args.repeat)
        report(
            "national overview (1,000 locations)",
            times,
            5.0,
            f"{n_periods:,} periods, {NATIONAL_STUDENTS:,} students, {n_offers:,} open offers, "
            f"{len(result.peaks)} peaks",
        )
        from meedoen.planning.presenters import overview_data

        times, page = timed(
            lambda: overview_data(region=region, school_year=YEAR, advice=True), args.repeat
        )
        advice = sum(len(p.advice) for p in page.peaks)
        report(
            "regional page data with shifting advice",
            times,
            0.3,
            f"{len(page.peaks)} peaks, {advice} suggestions",
        )
        from meedoen.planning import overview as ov
        from meedoen.planning.selectors import overview_offer_inputs, overview_period_inputs

        periods = overview_period_inputs(school_year=YEAR, region_ids=None)
        offers = overview_offer_inputs(school_year=YEAR, region_ids=None)
        times, _ = timed(lambda: ov.compute_overview(periods, offers, school_year=YEAR), 3)
        report("national: computation only (no queries)", times, 5.0, "pure function")
        times, _ = timed(
            lambda: (
                overview_period_inputs(school_year=YEAR, region_ids=None),
                overview_offer_inputs(school_year=YEAR, region_ids=None),
            ),
            3,
        )
        report("national: the two queries only", times, 5.0, "rows into Python")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database()


if __name__ == "__main__":
    main()
