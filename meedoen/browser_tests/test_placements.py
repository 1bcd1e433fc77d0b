"""Placements and agreements in a real browser (issue 6, "Done when").

The student applies for an offer from its page in the bank; the organisation accepts; the
coordinator approves and issues the agreement; the four parties (student, parent of the
minor, organisation, school) sign through the personal links in their e-mail, without
signing in; the coordinator starts the placement and it is active.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meedoen.directory.models import ContactPerson
from meedoen.placements import services as placement_services
from meedoen.placements.models import Placement, PlacementStatus, SignatureRequest
from meedoen.stagebank.tests.helpers import make_offer, year_date

from .conftest import assert_fits_320, links_in, screenshot

pytestmark = pytest.mark.browser

SIGN_LINK = r"https?://[^\s]+(/ondertekenen/[A-Za-z0-9_\-]+/)"
S = PlacementStatus


@pytest.fixture
def offer(personas):
    # The organisation's contact person signs for it (no service writes contacts: plain data).
    contact = ContactPerson.objects.create(
        organisation=personas.org_x,
        user=personas.organisation,
        name="Olga Organisatie",
        email="olga@zorgcentrum.example",
    )
    return make_offer(
        personas,
        title="Voorlezen aan bewoners",
        activities="Voorlezen uit de krant, een praatje maken.",
        levels=[personas.class_a1.cohort.level],
        start_date=year_date(1, 11),
        end_date=year_date(3, 31),
        contact=contact,
    )


def step(page: Page, action: str) -> None:
    """Press the button of one workflow step on the placement page."""
    form = page.locator(f"main form:has(input[name=action][value={action}])")
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def test_apply_accept_approve_issue_sign_activate(open_page, personas, offer, mailbox):
    w = personas
    mailbox.deliver()  # the set-up's own mail (the offer's publication)

    # --- The student applies from the offer's page in the bank. ---
    student = open_page("student")
    student.goto(reverse("stagebank:detail", args=[offer.pk]))
    with student.expect_navigation():
        student.locator("main a#apply").click()
    assert student.url.endswith(reverse("placements:apply", args=[offer.pk])), student.url
    student.fill("textarea[name=motivation]", "Ik lees graag voor en houd van verhalen.")
    assert_fits_320(student, "placements-apply")
    with student.expect_navigation():
        student.locator("main form[method=post] [type=submit]").click()
    placement = Placement.objects.get(vacancy=offer, student=w.student)
    detail_url = reverse("placements:detail", args=[placement.pk])
    assert student.url.endswith(detail_url), student.url
    assert placement.status == S.PROPOSED
    assert [m.to for m in mailbox.deliver()] == [["olga@zorgcentrum.example"]]

    # --- The organisation accepts. ---
    org = open_page("organisation")
    org.goto(reverse("placements:list"))
    assert_fits_320(org, "placements-list-organisation")
    with org.expect_navigation():
        org.locator(f"main a[href='{detail_url}']").first.click()
    step(org, "accept")
    placement.refresh_from_db()
    assert placement.status == S.ACCEPTED

    # --- The coordinator approves and issues the agreement. ---
    coordinator = open_page("coordinator")
    coordinator.goto(reverse("placements:list"))
    assert_fits_320(coordinator, "placements-list-coordinator")
    with coordinator.expect_navigation():
        coordinator.locator(f"main a[href='{detail_url}']").first.click()
    confirm = coordinator.locator("main input[name=not_paid_work]")
    if confirm.count():
        confirm.check()
    step(coordinator, "approve")
    placement.refresh_from_db()
    assert placement.status == S.APPROVED
    mailbox.deliver()
    with coordinator.expect_navigation():
        coordinator.locator(
            f"main form[action='{reverse('placements:issue', args=[placement.pk])}'] [type=submit]"
        ).click()
    placement.refresh_from_db()
    assert placement.status == S.AGREEMENT_ISSUED
    screenshot(coordinator, "placements-issued")
    assert_fits_320(coordinator, "placements-issued")

    # --- Each party signs through the link in their e-mail, without an account. ---
    sent = mailbox.deliver()
    recipients = sorted(to for m in sent if links_in([m], SIGN_LINK) for to in m.to)
    assert recipients == sorted(
        [
            w.student_user.email,
            "petra@example.org",
            "olga@zorgcentrum.example",
            w.coordinator.email,
        ]
    )
    for i, path in enumerate(links_in(sent, SIGN_LINK)):
        token = re.search(r"/ondertekenen/([^/]+)/", path).group(1)
        name = SignatureRequest.objects.get(token_hash=placement_services.hash_token(token)).name
        signer = open_page()
        signer.goto(path)
        expect(signer.locator("main .agreement-frame")).to_contain_text("Voorlezen aan bewoners")
        if i == 0:
            assert_fits_320(signer, "placements-sign")
        signer.fill("input[name=typed_name]", name)
        signer.check("input[name=confirm]")
        response = None
        with signer.expect_navigation() as navigation:
            signer.locator("main form[method=post] [type=submit]").click()
        response = navigation.value
        assert response is not None and response.status == 200
        expect(signer.locator("main .hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        if i == 0:
            screenshot(signer, "placements-signed")
        # The link has now been used: it no longer opens the agreement.
        again = signer.goto(path)
        assert again is not None and again.status == 404
    placement.refresh_from_db()
    assert placement.status == S.SIGNED

    # --- The coordinator starts the placement: it is active. ---
    coordinator.goto(detail_url)
    step(coordinator, "activate")
    placement.refresh_from_db()
    assert placement.status == S.ACTIVE
    actions = list(placement.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["apply", "accept", "approve", "issue", *["sign"] * 4, "signed", "activate"]

    # The student sees the active placement with the agreement signed by all.
    student.goto(detail_url)
    expect(student.locator("main .state-signed").first).to_be_visible()
    screenshot(student, "placements-active-student")
    assert_fits_320(student, "placements-active-student")
