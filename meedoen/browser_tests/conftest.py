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
import re
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


@pytest.fixture
def open_page(browser: Browser, live_server, settings) -> Iterator:
    """``open_page(username=None)``: a page in a browser context of its own (so several
    people can take part in one journey side by side), signed in when a username is given.

    Staff use the documented demo bypass of two-factor sign-in (``DEMO_SKIP_MFA``); the
    two-factor set-up itself is covered by ``test_journeys``.
    """
    settings.DEMO_SKIP_MFA = True
    contexts: list[BrowserContext] = []

    def _open(username: str | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900}
        )
        # Generous: the machine is shared, and issuing an agreement renders a PDF.
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        if username:
            sign_in(page, username)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def mailbox():
    """The e-mail the services queued, sent as the worker would send it.

    The services queue mail as background tasks after the commit (``mail_queue``); no
    worker runs during the tests, so ``deliver()`` runs the queued jobs that have not run yet
    (the mail then lands in Django's locmem outbox) and returns the messages they sent.
    """
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    class Mailbox:
        def __init__(self) -> None:
            self.done: set = set()

        def deliver(self) -> list:
            before = len(mail.outbox)
            jobs = DBTaskResult.objects.exclude(pk__in=self.done).order_by("enqueued_at")
            for job in jobs:
                self.done.add(job.pk)
                job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
            return list(mail.outbox[before:])

    return Mailbox()


def links_in(messages, pattern: str) -> list[str]:
    """The matches of ``pattern`` (a regular expression) in the bodies of ``messages``."""
    return [m for message in messages for m in re.findall(pattern, message.body)]


def assert_fits_320(page: Page, name: str) -> None:
    """The page as it is now has no horizontal scroll at 320 px width (screenshot kept)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"{name}-320px")
        assert scroll_width <= 321, f"{name}: scrollWidth={scroll_width} at 320px"
    finally:
        if size:
            page.set_viewport_size(size)
