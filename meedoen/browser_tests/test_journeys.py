"""One real-browser journey per role: sign in, see the own dashboard, cannot open a student
of another school (a forbidden record answers 404, exactly like a missing one).

Staff roles normally must set up two-factor sign-in first. The coordinator journey does that
for real (reads the secret from allauth's set-up page and computes the TOTP code); the other
staff journeys use the documented demo bypass ``DEMO_SKIP_MFA`` (the live server runs in this
process, so the ``settings`` fixture reaches it).
"""

import re
import time
from dataclasses import dataclass

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from playwright.sync_api import Page, expect

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

STUDENT_NAMES = ("Sanne", "Jansen", "Noor", "Visser", "Daan", "Bakker")


@dataclass(frozen=True)
class Journey:
    username: str
    dashboard_shows: tuple[str, ...]
    # personas attribute of a student of another school (must answer 404) ...
    forbidden_student: str | None
    # ... and of a student this role may open (proves the 404 is not just a broken page).
    visible_student: str | None = None
    dashboard_hides: tuple[str, ...] = ()
    staff: bool = False


JOURNEYS = {
    "student": Journey("student", ("Sanne", "School A", "Zorgcentrum X"), "student_b", "student"),
    "mentor": Journey("mentor", ("A1", "School A"), "student_b", "student", ("A2", "B1")),
    "organisation": Journey(
        "organisation", ("Zorgcentrum X", "Sanne Jansen"), "student_b", "student", ("Noor",)
    ),
    "coordinator2": Journey(
        "coordinator2", ("School B", "B1"), "student", "student_b", ("A1", "Sanne"), staff=True
    ),
    "broker": Journey(
        "broker",
        ("School A", "School B", "Zorgcentrum X", "Sportclub Y"),
        "student_b",
        dashboard_hides=STUDENT_NAMES,
        staff=True,
    ),
    "municipality": Journey(
        "municipality",
        ("Leiden", "School A"),
        "student_b",
        dashboard_hides=STUDENT_NAMES,
        staff=True,
    ),
    "projectlead": Journey(
        "projectlead",
        ("School A", "School B"),
        "student_b",
        dashboard_hides=STUDENT_NAMES,
        staff=True,
    ),
    # The platform administrator may open every record, so no forbidden student here.
    "admin": Journey("admin", ("School A", "School B"), None, "student_b", staff=True),
}


def dashboard_url() -> str:
    return reverse("core:dashboard")


def student_url(student) -> str:
    return reverse("students:detail", kwargs={"pk": student.pk})


def assert_dashboard(page: Page, journey: Journey) -> None:
    assert page.url.endswith(dashboard_url()), f"{journey.username} landed on {page.url}"
    main = page.locator("main")
    for text in journey.dashboard_shows:
        expect(main).to_contain_text(text)
    body = main.inner_text()
    for text in journey.dashboard_hides:
        assert not re.search(rf"\b{re.escape(text)}\b", body), f"{text!r} on {journey.username}"


def assert_student_pages(page: Page, personas, journey: Journey) -> None:
    if journey.visible_student:
        student = getattr(personas, journey.visible_student)
        response = page.goto(student_url(student))
        assert response is not None and response.status == 200
        expect(page.locator("main")).to_contain_text(student.first_name)
    if journey.forbidden_student:
        student = getattr(personas, journey.forbidden_student)
        response = page.goto(student_url(student))
        assert response is not None and response.status == 404, response and response.status
        assert student.first_name not in page.content()
        assert student.last_name not in page.content()


@pytest.mark.parametrize("role", list(JOURNEYS))
def test_journey(role, page: Page, personas, settings):
    journey = JOURNEYS[role]
    settings.DEMO_SKIP_MFA = journey.staff
    sign_in(page, journey.username)
    screenshot(page, role)
    assert_dashboard(page, journey)
    assert_student_pages(page, personas, journey)


def current_totp(secret: str) -> str:
    """The code an authenticator app would show now, by allauth's own HOTP helper.

    allauth accepts only the current period (no tolerance by default), so do not hand in a
    code in the last seconds of its period: wait for the next one instead.
    """
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def test_journey_coordinator_with_two_factor_setup(page: Page, personas, settings):
    settings.DEMO_SKIP_MFA = False
    journey = Journey("coordinator", ("School A", "A1", "A2"), "student_b", "student", ("B1",))

    sign_in(page, "coordinator")
    # Staff without two-factor are sent to the TOTP set-up page, whatever they ask for. A
    # fresh sign-in is enough to set it up (MFA_REAUTHENTICATION_REQUIRED = False): no second
    # password prompt straight after signing in.
    activate = reverse("mfa_activate_totp")
    assert page.url.endswith(activate), page.url
    page.goto(dashboard_url())
    assert page.url.endswith(activate), page.url

    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]+=*", secret), secret
    form = page.locator("form:has(input[name=code])")
    form.locator("input[name=code]").fill(current_totp(secret))
    with page.expect_navigation():
        form.locator("[type=submit]:not([form])").click()
    assert not page.url.endswith(reverse("mfa_activate_totp")), page.content()

    page.goto(dashboard_url())
    screenshot(page, "coordinator")
    assert_dashboard(page, journey)
    assert_student_pages(page, personas, journey)

    # Signing in again now asks for the code.
    page.goto(dashboard_url())
    page.locator("form[action$='/accounts/logout/'] [type=submit]").click()
    page.wait_for_load_state()
    sign_in(page, "coordinator")
    assert page.url.endswith(reverse("mfa_authenticate")), page.url
    form = page.locator("form:has(input[name=code])")
    form.locator("input[name=code]").fill(current_totp(secret))
    with page.expect_navigation():
        form.locator("[type=submit]:not([form])").click()
    assert_dashboard(page, journey)


def test_coordinator_dashboard_at_320px(page: Page, personas, settings):
    settings.DEMO_SKIP_MFA = True
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "coordinator")
    assert page.url.endswith(dashboard_url())
    screenshot(page, "coordinator-320px")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 321, f"horizontal scroll at 320px: scrollWidth={scroll_width}"

    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(el => ({cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim()}))"
        "(document.activeElement)"
    )
    assert "skip-link" in focused["cls"].split(), focused
    assert focused["href"] == "#main", focused
    assert focused["text"], focused


def test_switch_language_to_english(page: Page, personas):
    sign_in(page, "student")
    assert page.url.endswith(dashboard_url())
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    form = page.locator("form.lang")
    form.locator("select[name=language]").select_option("en")
    with page.expect_navigation():
        form.locator("[type=submit]:not([form])").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(dashboard_url()), page.url
    expect(page.locator("main h1")).to_have_text("Hello Sanne")
    expect(page.locator("main")).to_contain_text("My placements")
