"""Hours in a real browser (issue 7, "Done when", the hours part).

On a placement made active through the placements services, the student logs two entries;
the organisation's contact confirms one and disputes the other through the e-mailed link,
without an account; the student's progress, and the coordinator's, show the confirmed hours.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from meedoen.directory.models import ContactPerson
from meedoen.hours.models import HourEntry
from meedoen.placements import services as placement_services
from meedoen.placements.models import PlacementStatus, SignatureRequest
from meedoen.stagebank.tests.helpers import make_offer, year_date

from .conftest import assert_fits_320, links_in, screenshot

pytestmark = pytest.mark.browser

SIGN_LINK = r"/ondertekenen/([A-Za-z0-9_\-]+)/"
CONFIRM_LINK = r"https?://[^\s]+(/hours/confirm/[A-Za-z0-9_\-]+/)"
CONTACT = "olga@zorgcentrum.example"


@pytest.fixture
def active_placement(personas, mailbox):
    """Sanne's placement at organisation X, from 20 days ago, made active the way the
    placements journey does it: apply, accept, approve, issue, four signatures, activate."""
    w = personas
    ContactPerson.objects.create(
        organisation=w.org_x, user=w.organisation, name="Olga Organisatie", email=CONTACT
    )
    offer = make_offer(
        w,
        title="Voorlezen aan bewoners",
        levels=[w.class_a1.cohort.level],
        start_date=year_date(9, 1),
        end_date=year_date(6, 30),
    )
    today = timezone.localdate()
    placement = placement_services.placement_apply(
        by=w.student_user,
        vacancy=offer,
        start_date=today - datetime.timedelta(days=20),
        end_date=today + datetime.timedelta(days=30),
    )
    placement = placement_services.placement_accept(placement=placement, by=w.organisation)
    placement = placement_services.placement_approve(
        placement=placement, by=w.coordinator, not_paid_work=True
    )
    mailbox.deliver()
    placement_services.agreement_issue(placement=placement, by=w.coordinator)
    for token in links_in(mailbox.deliver(), SIGN_LINK):
        signature = SignatureRequest.objects.get(token_hash=placement_services.hash_token(token))
        placement_services.agreement_sign(
            token=token, typed_name=signature.name, confirmed=True, ip="192.0.2.10"
        )
    placement.refresh_from_db()
    placement = placement_services.placement_activate(placement=placement, by=w.coordinator)
    assert placement.status == PlacementStatus.ACTIVE
    mailbox.deliver()
    return placement


def log_hours(
    page: Page, day: datetime.date, activity: str, check_320: bool = False, **times: str
) -> None:
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('hours:create')}']").first.click()
    page.fill("#id_date", day.isoformat())
    for name, value in times.items():
        page.fill(f"#id_{name}", value)
    page.fill("#id_activity", activity)
    if check_320:
        assert_fits_320(page, "hours-form")
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").first.click()
    assert page.url.endswith(reverse("hours:list")), page.url


def test_hours_logged_confirmed_disputed_and_progress(
    open_page, personas, active_placement, mailbox
):
    w = personas
    today = timezone.localdate()

    # --- The student logs two entries on the active placement. ---
    student = open_page("student")
    log_hours(
        student,
        today - datetime.timedelta(days=3),
        "Voorlezen uit de krant",
        check_320=True,
        start_time="14:00",
        end_time="17:00",
    )
    student.goto(reverse("core:dashboard"))
    log_hours(student, today - datetime.timedelta(days=2), "Koffie schenken", duration="2")
    read_aloud = HourEntry.objects.get(placement=active_placement, activity__startswith="Voor")
    coffee = HourEntry.objects.get(placement=active_placement, activity="Koffie schenken")
    assert (read_aloud.minutes, coffee.minutes) == (180, 120)
    screenshot(student, "hours-list")
    assert_fits_320(student, "hours-list")

    # --- The student asks the organisation to confirm them. ---
    ask = reverse("hours:request_confirmation", args=[active_placement.pk])
    with student.expect_navigation():
        student.locator(f"main form[action='{ask}']:not(:has(input[name=entry])) button").click()
    sent = mailbox.deliver()
    assert [m.to for m in sent if links_in([m], CONFIRM_LINK)] == [[CONTACT]]
    (link,) = links_in(sent, CONFIRM_LINK)

    # --- The organisation confirms one and disputes the other, without signing in. ---
    org = open_page()
    org.goto(link)
    assert "/accounts/login/" not in org.url
    expect(org.locator("main fieldset.entry")).to_have_count(2)
    assert_fits_320(org, "hours-confirm")
    org.check(f"input[name=decision-{read_aloud.pk}][value=confirm]")
    org.check(f"input[name=decision-{coffee.pk}][value=dispute]")
    org.fill(f"textarea[name=reason-{coffee.pk}]", "Die dag was de koffieochtend afgelast.")
    org.fill("input[name=name]", "Olga Organisatie")
    screenshot(org, "hours-confirm")
    with org.expect_navigation() as navigation:
        org.locator("main form[method=post] [type=submit]").click()
    assert navigation.value is not None and navigation.value.status == 200
    assert_fits_320(org, "hours-confirm-done")
    read_aloud.refresh_from_db()
    coffee.refresh_from_db()
    assert (read_aloud.status, coffee.status) == ("confirmed", "disputed")
    assert coffee.dispute_reason == "Die dag was de koffieochtend afgelast."
    # The link works once.
    again = org.goto(link)
    assert again is not None and again.status == 404

    # --- The student's progress shows the confirmed hours (3 of 30). ---
    student.goto(reverse("core:dashboard"))
    panel = student.locator("main section[aria-labelledby=panel-hours]")
    expect(panel).to_contain_text(re.compile(r"\b3,0\b"))
    expect(panel.locator("progress")).to_have_attribute("value", "10")
    screenshot(student, "hours-dashboard-student")
    assert_fits_320(student, "hours-dashboard-student")
    student.goto(reverse("hours:list"))
    row = student.locator("main tbody tr", has_text="Koffie schenken")
    expect(row).to_contain_text("Die dag was de koffieochtend afgelast.")

    # --- And so does the coordinator's progress page. ---
    coordinator = open_page("coordinator")
    coordinator.goto(reverse("hours:progress"))
    row = coordinator.locator(
        "main tbody tr",
        has=coordinator.locator(f"a[href='{reverse('hours:portfolio', args=[w.student.pk])}']"),
    )
    cells = row.locator("td")
    expect(cells.nth(3)).to_have_text("3,0")  # remind, student, class, confirmed
    expect(cells.nth(5)).to_have_text("30")
    screenshot(coordinator, "hours-progress")
    assert_fits_320(coordinator, "hours-progress")
