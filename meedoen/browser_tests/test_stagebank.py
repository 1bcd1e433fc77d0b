"""The placement bank in a real browser (issue 3, "Done when").

The organisation writes an offer and submits it; the broker returns it with a reason; the
organisation edits and resubmits; the broker publishes it; a student finds it by text, a
filter and distance and opens it; the public bank (no sign-in) shows it without contact
details. Two other published offers (set up through the services) share the search word, so
the sector filter and the distance each have something to leave out.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meedoen.directory.models import ContactPerson
from meedoen.stagebank.models import Vacancy
from meedoen.stagebank.tests.helpers import make_offer, year_date
from meedoen.stagebank.workflows import VacancyStatus

from .conftest import assert_fits_320, screenshot

pytestmark = pytest.mark.browser

TITLE = "Helpen op de kinderboerderij"
CONTACT_EMAIL = "olga@zorgcentrum.example"
REASON = "Beschrijf wie de leerling begeleidt."


@pytest.fixture
def bank(personas):
    # Organisation X has a contact person (no service writes contacts yet: plain data).
    contact = ContactPerson.objects.create(
        organisation=personas.org_x,
        name="Olga Organisatie",
        email=CONTACT_EMAIL,
        phone="071 123 4567",
    )
    # Same search word, other sector, near the school: the sector filter leaves it out.
    make_offer(
        personas,
        title="Muziekmiddag op de kinderboerderij",
        sector="culture",
        levels=["vmbo-t"],
    )
    # Same word and sector, but in Groningen: the distance leaves it out.
    make_offer(
        personas,
        title="Kinderboerderij in Groningen",
        sector="nature",
        levels=["vmbo-t"],
        street="Grote Markt 1",
        postcode="9711 LV",
        city="Groningen",
        latitude=53.2194,
        longitude=6.5665,
    )
    return contact


def fill_offer_form(page: Page, contact) -> None:
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "Je voert de dieren en helpt bezoekers op de kinderboerderij.")
    page.select_option("#id_sector", "nature")
    page.fill("#id_activities", "Dieren voeren, hokken schoonmaken, kinderen rondleiden.")
    page.check("input[name=kind][value=individual]")
    page.fill("#id_capacity", "3")
    page.fill("#id_min_age", "12")
    for level in ("vmbo-t", "havo"):
        page.check(f"input[name=levels][value='{level}']")
    page.select_option("#id_guidance_offered", "standard")
    page.fill("#id_start_date", year_date(9, 1).isoformat())
    page.fill("#id_end_date", year_date(6, 30).isoformat())
    page.check("input[name=weekdays][value='2']")
    page.check("input[name=formats][value=ribbon]")
    page.fill("#id_expected_hours", "30")
    page.fill("#id_street", "Boerderijweg 2")
    page.fill("#id_postcode", "2311 AB")
    page.fill("#id_city", "Leiden")
    page.fill("#id_latitude", "52.1600")
    page.fill("#id_longitude", "4.4950")
    page.select_option("#id_contact", str(contact.pk))


def transition(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action$='/{action}/'] [type=submit]").click()


def test_offer_written_reviewed_published_and_found(open_page, personas, bank):
    # --- The organisation writes a new offer and submits it. ---
    org = open_page("organisation")
    org.goto(reverse("stagebank:mine"))
    assert_fits_320(org, "stagebank-mine")
    with org.expect_navigation():
        org.locator(f"main a[href='{reverse('stagebank:create')}']").click()
    assert_fits_320(org, "stagebank-form")
    fill_offer_form(org, bank)
    screenshot(org, "stagebank-form")
    with org.expect_navigation():
        org.locator("form.offer-form [type=submit]").click()
    vacancy = Vacancy.objects.get(title=TITLE)
    assert org.url.endswith(reverse("stagebank:detail", args=[vacancy.pk])), org.url
    assert vacancy.status == VacancyStatus.DRAFT
    assert (vacancy.organisation, vacancy.contact) == (personas.org_x, bank)
    transition(org, "submit")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.SUBMITTED

    # --- The broker returns it with a reason. ---
    broker = open_page("broker")
    broker.goto(reverse("stagebank:overview"))
    assert_fits_320(broker, "stagebank-overview")
    review_url = reverse("stagebank:review", args=[vacancy.pk])
    with broker.expect_navigation():
        broker.locator(f"main a[href='{review_url}']").first.click()
    assert broker.url.endswith(review_url), broker.url
    assert_fits_320(broker, "stagebank-review")
    broker.check("input[name=decision][value=return]")
    broker.fill("textarea[name=reason]", REASON)
    with broker.expect_navigation():
        broker.locator("form.review-form [type=submit]").click()
    assert broker.url.endswith(reverse("stagebank:overview")), broker.url
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.return_reason) == (VacancyStatus.RETURNED, REASON)

    # --- The organisation sees the reason, edits the offer and submits it again. ---
    org.goto(reverse("stagebank:detail", args=[vacancy.pk]))
    expect(org.locator("main .offer-head")).to_contain_text(REASON)
    with org.expect_navigation():
        org.locator(f"a[href='{reverse('stagebank:edit', args=[vacancy.pk])}']").click()
    org.fill("#id_activities", "Dieren voeren en hokken schoonmaken, onder begeleiding van Olga.")
    with org.expect_navigation():
        org.locator("form.offer-form [type=submit]").click()
    transition(org, "submit")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.SUBMITTED
    assert "onder begeleiding van Olga" in vacancy.activities

    # --- The broker publishes it, every quality criterion ticked. ---
    broker.goto(review_url)
    boxes = broker.locator("input[name=checklist]")
    assert boxes.count() > 0
    for i in range(boxes.count()):
        boxes.nth(i).check()
    broker.check("input[name=decision][value=publish]")
    screenshot(broker, "stagebank-review")
    with broker.expect_navigation():
        broker.locator("form.review-form [type=submit]").click()
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED
    events = list(vacancy.events.values_list("to_status", "actor__username"))
    assert events[-1] == (VacancyStatus.PUBLISHED, "broker")
    assert (VacancyStatus.RETURNED, "broker") in events

    # --- The student finds it by text, a filter and distance, and opens it. ---
    student = open_page("student")
    student.goto(reverse("stagebank:search"))
    cards = student.locator("#results .offer-card")
    titles = cards.locator(".offer-title a")
    student.fill("#id_q", "kinderboerderij")
    student.select_option("select[name=near]", "school")
    student.locator("form.bank-filters button[type=submit]").click()
    expect(titles).to_have_count(3)  # by text alone: all three
    student.select_option("select[name=sector]", "nature")
    expect(titles).to_have_count(2)
    student.fill("input[name=km]", "10")
    student.locator("form.bank-filters button[type=submit]").click()
    expect(titles).to_have_count(1)
    expect(titles).to_have_text(TITLE)
    expect(cards.first.locator(".offer-org")).to_contain_text("km")
    # The filters are in the address, so the search can be shared and reloaded.
    assert "sector=nature" in student.url and "km=10" in student.url, student.url
    student.reload()
    expect(titles).to_have_text(TITLE)
    screenshot(student, "stagebank-search")
    assert_fits_320(student, "stagebank-search")
    with student.expect_navigation():
        titles.first.click()
    assert student.url.endswith(reverse("stagebank:detail", args=[vacancy.pk])), student.url
    main = student.locator("main")
    expect(main.locator("h1")).to_have_text(TITLE)
    expect(main).to_contain_text(CONTACT_EMAIL)  # a signed-in student may contact them
    expect(main).to_contain_text("km")
    expect(main.locator("a#apply")).to_have_attribute(
        "href", reverse("placements:apply", args=[vacancy.pk])
    )
    screenshot(student, "stagebank-detail-student")
    assert_fits_320(student, "stagebank-detail-student")

    # --- The public bank, without signing in, shows it without contact details. ---
    public = open_page()
    public.goto(reverse("stagebank:public"))
    assert "/accounts/login/" not in public.url
    public.fill("#id_q", "kinderboerderij")
    public.select_option("select[name=sector]", "nature")
    public.locator("form.bank-filters button[type=submit]").click()
    public_titles = public.locator("#results .offer-card .offer-title a")
    expect(public_titles).to_have_count(2)
    assert_fits_320(public, "stagebank-public")
    with public.expect_navigation():
        public_titles.filter(has_text=TITLE).click()
    assert public.url.endswith(reverse("stagebank:public_detail", args=[vacancy.pk]))
    expect(public.locator("main h1")).to_have_text(TITLE)
    html = public.content()
    for detail in (CONTACT_EMAIL, "Olga Organisatie", "071 123 4567", "mailto:"):
        assert detail not in html, f"{detail!r} on the public page"
    screenshot(public, "stagebank-public-detail")
    assert_fits_320(public, "stagebank-public-detail")
