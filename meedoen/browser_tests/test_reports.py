"""Reports and money in a real browser (issue 8, "Done when").

The coordinator opens the end-of-year report, writes the bottlenecks, and downloads the
report as PDF and XLSX; the municipality sees its overview with no student's name and the
small counts hidden; the pilot calculator shows the calculation step by step. Every page
fits a 320 px wide screen.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meedoen.reports.models import SchoolReportNote, SubsidyScheme
from meedoen.reports.tests.conftest import YEAR
from meedoen.reports.tests.conftest import world as reports_world

from .conftest import assert_fits_320, screenshot

pytestmark = pytest.mark.browser


# The reports' own test world: students with placements and hours at X and Y.
world = reports_world


def test_coordinator_report_and_downloads(open_page, world):
    w = world
    page = open_page("coordinator")
    page.goto(reverse("reports:index"))
    report = reverse("reports:school", kwargs={"pk": w.school_a.pk, "year": YEAR})
    with page.expect_navigation():
        page.locator(f"main a[href='{report}']").click()
    expect(page.locator("main svg.chart").first).to_be_visible()
    page.fill("#id_bottlenecks", "Te weinig plaatsen in de zorg in december.")
    with page.expect_navigation():
        page.locator("#bottlenecks button[type=submit]").click()
    assert SchoolReportNote.objects.get(school=w.school_a, school_year=YEAR).bottlenecks.startswith(
        "Te weinig"
    )
    expect(page.locator("#id_bottlenecks")).to_have_value(
        "Te weinig plaatsen in de zorg in december."
    )
    screenshot(page, "reports-school")
    assert_fits_320(page, "reports-school")
    for fmt, content_type, magic in (
        ("pdf", "application/pdf", b"%PDF"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ):
        href = reverse(
            "reports:school_file", kwargs={"pk": w.school_a.pk, "year": YEAR, "fmt": fmt}
        )
        assert page.locator(f"main a[href='{href}']").count() == 1
        response = page.context.request.get(href)
        assert response.status == 200
        assert response.headers["content-type"].startswith(content_type)
        assert response.body().startswith(magic)


def test_municipality_overview_has_no_names(open_page, world):
    w = world
    page = open_page("municipality")
    page.goto(reverse("reports:municipality", kwargs={"pk": w.municipality.pk, "year": YEAR}))
    expect(page.locator("h1")).to_be_visible()
    text = page.locator("main").inner_text()
    for student in w.s:
        assert student.last_name not in text
    assert "•" in text  # X (4) and Y (2) are hidden
    screenshot(page, "reports-municipality")
    assert_fits_320(page, "reports-municipality")


def test_pilot_calculator_step_by_step(open_page, world):
    w = world
    scheme = SubsidyScheme.objects.get(kind="pilot", version=1)
    page = open_page("coordinator")
    page.goto(reverse("reports:scheme", kwargs={"pk": scheme.pk}))
    page.select_option("#id_target", str(w.school_a.pk))
    page.select_option("#id_year", str(YEAR))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    rows = page.locator("#h-calc ~ .table-scroll tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("main")).to_contain_text("-850,00")
    assert_fits_320(page, "reports-calculator")
