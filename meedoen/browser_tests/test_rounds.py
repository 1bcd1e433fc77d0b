"""Matching rounds in a real browser (issue 5, "In the platform", "Done when").

The coordinator opens a round for a school period and opens it for choices; the student
ranks offers on a phone (375 px wide) with JavaScript switched off, with the plain up and
down buttons; the coordinator closes the round, runs both modes, compares them side by
side and publishes the fair-lottery run; the student sees their result and why. Another
student's choices are set through the services, so that the first offer is wanted by two.
"""

import datetime
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from meedoen.planning import services as planning_services
from meedoen.planning.workflows import PeriodStatus
from meedoen.rounds import services as round_services
from meedoen.rounds.models import Round, RoundStudent
from meedoen.rounds.tests.factories import block_period
from meedoen.rounds.workflows import RoundStatus
from meedoen.stagebank.tests.helpers import make_offer

from .conftest import assert_fits_320, screenshot, sign_in

pytestmark = pytest.mark.browser

LIBRARY = "Voorlezen in de bibliotheek"
FOOD_BANK = "Helpen bij de voedselbank"
WALK = "Begeleid wandelen"
PHONE = {"width": 375, "height": 740}
# Running the engine: the optimal mode's compiled kernel (numba) is compiled on its first
# use in a fresh process when its cache is stale, which on a busy two-core machine takes
# far longer than a page does.
ENGINE_TIMEOUT = 180_000


@pytest.fixture
def period(personas):
    """School A's cohort has a submitted period two weeks from now; three offers of the
    region fit it and give the targeted guidance the student persona (Sanne) needs."""
    w = personas
    today = timezone.localdate()
    start = today + datetime.timedelta(days=14)
    period = block_period(
        w.coordinator,
        w.school_a,
        w.class_a1.cohort,
        start,
        start + datetime.timedelta(days=4),
        students=2,
    )
    planning_services.period_transition(
        actor=w.coordinator, period=period, to_status=PeriodStatus.SUBMITTED
    )
    dates = {"start_date": today, "end_date": today + datetime.timedelta(days=30)}
    for title, capacity, guidance, organisation in (
        (LIBRARY, 1, "targeted", w.org_x),
        (FOOD_BANK, 2, "targeted", w.org_y),
        (WALK, 1, "intensive", w.org_x),
    ):
        make_offer(
            w,
            organisation=organisation,
            title=title,
            capacity=capacity,
            guidance_offered=guidance,
            levels=[w.class_a1.cohort.level],
            **dates,
        )
    return period


@pytest.fixture
def phone_without_js(browser: Browser, live_server, settings) -> Iterator[Page]:
    """A phone-sized page (375 px) with JavaScript switched off, in a Dutch browser."""
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport=PHONE, java_script_enabled=False
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def submit(page: Page, form_selector: str, timeout: float | None = None) -> None:
    """Press the submit button of one form and wait for the answer."""
    with page.expect_navigation(timeout=timeout):
        page.locator(form_selector).locator("[type=submit]").first.click(timeout=timeout)


def assert_no_side_scroll(page: Page, name: str) -> None:
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"{name}-{width}px")
    assert scroll_width <= width + 1, f"{name}: scrollWidth={scroll_width} at {width}px"


def list_titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#list ol li strong").all_inner_texts()]


def test_open_choose_close_run_both_compare_publish_result(
    open_page, phone_without_js, personas, period
):
    w = personas

    # --- The coordinator opens a round for the school's period. ---
    coordinator = open_page("coordinator")
    coordinator.goto(reverse("rounds:create"))
    coordinator.select_option("#id_period", str(period.pk))
    coordinator.fill("#id_name", "Ronde blokweek")
    coordinator.fill("#id_max_choices", "3")
    submit(coordinator, "main form[method=post]")
    rnd = Round.objects.get(name="Ronde blokweek")
    detail_url = reverse("rounds:detail", args=[rnd.pk])
    assert coordinator.url.endswith(detail_url), coordinator.url
    expect(coordinator.locator("main .badge")).to_have_text("Concept")
    submit(coordinator, "main form:has(input[name=action][value=open])")
    expect(coordinator.locator("main .badge")).to_have_text("Open voor keuzes")
    assert RoundStudent.objects.filter(round=rnd).count() == 2  # Sanne (A1) and Daan (A2)

    # Daan wants the library too (set through the services, as his mentor would).
    offers = dict(rnd.offers.values_list("vacancy__title", "vacancy_id"))
    round_services.choices_set(
        actor=w.coordinator,
        entry=RoundStudent.objects.get(round=rnd, student=w.student_a2),
        vacancy_ids=[offers[LIBRARY], offers[FOOD_BANK]],
    )

    # --- The student ranks offers on a phone, without JavaScript: add, up, down. ---
    student = phone_without_js
    sign_in(student, "student")
    student.goto(detail_url)
    with student.expect_navigation():
        student.locator(
            f"main a[href='{reverse('rounds:choose', args=[rnd.pk, w.student.pk])}']"
        ).click()
    expect(student.locator("main h1")).to_have_text("Kies je stageplaatsen")
    assert_no_side_scroll(student, "rounds-choose-empty")
    for title in (FOOD_BANK, LIBRARY, WALK):
        submit(student, f"main .card:has(h3:text-is('{title}')) form")
    assert list_titles(student) == [FOOD_BANK, LIBRARY, WALK]
    expect(student.get_by_role("button", name="Op mijn lijst zetten")).to_have_count(0)
    submit(student, f"#list li:has(strong:text-is('{LIBRARY}')) form:has(button[value=up])")
    assert list_titles(student) == [LIBRARY, FOOD_BANK, WALK]
    submit(student, f"#list li:has(strong:text-is('{FOOD_BANK}')) form:has(button[value=down])")
    assert list_titles(student) == [LIBRARY, WALK, FOOD_BANK]
    expect(student.locator("#list button[value=up]")).to_have_count(2)
    expect(student.locator("#list button[value=down]")).to_have_count(2)
    assert_no_side_scroll(student, "rounds-choose-ranked")
    entry = RoundStudent.objects.get(round=rnd, student=w.student)
    assert list(entry.choices.order_by("rank").values_list("vacancy__title", flat=True)) == [
        LIBRARY,
        WALK,
        FOOD_BANK,
    ]

    # --- The round closes; the coordinator runs both modes and compares them. ---
    coordinator.goto(detail_url)
    submit(coordinator, "main form:has(input[name=action][value=close])")
    expect(coordinator.locator("main .badge")).to_have_text(
        "Gesloten: uitkomsten worden voorbereid"
    )
    submit(coordinator, "main form:has(input[name=mode][value=da])", ENGINE_TIMEOUT)
    assert coordinator.url.endswith(reverse("rounds:review", args=[rnd.pk])), coordinator.url
    submit(coordinator, "main form:has(input[name=mode][value=optimal])", ENGINE_TIMEOUT)
    publish = f"form[action='{reverse('rounds:publish', args=[rnd.pk])}']"
    fair = coordinator.locator("main section.card[aria-label^='Eerlijke loting']")
    optimal = coordinator.locator("main section.card[aria-label^='Zoveel mogelijk']")
    for column in (fair, optimal):
        expect(column.locator("h2")).to_be_visible()
        expect(column.locator("dl.facts dd").first).to_have_text("2")  # both placed
        expect(column.locator(publish)).to_have_count(1)
    rows = coordinator.locator("main table:not(:has(caption)) tbody tr")
    expect(rows.filter(has_text="Sanne Jansen")).to_contain_text(LIBRARY)
    expect(rows.filter(has_text="Daan Bakker")).to_contain_text(FOOD_BANK)
    screenshot(coordinator, "rounds-review")
    assert_fits_320(coordinator, "rounds-review")

    # --- The coordinator publishes the fair-lottery run. ---
    submit(coordinator, f"main section.card[aria-label^='Eerlijke loting'] {publish}")
    assert coordinator.url.endswith(detail_url), coordinator.url
    expect(coordinator.locator("main .badge")).to_have_text("Gepubliceerd")
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED and rnd.published_run.mode == "da"

    # --- The student sees their result and why. ---
    student.goto(detail_url)
    result = student.locator("main section[aria-labelledby=my-result]")
    expect(result.locator("h2")).to_have_text("Je uitslag")
    expect(result.locator("strong").first).to_have_text(LIBRARY)
    expect(result.locator("h3")).to_have_text("Waarom")
    expect(result.locator("ul li").first).to_contain_text(LIBRARY)
    assert_no_side_scroll(student, "rounds-result")
    entry.refresh_from_db()
    assert entry.result_vacancy.title == LIBRARY and entry.result_rank == 1
    placement_url = reverse("placements:detail", args=[entry.result_placement_id])
    expect(result.locator(f"a[href='{placement_url}']")).to_have_count(1)
