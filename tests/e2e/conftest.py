"""Fixtures for the browser tests: one headless Chromium per session, a fresh context per test.

The tests drive Debian's Chromium (``/usr/bin/chromium``) through Playwright's sync API against
pytest-django's ``live_server``, with the demo portfolio (``seed_demo``) loaded in the test DB.
Never run ``playwright install``: the browser comes from the system.
"""

import os
from pathlib import Path

import pytest

from tools.screenshots import CHROMIUM_ARGS  # one set of launch flags for tests and screenshots

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM refuses to run in
# a thread with a running loop unless told it is safe (it is: the loop never touches the ORM).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
DEMO_PASSWORD = "jvportal-demo"
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    """Every test in this folder is an end-to-end test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session; skipped without it, except in CI where it must run."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed: the browser tests need Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so they may not be skipped)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def demo_data(transactional_db):
    """The demo portfolio, as ``manage.py seed_demo`` loads it.

    A transactional test flushes the tables when it ends, which also removes the role groups
    that a data migration created, so they are made again before seeding.
    """
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from core.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("seed_demo", quiet=True)


@pytest.fixture
def new_context(browser, live_server, demo_data):
    """Open a browser context (own cookies and storage) on the live server; closed after the test.

    Every response for a static file is watched: a missing stylesheet, script or icon font fails
    the test at teardown.
    """
    contexts = []
    broken = []

    def _new_context(locale="en-US"):
        ctx = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
        )
        ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
        ctx.on(
            "response",
            lambda r: (
                broken.append(f"{r.status} {r.url}") if "/static/" in r.url and r.status >= 400 else None
            ),
        )
        contexts.append(ctx)
        return ctx

    yield _new_context
    for ctx in contexts:
        ctx.close()
    assert not broken, f"static files failed to load: {broken}"


@pytest.fixture
def context(new_context):
    """A fresh context per test, in English (the browser asks for en-US)."""
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


def log_in(page, username, password=DEMO_PASSWORD):
    """Log in through the login form; the page ends where the login sends it (home)."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.fixture
def login(page):
    """``login("hq")`` logs a demo user in on this test's page and returns the page."""

    def _login(username, password=DEMO_PASSWORD):
        return log_in(page, username, password)

    return _login
