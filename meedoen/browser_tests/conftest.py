"""Fixtures for the real-browser tests: Playwright driving Debian's ``chromium``.

Playwright cannot download its own browser here, so it is handed the system executable
(``CHROMIUM_PATH``, default ``/usr/bin/chromium``; ``scripts/ensure-chromium.sh`` installs it).
Without it the browser tests are skipped on a developer's machine and fail when ``CI=true``.

We deliberately do not use pytest-playwright: a browser per package and a fresh context per
test are all we need.

Playwright's sync API keeps an asyncio loop running in the main thread for as long as it is
started, and Django refuses ORM calls (the ``personas`` fixture, the database flush) while a
loop runs in the calling thread. ``DJANGO_ALLOW_ASYNC_UNSAFE`` switches that check off; we set
it only while Playwright runs and stop Playwright after this package (``scope="package"``), so
neither the running loop nor the switched-off check leaks into the rest of the suite.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "meedoen-test"


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if not os.access(executable, os.X_OK):
        message = (
            f"Chromium not found at {executable}: run `bash scripts/ensure-chromium.sh` "
            "(or `make browser-deps`), or set CHROMIUM_PATH."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    # A Dutch browser: LocaleMiddleware would otherwise follow Chromium's en-US Accept-Language.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    # allauth keeps its sign-in rate limits in the (process-wide) cache; every journey signs in
    # from 127.0.0.1, so without this the later journeys would be throttled.
    cache.clear()
    yield
    cache.clear()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real allauth form and wait until the sign-in POST has been answered."""
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name=login])")
    form.locator("input[name=login]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("[type=submit]:not([form])").click()
    assert "/accounts/login/" not in page.url, f"sign-in of {username} failed: {page.content()}"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
