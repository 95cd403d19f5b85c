"""The search box in the browser: typed in the top bar, Enter, a result opened; the results page's
own box refreshing the results as one types; a representative finding nothing of another JV."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import NAV, VENTURE_NAMES

pytestmark = pytest.mark.e2e


def test_type_in_the_top_bar_and_open_a_result(login):
    page = login("hq")
    otis = VENTURE_NAMES["otis"][1]
    box = page.locator(NAV).get_by_role("searchbox", name="Search")
    box.fill("Otis")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Otis$"))
    ventures = page.get_by_test_id("search-group-ventures")
    expect(ventures).to_contain_text(otis)
    # The top bar keeps the text, for a second try.
    expect(box).to_have_value("Otis")
    ventures.get_by_role("link", name=otis).click()
    page.wait_for_url(re.compile(r"/ventures/\d+/$"))
    expect(page.locator("h1")).to_contain_text(otis)


def test_the_results_refresh_as_one_types(login):
    page = login("hq")
    page.goto("/search/")
    expect(page.get_by_test_id("search-empty")).to_be_visible()
    page.locator("#search-page-q").press_sequentially("电梯", delay=50)
    expect(page.get_by_test_id("search-group-demands")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    page.locator("#search-page-q").fill("电")
    expect(page.get_by_test_id("search-too-short")).to_be_visible()


def test_a_representative_finds_nothing_of_another_venture(login):
    # rep serves at Otis and Siemens only; Lincoln's JV is someone else's.
    page = login("rep")
    lincoln_zh, lincoln_en = VENTURE_NAMES["daqiao"]
    box = page.locator(NAV).get_by_role("searchbox", name="Search")
    box.fill("Lincoln")
    box.press("Enter")
    expect(page.get_by_test_id("search-none")).to_be_visible()
    assert lincoln_en not in page.content() and lincoln_zh not in page.content()


def test_the_top_bar_box_works_without_javascript(browser, live_server, demo_data):
    """Enter in the box is a plain GET form: no htmx, no script needed."""
    from tests.e2e.conftest import log_in

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = log_in(context.new_page(), "hq")
        box = page.locator(NAV).locator("input[name=q]")
        box.fill("地铁11号线")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        hit = page.get_by_test_id("search-group-demands").get_by_test_id("search-hit")
        expect(hit).to_have_count(1)
        hit.get_by_role("link").click()
        page.wait_for_url(re.compile(r"/demands/\d+/$"))
    finally:
        context.close()
