"""The reports: figures correct to the student, fixed query counts, access, files."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from meedoen.core.tests import factories as f
from meedoen.placements.models import PlacementStatus as S
from meedoen.reports import selectors as sel
from meedoen.reports import services
from meedoen.reports.models import ExportStatus, ReportExport, SchoolReportNote
from meedoen.reports.panels import upcoming_deadlines
from meedoen.reports.presenters import build
from meedoen.reports.tasks import build_export

from .conftest import YEAR, confirmed_hours

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(name, w, **extra):
    return reverse(f"reports:{name}", kwargs={"pk": w.school_a.pk, "year": YEAR, **extra})


# ---------------------------------------------------------------------------
# The school report's figures.
# ---------------------------------------------------------------------------


def test_school_report_counts_each_student_once(world):
    r = sel.school_report(world.school_a, YEAR)
    assert r.placed == 6  # Sanne, 1–5 (6 cancelled, 7 last year)
    assert r.started == 4  # 1–3 completed, 4 active
    assert r.completed == 3
    assert r.met_requirement == 3  # 30 of 30 hours
    assert r.total_hours == Decimal("100.0")
    assert r.average_hours == Decimal("25.0")
    assert r.expected == 25
    assert r.without_placement() == 3  # Daan, 6 and 7 of the cohort of the period
    orgs = {o["name"]: (o["students"], o["completed"]) for o in r.organisations}
    assert orgs == {"Zorgcentrum X": (4, 3), "Sportclub Y": (2, 0)}
    assert dict(r.hour_buckets()) == {"none": 2, "under_half": 1, "half": 0, "met": 3}
    cohort = r.by_cohort()
    assert [(c["year_of_study"], c["level"], c["started"]) for c in cohort] == [(3, "vmbo-t", 4)]
    assert [p["format"] for p in r.periods] == ["block"]


def test_school_report_last_year_is_separate(world):
    r = sel.school_report(world.school_a, YEAR - 1)
    assert (r.placed, r.started, r.completed, r.total_hours) == (1, 1, 1, Decimal("30.0"))


def test_suggestions_name_the_bottlenecks(world):
    with translation.override("en"):
        built = build("school", world.school_a, YEAR)
        rows = [r[0] for r in built.table("bottlenecks").rows]
    assert any("6 of the 25" in r for r in rows)  # the unfilled period
    assert any(r.startswith("3 enrolled students") for r in rows)
    assert any(r.startswith("Sportclub Y") for r in rows)  # open attention flag


def test_school_report_queries_do_not_grow_with_students(world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            build("school", world.school_a, YEAR)
        return len(ctx.captured_queries)

    before = count()
    for _i in range(15):
        student = f.StudentFactory(school_class=world.class_a2)
        org = f.OrganisationFactory(region=world.region)
        p = f.PlacementFactory(
            student=student,
            organisation=org,
            status=S.COMPLETED,
            start_date=datetime.date(YEAR, 11, 1),
        )
        confirmed_hours(p, 5, day=datetime.date(YEAR, 11, 2))
    assert count() == before <= 8


def test_an_empty_year_is_an_empty_report(world, personas):
    r = sel.school_report(world.school_a, YEAR - 5)
    assert r.is_empty and r.placed == 0 and r.average_hours == 0
    c = client_for(personas.coordinator)
    assert (
        c.get(
            reverse("reports:school", kwargs={"pk": world.school_a.pk, "year": YEAR - 5})
        ).status_code
        == 200
    )
    response = c.get(
        reverse(
            "reports:school_file", kwargs={"pk": world.school_a.pk, "year": YEAR - 5, "fmt": "xlsx"}
        )
    )
    assert response.status_code == 200


def test_a_year_out_of_range_or_another_school_is_404(world, personas):
    c = client_for(personas.coordinator)
    assert (
        c.get(reverse("reports:school", kwargs={"pk": world.school_a.pk, "year": 1990})).status_code
        == 404
    )
    assert (
        c.get(reverse("reports:school", kwargs={"pk": world.school_b.pk, "year": YEAR})).status_code
        == 404
    )
    assert c.get(reverse("reports:school", kwargs={"pk": 999999, "year": YEAR})).status_code == 404
    bad = c.get(url("school_file", world, fmt="docx"))
    assert bad.status_code == 404
    assert c.get(url("school_table", world, key="nothing", fmt="csv")).status_code == 404


# ---------------------------------------------------------------------------
# Pages and files.
# ---------------------------------------------------------------------------


def test_coordinator_sees_charts_tables_and_downloads(world, personas):
    c = client_for(personas.coordinator)
    response = c.get(url("school", world))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 5
    assert "style=" not in html.split("<main", 1)[-1]  # CSP: no inline styles in the report
    assert url("school_file", world, fmt="pdf") in html
    assert url("students", world) in html
    assert "Zorgcentrum X" in html


def test_project_lead_sees_the_report_but_not_the_names(world, personas):
    c = client_for(personas.projectlead)
    response = c.get(url("school", world))
    assert response.status_code == 200
    assert url("students", world) not in response.content.decode()
    assert c.get(url("students", world)).status_code == 404
    assert c.get(url("students_file", world, fmt="csv")).status_code == 404
    # The board's overview counts both schools.
    board = c.get(reverse("reports:board", kwargs={"pk": world.board.pk, "year": YEAR}))
    assert board.status_code == 200
    trend = board.context["built"].table("trend")
    assert trend.rows[1][-1] == 4  # did MaS this year, all schools


def test_coordinator_writes_the_bottlenecks_others_cannot(world, personas):
    c = client_for(personas.coordinator)
    response = c.post(url("school_note", world), {"bottlenecks": "Te weinig plaatsen in de zorg."})
    assert response.status_code == 302
    note = SchoolReportNote.objects.get(school=world.school_a, school_year=YEAR)
    assert (
        note.bottlenecks == "Te weinig plaatsen in de zorg."
        and note.updated_by == personas.coordinator
    )
    page = c.get(url("school", world)).content.decode()
    assert "Te weinig plaatsen in de zorg." in page
    lead = client_for(personas.projectlead)
    assert lead.post(url("school_note", world), {"bottlenecks": "Anders"}).status_code == 404
    too_long = c.post(url("school_note", world), {"bottlenecks": "x" * 10_001})
    assert too_long.status_code == 302
    note.refresh_from_db()
    assert note.bottlenecks == "Te weinig plaatsen in de zorg."


def test_student_list_for_the_settlement(world, personas):
    c = client_for(personas.coordinator)
    response = c.get(url("students_file", world, fmt="csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 4  # header and the four who did MaS
    assert "Achternaam1" in text and "Zorgcentrum X" in text and "30,0" in text
    assert "Achternaam5" not in text  # approved, not started
    assert "Sanne" not in text
    page = c.get(url("students", world)).content.decode()
    assert "Achternaam1" in page and "[&#x27;" not in page and "['" not in page
    xlsx = c.get(url("students_file", world, fmt="xlsx"))
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.active.max_row == 2 + 4


def test_report_xlsx_has_every_table(world, personas):
    c = client_for(personas.coordinator)
    response = c.get(url("school_file", world, fmt="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 8
    for key in (
        "summary",
        "cohorts",
        "hours",
        "hour_ranges",
        "sectors",
        "organisations",
        "formats",
    ):
        csv = c.get(url("school_table", world, key=key, fmt="csv"))
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


def test_report_pdf(world, personas):
    c = client_for(personas.coordinator)
    response = c.get(url("school_file", world, fmt="pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# ---------------------------------------------------------------------------
# The municipality and the broker: aggregates, suppressed.
# ---------------------------------------------------------------------------


def test_municipality_sees_no_names_and_no_small_counts(world, personas):
    c = client_for(personas.municipality_user)
    response = c.get(
        reverse("reports:municipality", kwargs={"pk": world.municipality.pk, "year": YEAR})
    )
    assert response.status_code == 200
    html = response.content.decode()
    for student in [*world.s, personas.student]:
        assert student.last_name not in html
    built = response.context["built"]
    by_org = built.table("by_organisation")
    row = {r[0]: r for r in by_org.rows}
    # This year X has 4 placed (hidden), Y 2 (hidden); the total 6 is shown.
    assert row["Zorgcentrum X"][-2].hidden and row["Sportclub Y"][-2].hidden
    assert by_org.total[-2].value == 6 and not by_org.total[-2].hidden
    api = c.get(
        reverse("reports_api:municipality", kwargs={"pk": world.municipality.pk, "year": YEAR})
    )
    tables = {t["key"]: t for t in api.json()["tables"]}
    assert all(
        cell is None or cell == 0 or cell >= 5
        for row in tables["by_organisation"]["rows"]
        for cell in row[1:]
    )
    assert tables["participation"]["rows"][0][-1] == 6
    other = f.MunicipalityFactory(region=f.RegionFactory())
    assert (
        c.get(reverse("reports:municipality", kwargs={"pk": other.pk, "year": YEAR})).status_code
        == 404
    )


def test_area_overview_queries_are_fixed(world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            build("region", world.region, YEAR)
        return len(ctx.captured_queries)

    before = count()
    for _i in range(5):
        org = f.OrganisationFactory(region=world.region, municipality=world.municipality)
        f.PlacementFactory(
            student=f.StudentFactory(school_class=world.class_b1),
            organisation=org,
            status=S.ACTIVE,
            start_date=datetime.date(YEAR, 9, 1),
        )
    assert count() == before <= 9


def test_broker_regional_figures(world, personas):
    c = client_for(personas.broker)
    response = c.get(reverse("reports:region", kwargs={"pk": world.region.pk, "year": YEAR}))
    assert response.status_code == 200
    participation = response.context["built"].table("participation")
    placed = participation.rows[0]
    assert placed[-1].value == 6 and placed[-2].hidden  # last year: 1 student → hidden


# ---------------------------------------------------------------------------
# Background exports.
# ---------------------------------------------------------------------------


def test_background_export_is_offered_to_its_requester_only(
    world, personas, django_capture_on_commit_callbacks
):
    c = client_for(personas.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = c.post(url("school_prepare", world), {"fmt": "xlsx"})
    assert response.status_code == 302 and len(callbacks) == 1
    export = ReportExport.objects.get()
    assert export.status == ExportStatus.QUEUED
    assert build_export.call(export_id=export.pk) == "ready"
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.filename.endswith(".xlsx")
    assert build_export.call(export_id=export.pk) == "skipped"  # claimed once only
    download = c.get(reverse("reports:export_download", kwargs={"pk": export.pk}))
    assert download.status_code == 200
    load_workbook(io.BytesIO(download.content))
    other = client_for(personas.projectlead)
    assert (
        other.get(reverse("reports:export_download", kwargs={"pk": export.pk})).status_code == 404
    )


def test_background_export_fails_cleanly_when_access_is_gone(world, personas):
    export = services.export_request(
        actor=personas.coordinator2,
        report="school",
        target_id=world.school_a.pk,
        school_year=YEAR,
        fmt="pdf",
        title="x",
    )
    assert build_export.call(export_id=export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.content


# ---------------------------------------------------------------------------
# Calculators and deadlines.
# ---------------------------------------------------------------------------


def test_pilot_calculator_uses_the_platforms_counts(world, personas):
    from meedoen.reports.models import SubsidyScheme

    scheme = SubsidyScheme.objects.get(kind="pilot", version=1)
    c = client_for(personas.coordinator)
    response = c.get(
        reverse("reports:scheme", kwargs={"pk": scheme.pk}),
        {"target": world.school_a.pk, "year": YEAR},
    )
    assert response.status_code == 200
    calc = response.context["calculation"]
    # 25 expected (the period): €1,250 paid in advance; 4 did MaS: €400 due → −€850.
    assert calc.total == Decimal("-850.00")
    bad = c.get(
        reverse("reports:scheme", kwargs={"pk": scheme.pk}),
        {"target": world.school_a.pk, "year": YEAR, "expected_students": "-3"},
    )
    assert (
        bad.status_code == 200 and bad.context["calculation"] is None and bad.context["form"].errors
    )
    other_school = c.get(
        reverse("reports:scheme", kwargs={"pk": scheme.pk}),
        {"target": world.school_b.pk, "year": YEAR},
    )
    assert other_school.context["calculation"] is None and other_school.context["form"].errors


def test_additional_calculator_needs_the_counted_pupils(world, personas):
    from meedoen.reports.models import SubsidyScheme

    scheme = SubsidyScheme.objects.get(kind="additional", version=1)
    c = client_for(personas.coordinator)
    response = c.get(
        reverse("reports:scheme", kwargs={"pk": scheme.pk}),
        {"target": world.school_a.pk, "year": YEAR, "counted_pupils": "1000"},
    )
    assert response.context["calculation"].total == Decimal("28938.91")
    missing = c.get(
        reverse("reports:scheme", kwargs={"pk": scheme.pk}),
        {"target": world.school_a.pk, "year": YEAR},
    )
    assert (
        missing.context["calculation"] is None
        and "counted_pupils" in missing.context["form"].errors
    )


def test_admin_new_scheme_version_refuses_negative_amounts(personas, settings):
    settings.DEMO_SKIP_MFA = True
    from meedoen.reports.models import SubsidyScheme

    c = client_for(personas.admin)
    target = reverse("reports:scheme_new", kwargs={"kind": "national_org"})
    before = SubsidyScheme.objects.count()
    data = {"name": "Intentie 2027", "valid_from": "2027-01-01", "p_amount_per_placement": "-10"}
    response = c.post(target, data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert SubsidyScheme.objects.count() == before
    data["p_amount_per_placement"] = "12.50"
    assert c.post(target, data).status_code == 302
    assert SubsidyScheme.objects.get(kind="national_org", version=2).parameters == {
        "amount_per_placement": "12.50"
    }


def test_deadlines_appear_eight_weeks_ahead(db):
    assert [d["key"] for d in upcoming_deadlines(datetime.date(2027, 5, 1))] == [
        "application_deadline"
    ]
    assert [d["key"] for d in upcoming_deadlines(datetime.date(2027, 8, 1))] == ["report_deadline"]
    assert upcoming_deadlines(datetime.date(2027, 1, 10)) == []
    today = upcoming_deadlines(datetime.date(2027, 6, 1))
    assert today[0]["days"] == 0


def test_dashboard_shows_the_panel(world, personas):
    c = client_for(personas.coordinator)
    response = c.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert url("school", world) in response.content.decode()
    assert reverse("reports:schemes") in response.content.decode()


def test_board_overview_and_student_list_queries_are_fixed(world):
    def count(kind, target):
        with CaptureQueriesContext(connection) as ctx:
            build(kind, target, YEAR)
        return len(ctx.captured_queries)

    before = (count("board", world.board), count("students", world.school_a))
    for _i in range(10):
        p = f.PlacementFactory(
            student=f.StudentFactory(school_class=world.class_b1),
            organisation=world.org_x,
            status=S.COMPLETED,
            start_date=datetime.date(YEAR, 9, 1),
        )
        confirmed_hours(p, 3, day=datetime.date(YEAR, 9, 2))
        f.PlacementFactory(
            student=f.StudentFactory(school_class=world.class_a2),
            organisation=world.org_y,
            status=S.ACTIVE,
            start_date=datetime.date(YEAR, 9, 1),
        )
    after = (count("board", world.board), count("students", world.school_a))
    assert after == before
    assert before[0] <= 4 and before[1] <= 3
    overview = sel.board_overview(world.board, sel.trend_years(YEAR))
    b = overview.figures[world.school_b.pk][YEAR]
    assert (b["placed"], b["started"], b["completed"], b["minutes"]) == (10, 10, 10, 1800)


def test_api_school_report_has_figures_and_no_names(world, personas):
    c = client_for(personas.coordinator)
    response = c.get(reverse("reports_api:school", kwargs={"pk": world.school_a.pk, "year": YEAR}))
    assert response.status_code == 200
    data = response.json()
    tables = {t["key"]: t for t in data["tables"]}
    assert tables["cohorts"]["total"][1:] == [6, 4, 3, 3]
    assert "Achternaam" not in response.content.decode()
    assert (
        c.get(
            reverse("reports_api:school", kwargs={"pk": world.school_b.pk, "year": YEAR})
        ).status_code
        == 404
    )


def test_municipal_calculator_uses_stored_inhabitants_and_school_location(world, personas):
    from meedoen.reports.models import SubsidyScheme

    world.municipality.inhabitants = 127_000
    world.municipality.save()
    scheme = SubsidyScheme.objects.get(kind="municipal", version=1)
    c = client_for(personas.municipality_user)
    page = c.get(reverse("reports:schemes"))
    assert [s.pk for g in page.context["groups"] for s in g["versions"]] == list(
        SubsidyScheme.objects.filter(kind="municipal")
        .order_by("-valid_from")
        .values_list("pk", flat=True)
    )
    response = c.get(
        reverse("reports:scheme", kwargs={"pk": scheme.pk}),
        {
            "target": world.municipality.pk,
            "national_inhabitants": "16400000",
            "weighted_pupils": "10000",
            "national_weighted_pupils": "900000",
        },
    )
    assert response.context["calculation"].total == Decimal("47137.54")
    pilot = SubsidyScheme.objects.get(kind="pilot", version=1)
    assert c.get(reverse("reports:scheme", kwargs={"pk": pilot.pk})).status_code == 404
