"""Benchmark of the reports: the school's end-of-year report and the municipality overview.

Creates its own PostgreSQL database ``meedoen_bench_reports`` on 127.0.0.1 (user
``postgres``), migrates it, loads the rows with COPY and times:

* the school's end-of-year report (figures, tables and charts, as the page builds it) of
  one school with 3,500 students and 100,000 confirmed hour entries (target: < 500 ms),
  and its XLSX;
* with ``--national``: the municipality overview (three school years as trends) on a
  national-size dataset — 200,000 students a year over three years, one placement each,
  5 million hour entries, 443 municipalities, 20,000 organisations, 50,000 offers a year
  (target: < 5 s); and the broker's regional figures of one of the 50 regions.

Usage::

    .venv/bin/python bench/reports/report_bench.py [--repeat 5] [--national] [--keep]

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
DB_NAME = "meedoen_bench_reports"
SERVER = "postgres://postgres@127.0.0.1:5432"
YEAR = 2025  # the last complete school year (a report is asked for after it)
YEARS = [YEAR - 2, YEAR - 1, YEAR]
SCHOOL_STUDENTS, SCHOOL_HOURS = 3_500, 100_000
NATIONAL_STUDENTS, NATIONAL_HOURS = 200_000, 5_000_000
REGIONS, MUNICIPALITIES, SCHOOLS, ORGANISATIONS, OFFERS = 50, 443, 1_000, 20_000, 50_000


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


def copy_rows(model, columns: list[str], rows) -> int:
    """COPY plain tuples into a model's table (the columns named, the rest their DB
    defaults — so every NOT NULL column without a default must be named)."""
    from django.db import connection

    table = model._meta.db_table
    n = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        cols = ", ".join(f'"{c}"' for c in columns)
        with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def max_pk(model) -> int:
    from django.db.models import Max

    return model.objects.aggregate(m=Max("pk"))["m"] or 0


def student_rows(first_pk, n, school_ids, class_of, now, rng):
    for i in range(n):
        school_id = school_ids[i]
        yield (
            first_pk + i,
            school_id,
            class_of(i),
            f"B{first_pk + i}",
            f"Leerling{i % 997}",
            "",
            f"Bench{i % 1009}",
            datetime.date(2011, 1 + i % 12, 1 + i % 28),
            "",
            "",
            "standard",
            "",
            True,
            now,
            now,
        )


STUDENT_COLUMNS = [
    "id", "school_id", "school_class_id", "student_number", "first_name", "name_prefix",
    "last_name", "date_of_birth", "email", "home_postcode", "guidance_level", "support_needs",
    "active", "created_at", "updated_at",
]  # fmt: skip
PLACEMENT_COLUMNS = [
    "id", "student_id", "organisation_id", "vacancy_id", "source", "activity", "tasks",
    "status", "status_reason", "start_date", "end_date", "motivation", "share_support_needs",
    "created_at",
]  # fmt: skip
HOUR_COLUMNS = [
    "placement_id", "date", "minutes", "activity", "note", "status", "dispute_reason",
    "version", "reviewed_by", "created_at", "updated_at",
]  # fmt: skip
STATUSES = (
    ["completed"] * 55 + ["active"] * 20 + ["signed"] * 10 + ["approved"] * 10 + ["cancelled"] * 5
)


def placement_rows(first_pk, student_ids, org_of, vacancy_of, start_of, now, rng):
    for i, sid in enumerate(student_ids):
        start = start_of(i)
        yield (
            first_pk + i,
            sid,
            org_of(i),
            vacancy_of(i),
            "bank",
            "Helpen",
            "",
            rng.choice(STATUSES),
            "",
            start,
            start + datetime.timedelta(days=60),
            "",
            False,
            now,
        )


def hour_rows(placements, total, now, rng):
    """``total`` confirmed entries spread over ``placements`` (pk, start date)."""
    n = len(placements)
    for i in range(total):
        pk, start = placements[i % n]
        yield (
            pk,
            start + datetime.timedelta(days=(i // n) % 60),
            rng.choice((60, 90, 120, 180, 240)),
            "Helpen",
            "",
            "confirmed",
            "",
            1,
            "",
            now,
            now,
        )


def populate_school(rng) -> dict:
    """One region, municipality, school of 3,500 students, 150 organisations with offers,
    one placement per student in YEAR and 100,000 confirmed hour entries."""
    from django.utils import timezone

    from meedoen.directory.models import Location, Municipality, Organisation, Region, School
    from meedoen.hours.models import HourEntry
    from meedoen.placements.models import Placement
    from meedoen.planning.models import InternshipPeriod
    from meedoen.stagebank.models import Vacancy
    from meedoen.students.models import Cohort, SchoolClass, Student

    now = timezone.now()
    region = Region.objects.create(name="Bench school region", broker_name="iDOE")
    mun = Municipality.objects.create(region=region, name="Benchstad", inhabitants=120_000)
    school = School.objects.create(region=region, brin="99ZZ", name="Bench College")
    Location.objects.create(school=school, municipality=mun, name="Bench College hoofd")
    cohorts = [
        Cohort.objects.create(school=school, school_year=YEAR, year_of_study=y, level=lv)
        for y in (2, 3)
        for lv in ("vmbo-t", "havo", "vwo")
    ]
    classes = [
        SchoolClass.objects.create(school=school, cohort=c, name=f"{c.year_of_study}{c.level}{k}")
        for c in cohorts
        for k in range(5)
    ]
    for c in cohorts:
        InternshipPeriod.objects.create(
            school=school,
            school_year=YEAR,
            cohort=c,
            format=rng.choice(["block", "ribbon", "project"]),
            start_date=datetime.date(YEAR, 11, 1),
            end_date=datetime.date(YEAR + 1, 3, 1),
            students=600,
            hours_per_student=30,
        )
    orgs = Organisation.objects.bulk_create(
        Organisation(
            region=region,
            municipality=mun,
            name=f"Organisatie {i}",
            city="Benchstad",
            sectors=[rng.choice(["care", "sport", "culture", "nature", "welfare"])],
        )
        for i in range(150)
    )
    vacancies = Vacancy.objects.bulk_create(
        Vacancy(
            organisation=o,
            school_year=YEAR,
            title="Helpen",
            description="Helpen",
            sector=o.sectors[0],
            kind="individual",
            capacity=30,
            start_date=datetime.date(YEAR, 9, 1),
            end_date=datetime.date(YEAR + 1, 6, 30),
            status="published",
            published_at=now,
        )
        for o in orgs
    )
    first = max_pk(Student) + 1
    copy_rows(
        Student,
        STUDENT_COLUMNS,
        student_rows(
            first, SCHOOL_STUDENTS, [school.pk] * SCHOOL_STUDENTS,
            lambda i: classes[i % len(classes)].pk, now, rng,
        ),
    )  # fmt: skip
    first_p = max_pk(Placement) + 1
    copy_rows(
        Placement,
        PLACEMENT_COLUMNS,
        placement_rows(
            first_p,
            list(range(first, first + SCHOOL_STUDENTS)),
            lambda i: vacancies[i % len(vacancies)].organisation_id,
            lambda i: vacancies[i % len(vacancies)].pk,
            lambda i: datetime.date(YEAR, 10, 1) + datetime.timedelta(days=i % 120),
            now,
            rng,
        ),
    )
    placements = list(
        Placement.objects.filter(student__school=school).values_list("pk", "start_date")
    )
    copy_rows(HourEntry, HOUR_COLUMNS, hour_rows(placements, SCHOOL_HOURS, now, rng))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a load
    return {"school": school}


def populate_national(rng) -> dict:
    """Regions, municipalities, schools, organisations, offers, and for each of three
    school years 200,000 students with a placement each; 5,000,000 hour entries."""
    from django.utils import timezone

    from meedoen.directory.models import Location, Municipality, Organisation, Region, School
    from meedoen.hours.models import FollowUpOffer, HourEntry
    from meedoen.placements.models import Placement
    from meedoen.stagebank.models import Vacancy
    from meedoen.students.models import Cohort, SchoolClass, Student

    now = timezone.now()
    regions = Region.objects.bulk_create(
        Region(name=f"Regio {i}", broker_name=f"Makelaar {i}") for i in range(REGIONS)
    )
    muns = Municipality.objects.bulk_create(
        Municipality(
            region=regions[i % REGIONS],
            name=f"Gemeente {i}",
            inhabitants=rng.randint(5_000, 900_000),
        )
        for i in range(MUNICIPALITIES)
    )
    schools = School.objects.bulk_create(
        School(
            region=muns[i % MUNICIPALITIES].region,
            brin=f"{i // 676:02d}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}",
            name=f"School {i}",
        )
        for i in range(SCHOOLS)
    )
    Location.objects.bulk_create(
        Location(school=s, municipality=muns[i % MUNICIPALITIES], name=f"Vestiging {i}")
        for i, s in enumerate(schools)
    )
    orgs = Organisation.objects.bulk_create(
        (
            Organisation(
                region=muns[i % MUNICIPALITIES].region,
                municipality=muns[i % MUNICIPALITIES],
                name=f"Stagebieder {i}",
                city=f"Plaats {i % (MUNICIPALITIES * 3)}",
                sectors=[rng.choice(["care", "sport", "culture", "nature", "welfare"])],
            )
            for i in range(ORGANISATIONS)
        ),
        batch_size=5000,
    )
    classes = {}
    for year in YEARS:
        cohorts = Cohort.objects.bulk_create(
            Cohort(school=s, school_year=year, year_of_study=3, level="havo") for s in schools
        )
        classes[year] = SchoolClass.objects.bulk_create(
            SchoolClass(school_id=c.school_id, cohort=c, name="3A") for c in cohorts
        )
    # Organisations of a municipality take the students of the schools located there.
    orgs_by_mun: dict[int, list[int]] = {}
    for o in orgs:
        orgs_by_mun.setdefault(o.municipality_id, []).append(o.pk)
    vac_of_org = {}
    for year in YEARS:
        created = Vacancy.objects.bulk_create(
            (
                Vacancy(
                    organisation=orgs[i % ORGANISATIONS],
                    school_year=year,
                    title="Helpen",
                    description="Helpen",
                    sector=orgs[i % ORGANISATIONS].sectors[0],
                    kind="individual",
                    capacity=rng.randint(1, 10),
                    start_date=datetime.date(year, 9, 1),
                    end_date=datetime.date(year + 1, 6, 30),
                    status="published",
                    published_at=now,
                )
                for i in range(OFFERS)
            ),
            batch_size=5000,
        )
        for v in created:
            vac_of_org.setdefault((year, v.organisation_id), v.pk)
    all_placements = []
    for year in YEARS:
        first = max_pk(Student) + 1
        school_of = [schools[i % SCHOOLS] for i in range(NATIONAL_STUDENTS)]
        class_ids = {c.school_id: c.pk for c in classes[year]}
        copy_rows(
            Student,
            STUDENT_COLUMNS,
            student_rows(
                first,
                NATIONAL_STUDENTS,
                [s.pk for s in school_of],
                lambda i, s=school_of, c=class_ids: c[s[i].pk],
                now,
                rng,
            ),
        )
        mun_of_school = {s.pk: muns[i % MUNICIPALITIES].pk for i, s in enumerate(schools)}

        def org_of(i, s=school_of, m=mun_of_school):
            local = orgs_by_mun[m[s[i].pk]]
            return local[i % len(local)]

        first_p = max_pk(Placement) + 1
        copy_rows(
            Placement,
            PLACEMENT_COLUMNS,
            placement_rows(
                first_p,
                list(range(first, first + NATIONAL_STUDENTS)),
                org_of,
                lambda i, y=year: vac_of_org.get((y, org_of(i))),
                lambda i, y=year: datetime.date(y, 9, 15) + datetime.timedelta(days=i % 200),
                now,
                rng,
            ),
        )
        all_placements += list(
            Placement.objects.filter(pk__gte=first_p).values_list("pk", "start_date")
        )
    copy_rows(HourEntry, HOUR_COLUMNS, hour_rows(all_placements, NATIONAL_HOURS, now, rng))
    FollowUpOffer.objects.bulk_create(
        (
            FollowUpOffer(
                placement_id=pk, role="Vrijwilliger", status=rng.choice(["offered", "accepted"])
            )
            for pk, _start in all_placements[::20]
        ),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    biggest = max(muns, key=lambda m: len(orgs_by_mun.get(m.pk, [])))
    return {"municipality": biggest, "region": regions[0]}


def timed(fn, repeat: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    recreate_database()
    try:
        setup_django()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import translation

        from meedoen.hours.models import HourEntry
        from meedoen.reports import exports
        from meedoen.reports.presenters import build

        translation.activate("nl")
        rng = random.Random(8)
        t = time.perf_counter()
        school = populate_school(rng)["school"]
        entries = HourEntry.objects.filter(placement__student__school=school).count()
        print(f"school dataset: {time.perf_counter() - t:.1f} s, {entries:,} hour entries")
        with CaptureQueriesContext(connection) as ctx:
            built = build("school", school, YEAR)
        r = built.extra["report"]
        print(f"school report figures: {r.placed:,} placed, {r.started:,} did MaS, "
              f"{r.total_hours:,} hours, {len(r.organisations)} organisations; "
              f"{len(ctx.captured_queries)} queries")  # fmt: skip
        median, runs = timed(lambda: build("school", school, YEAR), args.repeat)
        print(f"school report (figures, tables, charts): median {median:.0f} ms "
              f"(runs {', '.join(f'{x:.0f}' for x in runs)}) — target < 500 ms")  # fmt: skip
        median, runs = timed(
            lambda: exports.report_file(build("school", school, YEAR), "xlsx"), args.repeat
        )
        print(f"school report as XLSX: median {median:.0f} ms")
        median, runs = timed(lambda: build("students", school, YEAR), args.repeat)
        print(f"list of students for the settlement: median {median:.0f} ms")
        if args.national:
            t = time.perf_counter()
            targets = populate_national(rng)
            print(f"national dataset: {time.perf_counter() - t:.0f} s, "
                  f"{HourEntry.objects.count():,} hour entries")  # fmt: skip
            mun = targets["municipality"]
            with CaptureQueriesContext(connection) as ctx:
                built = build("municipality", mun, YEAR)
            o = built.extra["overview"]
            print(f"municipality {mun.name}: placed per year "
                  f"{[len(o.placed[y]) for y in YEARS]}, offers {[o.offers[y][0] for y in YEARS]}; "
                  f"{len(ctx.captured_queries)} queries")  # fmt: skip
            median, runs = timed(lambda: build("municipality", mun, YEAR), args.repeat)
            print(f"municipality overview (3 years): median {median:.0f} ms "
                  f"(runs {', '.join(f'{x:.0f}' for x in runs)}) — target < 5 s")  # fmt: skip
            region = targets["region"]
            median, runs = timed(lambda: build("region", region, YEAR), args.repeat)
            print(f"regional figures of {region.name} (3 years): median {median:.0f} ms")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database()


if __name__ == "__main__":
    main()
