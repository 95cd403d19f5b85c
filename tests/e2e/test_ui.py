"""The portal on a phone, from the keyboard and on paper, in headless Chromium.

Phone: at 375 px no list squeezes a column to a character or two, and no page scrolls sideways
(a wide table scrolls inside its own wrapper). Keyboard: the skip link is the first Tab stop, the
language menu switches only when asked, the live search answers typing and an input method's
committed word without Enter, and Back to a search restores the whole page. Print: the page
prints without the portal around it.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from ventures import demo as ventures_demo
from ventures.models import JointVenture

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
VENTURE_NAMES = {row[0]: (row[1], row[2]) for row in ventures_demo.VENTURES}
# The lists a phone user reaches, with their table (None: not a table).
LISTS = [
    ("/ventures/", "venture-table"),
    ("/ventures/parties/", "party-table"),
    ("/representatives/", "representative-table"),
    ("/representatives/meetings/", "meeting-table"),
    ("/representatives/reports/", "report-table"),
    ("/representatives/evaluations/", "evaluation-table"),
    ("/representatives/instructions/", "instruction-queue"),
    ("/demands/", "demand-table"),
    ("/demands/reports/", "report-table"),
    ("/notifications/", None),
]
# A column this narrow holds one Chinese character a line (16 px each, 8 px padding either side).
MIN_CELL_PX = 40


@pytest.fixture
def phone(new_context):
    """A logged-in HQ page on a phone-sized screen, in Chinese (the narrowest words are CJK)."""
    context = new_context(locale="zh-CN")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    return log_in(page, "hq")


def _page_width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_lists_stay_readable_at_375_px(phone):
    page = phone
    for url, table in LISTS:
        page.goto(url)
        assert _page_width(page) <= PHONE["width"], f"{url} scrolls sideways as a whole"
        if table is None:
            continue
        rows = page.get_by_test_id(table).locator("tbody tr")
        assert rows.count() > 0, f"{url}: the demo should fill {table}"
        widths = rows.first.locator("td").evaluate_all(
            "cells => cells.map(c => c.getBoundingClientRect().width)"
        )
        assert min(widths) >= MIN_CELL_PX, (
            f"{url}: a cell of the first row is {min(widths):.0f}px wide: {widths}"
        )

    page.goto("/ventures/")
    first = page.get_by_test_id("venture-table").locator("tbody tr td").first
    assert first.bounding_box()["width"] > 150
    wrapper = page.locator(".table-responsive").filter(has=page.get_by_test_id("venture-table"))
    assert wrapper.evaluate("w => w.scrollWidth > w.clientWidth"), "the JV table should scroll in its wrapper"


def test_top_bar_collapses_at_375_px(phone):
    page = phone
    nav = page.locator("nav.portal-nav")
    link = nav.get_by_role("link", name="合资企业", exact=True)
    expect(link).to_be_hidden()
    nav.get_by_role("button", name="菜单").click()
    expect(link).to_be_visible()
    expect(page.get_by_test_id("bell")).to_be_visible()
    # The menus of the collapsed bar open on the screen, not off its left edge.
    page.get_by_test_id("user-menu").click()
    menu = page.locator(".dropdown-menu.show")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    link.click()
    expect(page).to_have_url(re.compile(r"/ventures/$"))


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(login):
    page = login("hq")
    page.goto("/ventures/")
    skip = page.get_by_role("link", name="Skip to content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # hidden until focused, then shown
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    # The next Tab stop is inside the page's content, past the top bar.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_language_menu_moves_with_arrows_and_switches_only_on_enter(new_context):
    page = log_in(new_context(locale="zh-CN").new_page(), "hq")
    page.goto("/ventures/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    navigations = []
    page.on(
        "framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None
    )

    toggle = page.get_by_test_id("language-switcher").get_by_role("button", name="语言")
    toggle.focus()
    page.keyboard.press("ArrowDown")  # opens the menu on its first language
    english = page.get_by_test_id("language-switcher").get_by_role("button", name="English", exact=True)
    chinese = page.get_by_test_id("language-switcher").get_by_role("button", name="中文", exact=True)
    expect(chinese).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(english).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    expect(english).to_be_focused()
    page.wait_for_timeout(300)
    assert navigations == []
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # Escape closes the menu on the toggle; nothing changed.
    page.keyboard.press("Escape")
    expect(toggle).to_be_focused()
    expect(english).to_be_hidden()

    # Enter on a language switches, and returns to the page it was on.
    toggle.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/ventures/$"))


def test_live_search_answers_typing_without_enter(login):
    page = login("hq")
    page.goto("/ventures/")
    search = page.get_by_test_id("filter-form").locator("input[name=q]")
    rows = page.get_by_test_id("venture-table").locator("tbody tr")
    expect(rows).to_have_count(len(VENTURE_NAMES))
    otis = VENTURE_NAMES["otis"][1]  # the English page names the JV in English

    search.click()
    page.keyboard.type("Otis", delay=50)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(otis)
    # The field keeps the focus, the text and the caret while the results change under it.
    expect(search).to_be_focused()
    expect(search).to_have_value("Otis")
    assert search.evaluate("i => i.selectionStart") == 4
    expect(page).to_have_url(re.compile(r"[?&]q=Otis"))

    # Clearing the field brings every row back.
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    expect(rows).to_have_count(len(VENTURE_NAMES))


def test_the_export_downloads_what_a_live_search_shows(login):
    """The export buttons sit outside the results htmx swaps: they follow the address."""
    page = login("hq")
    page.goto("/ventures/")
    rows = page.get_by_test_id("venture-table").locator("tbody tr")
    page.get_by_test_id("filter-form").locator("input[name=q]").click()
    page.keyboard.type("Otis", delay=50)
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]q=Otis"))
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    lines = [line for line in text.splitlines() if line]
    assert len(lines) == 2, lines  # the header and Otis
    assert VENTURE_NAMES["otis"][1] in lines[1]  # in English, the English name


def test_live_search_waits_for_the_input_methods_committed_word(login):
    """Pinyin being composed is not searched for; the committed characters are (no keyup fires)."""
    page = login("hq")
    page.goto("/ventures/")
    search = page.get_by_test_id("filter-form").locator("input[name=q]")
    rows = page.get_by_test_id("venture-table").locator("tbody tr")
    searched = []
    page.on("request", lambda r: searched.append(r.url) if "q=" in r.url else None)

    search.click()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": "aodisi", "selectionStart": 6, "selectionEnd": 6})
    page.wait_for_timeout(800)  # longer than the search's debounce
    assert searched == [], "the live search asked for the pinyin being composed"
    with page.expect_response(lambda r: "q=" in r.url):
        cdp.send("Input.insertText", {"text": "奥的斯"})
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(VENTURE_NAMES["otis"][1])
    expect(search).to_be_focused()
    assert len(searched) == 1, searched


def test_back_to_a_search_htmx_no_longer_holds_restores_the_whole_page(login):
    """htmx asks the server for a page missing from its history cache; the answer is the page."""
    page = login("hq")
    page.goto("/ventures/")
    search = page.get_by_test_id("filter-form").locator("input[name=q]")
    search.click()
    page.keyboard.type("Otis")
    page.wait_for_url(re.compile(r"q=Otis"))
    page.keyboard.press("Control+A")
    page.keyboard.type("Siemens")
    page.wait_for_url(re.compile(r"q=Siemens"))
    page.evaluate("() => sessionStorage.removeItem('htmx-history-cache')")

    with page.expect_response(lambda r: r.request.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    expect(page).to_have_url(re.compile(r"q=Otis"))
    # The address changes before the answer is swapped in: wait for Otis (the Siemens search also
    # had one row), or the typing below lands in the page about to be replaced.
    expect(page.get_by_test_id("venture-table")).to_contain_text(VENTURE_NAMES["otis"][1])
    expect(page.get_by_test_id("venture-table").locator("tbody tr")).to_have_count(1)
    expect(page.locator("nav.portal-nav")).to_have_count(1)
    expect(page.get_by_test_id("filter-form")).to_have_count(1)
    # The restored page searches as before.
    search.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Prysmian")
    expect(page.get_by_test_id("venture-table")).to_contain_text(VENTURE_NAMES["prysmian"][1])


def test_print_shows_the_record_without_the_portal_around_it(login):
    page = login("hq")
    otis = JointVenture.objects.get(name=VENTURE_NAMES["otis"][0])
    page.goto(otis.get_absolute_url())
    print_button = page.get_by_test_id("print")
    expect(print_button).to_be_visible()
    # The button calls window.print() from portal.js (stubbed: headless Chromium has no dialog).
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1 } }")
    print_button.click()
    assert page.evaluate("window.printed") == 1

    page.emulate_media(media="print")
    expect(page.get_by_test_id("venture-name")).to_be_visible()
    expect(page.get_by_test_id("shareholdings")).to_be_visible()
    expect(page.locator(".print-header")).to_be_visible()
    expect(page.locator(".print-header")).to_contain_text("As of")
    expect(page.locator("nav.portal-nav")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.locator(".breadcrumb")).to_be_hidden()
    expect(page.get_by_test_id("language-switcher")).to_be_hidden()
    expect(page.get_by_test_id("bell")).to_be_hidden()
    visible_controls = (
        page.locator("main")
        .locator(".btn, button, form")
        .evaluate_all(
            "els => els.filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))"
        )
    )
    assert visible_controls == []
    shadows = page.locator(".card").evaluate_all("cards => cards.map(c => getComputedStyle(c).boxShadow)")
    assert set(shadows) == {"none"}

    page.emulate_media(media="screen")
    expect(page.locator("nav.portal-nav")).to_be_visible()
    expect(page.locator(".print-header")).to_be_hidden()
