"""Fixtures for the browser tests: one headless Chromium per session, a fresh context per test.

The tests drive Debian's Chromium (``/usr/bin/chromium``) through Playwright's sync API against
pytest-django's ``live_server``, with the demo portfolio (``seed_demo``) loaded in the test DB.
Never run ``playwright install``: the browser comes from the system.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM refuses to run in
# a thread with a running loop unless told it is safe (it is: the loop never touches the ORM).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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
def context(browser, live_server, demo_data):
    """A fresh browser context (cookies, storage) per test, in English unless a test says otherwise."""
    ctx = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900}
    )
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def login(page):
    """Log ``username`` in through the login form; returns the page, on the home page."""

    def _login(username, password=DEMO_PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return _login
