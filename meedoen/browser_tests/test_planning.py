"""Period planning in a real browser (issue 4, "Done when").

The coordinator of school A enters a period and submits it; school B has submitted one for
the same week and the bank has few places for their level, so the broker's yearly overview
shows demand against supply with a peak naming both schools; the PDF and XLSX downloads
answer with the right content type and content. Once the broker publishes the overview,
an organisation sees when the students come, without any student's name.
"""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meedoen.planning.models import InternshipPeriod
from meedoen.planning.tests.factories import make_period, week_of
from meedoen.planning.workflows import PeriodStatus
from meedoen.stagebank.tests.helpers import make_offer, year_date

from .conftest import SCREENSHOTS, assert_fits_320, screenshot

pytestmark = pytest.mark.browser

PEAK_WEEK = 50


@pytest.fixture
def region_plans(personas):
    w = personas
    # School B has already submitted a period in the same week.
    make_period(
        actor=w.coordinator2,
        cohort=w.class_b1.cohort,
        status=PeriodStatus.SUBMITTED,
        week=PEAK_WEEK,
        students=20,
    )
    # Supply: one published offer with four places for their level, all year.
    make_offer(
        w,
        title="Boodschappen doen met ouderen",
        capacity=4,
        levels=[w.class_a1.cohort.level],
        start_date=year_date(8, 20),
        end_date=year_date(7, 10),
    )
    return w


def enter_period(page: Page, cohort, start: datetime.date, end: datetime.date) -> None:
    page.select_option("#id_cohort", str(cohort.pk))
    page.select_option("#id_format", "block")
    page.select_option("#id_kind", "individual")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", end.isoformat())
    page.fill("#id_students", "25")
    page.fill("#id_hours_per_student", "30")


def test_period_entered_submitted_and_overview_with_peak(open_page, region_plans):
    w = region_plans
    cohort = w.class_a1.cohort
    start = week_of(cohort.school_year, PEAK_WEEK)
    end = start + datetime.timedelta(days=4)

    # --- The coordinator enters a period and submits it. ---
    coordinator = open_page("coordinator")
    coordinator.goto(reverse("planning:periods"))
    with coordinator.expect_navigation():
        coordinator.locator(f"main a[href^='{reverse('planning:period_create')}?']").click()
    enter_period(coordinator, cohort, start, end)
    screenshot(coordinator, "planning-form")
    assert_fits_320(coordinator, "planning-form")
    with coordinator.expect_navigation():
        coordinator.locator("main form[method=post] [type=submit]").click()
    period = InternshipPeriod.objects.get(school=w.school_a)
    assert coordinator.url.endswith(reverse("planning:period", args=[period.pk]))
    assert (period.status, period.students, period.start_date) == (PeriodStatus.DRAFT, 25, start)
    submit = coordinator.locator(f"main form:has(input[name=to][value={PeriodStatus.SUBMITTED}])")
    with coordinator.expect_navigation():
        submit.locator("[type=submit]").click()
    period.refresh_from_db()
    assert period.status == PeriodStatus.SUBMITTED
    assert_fits_320(coordinator, "planning-period")
    coordinator.goto(reverse("planning:periods"))
    screenshot(coordinator, "planning-school")
    assert_fits_320(coordinator, "planning-school")

    # --- The broker's yearly overview: demand against supply, with the peak. ---
    broker = open_page("broker")
    broker.goto(reverse("core:dashboard"))
    with broker.expect_navigation():
        broker.locator(f"nav a[href='{reverse('planning:overview')}']").first.click()
    main = broker.locator("main")
    expect(main.locator("svg").first).to_be_visible()  # the chart, rendered on the server
    peaks = main.locator("section[aria-labelledby^=peak-]")
    expect(peaks.first).to_be_visible()
    peak = peaks.filter(has_text=str(PEAK_WEEK)).first
    expect(peak).to_contain_text("School A")
    expect(peak).to_contain_text("School B")
    # The table behind the chart: in the peak week 45 students for 4 open places.
    main.locator("details:has(table) > summary").first.click()
    row = main.locator("table tbody tr", has=broker.locator(f"th:text-is('{PEAK_WEEK}')")).first
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text("45")
    expect(cells.nth(2)).to_have_text("4")
    expect(row.locator(".status-error")).to_be_visible()
    screenshot(broker, "planning-overview")
    assert_fits_320(broker, "planning-overview")
    # On a phone the chart keeps a readable width and scrolls inside its own box.
    broker.set_viewport_size({"width": 320, "height": 640})
    chart = main.locator("[data-chart=demand] svg")
    assert chart.evaluate("el => el.getBoundingClientRect().width") >= 600
    broker.set_viewport_size({"width": 1280, "height": 900})

    # --- The downloads answer 200 with the right content type and content. ---
    downloads = {
        "pdf": ("application/pdf", b"%PDF"),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    }
    for kind, (content_type, magic) in downloads.items():
        href = main.locator(f"a[href*='overview.{kind}']").first.get_attribute("href")
        response = broker.context.request.get(href)
        assert response.status == 200, (kind, response.status)
        assert response.headers["content-type"] == content_type
        body = response.body()
        assert body.startswith(magic), kind
        if kind == "pdf":
            (SCREENSHOTS / "planning-overview.pdf").write_bytes(body)
        else:
            with zipfile.ZipFile(io.BytesIO(body)) as book:
                sheets = "".join(
                    book.read(n).decode() for n in book.namelist() if n.startswith("xl/")
                )
            assert "School A" in sheets and "School B" in sheets

    # --- The broker publishes; the organisation then sees when students come. ---
    org = open_page("organisation")
    org.goto(reverse("planning:overview"))
    expect(org.locator("main section[aria-labelledby^=peak-]")).to_have_count(0)
    with broker.expect_navigation():
        main.locator(f"form[action^='{reverse('planning:publish')}'] [type=submit]").click()
    org.reload()
    org_main = org.locator("main")
    expect(org_main.locator("[data-chart=demand] svg")).to_be_visible()
    org_peak = org_main.locator("section[aria-labelledby^=peak-]").filter(has_text=str(PEAK_WEEK))
    expect(org_peak.first).to_contain_text("School A")
    assert org_main.locator(f"form[action^='{reverse('planning:publish')}']").count() == 0
    for name in ("Sanne", "Jansen", "Noor", "Visser"):
        assert name not in org_main.inner_text()
    screenshot(org, "planning-overview-organisation")
    assert_fits_320(org, "planning-overview-organisation")
