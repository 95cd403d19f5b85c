"""End-to-end walks through the portal in headless Chromium, one per demo role.

Each walk logs in through the login form and reaches its pages by clicking the top bar's links, as
a person would; URLs are typed only where a test is about typing one (a guessed JV page).
The data is the demo portfolio (``seed_demo``); names are taken from the demo modules.
"""

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from ventures import demo as ventures_demo
from ventures.models import JointVenture, Party, Shareholding

pytestmark = pytest.mark.e2e

# key -> (Chinese name, English name), from the demo portfolio.
VENTURE_NAMES = {row[0]: (row[1], row[2]) for row in ventures_demo.VENTURES}
PARTY_NAMES = {row[0]: (row[1], row[2]) for row in ventures_demo.PARTIES}
REP_VENTURES = ("otis", "siemens")
NAV = "nav.portal-nav"


def nav_click(page, label):
    """Click a link of the top bar; the page it opens must answer 200."""
    link = page.locator(NAV).get_by_role("link", name=label, exact=True)
    target = urljoin(page.url, link.get_attribute("href"))
    with page.expect_response(lambda r: r.url == target and r.request.is_navigation_request()) as info:
        link.click()
    response = info.value
    assert response.status == 200, f"{label!r} in the top bar: {response.url} answered {response.status}"
    page.wait_for_url(target)


def venture_pk(key):
    return JointVenture.objects.get(name=VENTURE_NAMES[key][0]).pk


def assert_no_names(page, keys, where):
    """Neither the page's text nor its HTML (hidden options included) names these JVs."""
    text = page.locator("body").inner_text()
    html = page.content()
    for key in keys:
        for name in VENTURE_NAMES[key]:
            assert name not in text, f"{where}: the page shows {name!r}"
            assert name not in html, f"{where}: the page's HTML holds {name!r}"


def test_hq_edits_a_venture_and_cannot_exceed_100_percent(login):
    page = login("hq")
    otis_cn, otis_en = VENTURE_NAMES["otis"]

    nav_click(page, "Joint ventures")
    expect(page).to_have_url(re.compile(r"/ventures/$"))
    page.get_by_test_id("filter-form").locator("input[name=q]").fill("Otis")
    page.get_by_test_id("filter-form").get_by_role("button", name="Filter").click()
    rows = page.get_by_test_id("venture-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=otis_en).click()

    # In English, the English name.
    expect(page.get_by_test_id("venture-name")).to_have_text(otis_en)
    shareholders = page.get_by_test_id("shareholdings")
    expect(shareholders.locator("tbody tr")).to_have_count(2)
    expect(shareholders).to_contain_text(PARTY_NAMES["otis"][1])
    expect(shareholders).to_contain_text(PARTY_NAMES["equipment"][1])
    expect(page.get_by_test_id("group-stake")).to_have_text("40%")

    # Edit the English name; the change shows in the History section.
    # The page's own Edit button, in its heading (the shareholder rows have Edit links too).
    heading = page.locator("main > div").filter(has=page.get_by_test_id("venture-name"))
    heading.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(r"/ventures/\d+/edit/$"))
    new_name = "Otis Elevator (Tianjin) Co., Ltd. [e2e]"
    expect(page.locator("input[name=name_en]")).to_have_value(otis_en)
    page.fill("input[name=name_en]", new_name)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/ventures/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("The joint venture was saved.")
    history = page.locator("#history")
    expect(history).to_contain_text(new_name)
    expect(history.locator("del").filter(has_text=otis_en)).to_have_count(1)
    assert JointVenture.objects.get(name=otis_cn).name_en == new_name

    # A shareholding that would take the total to 101% is refused on the percentage field.
    before = list(Shareholding.objects.filter(jv__name=otis_cn).values_list("pk", "percentage"))
    page.get_by_role("link", name="Add shareholder").click()
    expect(page).to_have_url(re.compile(r"/shareholdings/new/$"))
    group = Party.objects.get(name=PARTY_NAMES["group"][0])
    page.select_option("select[name=party]", str(group.pk))
    page.fill("input[name=percentage]", "1")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/shareholdings/new/$"))
    expect(page.locator("input[name=percentage]")).to_have_class(re.compile(r"\bis-invalid\b"))
    field_error = page.locator("input[name=percentage] ~ .invalid-feedback")
    expect(field_error).to_contain_text("101")
    expect(field_error).to_contain_text("at most 0% is still free")
    expect(page.get_by_test_id("form-errors")).to_contain_text("Nothing was saved")
    after = list(Shareholding.objects.filter(jv__name=otis_cn).values_list("pk", "percentage"))
    assert after == before

    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_test_id("shareholdings").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("group-stake")).to_have_text("40%")


def test_leader_sees_the_portfolio_but_cannot_edit(login):
    # Leadership lands on the portfolio page; its figures open the lists that count them.
    page = login("leader")
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    expect(page.get_by_test_id("approval")).to_contain_text("Instructions awaiting leadership approval")
    total = page.get_by_role("heading", name=re.compile(r"^Joint ventures: \d+$")).get_by_test_id("figure")
    expect(total).to_have_text(str(len(VENTURE_NAMES)))
    expect(page.locator("canvas[data-chart]")).to_have_count(5)
    overdue = page.get_by_test_id("demand-figures").get_by_test_id("figure").nth(1)
    count = int(overdue.inner_text())
    overdue.click()
    expect(page).to_have_url(re.compile(r"/demands/\?due=overdue$"))
    expect(page.get_by_test_id("demand-table").locator("tbody tr")).to_have_count(count)
    page.go_back()

    nav_click(page, "Joint ventures")
    expect(page.get_by_role("link", name="New joint venture")).to_have_count(0)
    expect(page.get_by_test_id("venture-table").locator("tbody tr")).to_have_count(len(VENTURE_NAMES))
    siemens_en = VENTURE_NAMES["siemens"][1]
    page.get_by_test_id("venture-table").get_by_role("link", name=siemens_en).click()
    expect(page.get_by_test_id("venture-name")).to_have_text(siemens_en)
    expect(page.get_by_test_id("shareholdings")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Add shareholder")).to_have_count(0)
    expect(page.get_by_role("link", name="Remove")).to_have_count(0)


def test_rep_sees_only_their_two_ventures(login):
    page = login("rep")
    others = [key for key in VENTURE_NAMES if key not in REP_VENTURES]
    mine_en = sorted(VENTURE_NAMES[key][1] for key in REP_VENTURES)

    expect(page.get_by_role("heading", name="My joint ventures")).to_be_visible()
    cards = page.get_by_test_id("my-ventures").locator(".card")
    expect(cards).to_have_count(2)
    assert sorted(cards.locator("h3").all_inner_texts()) == mine_en
    assert_no_names(page, others, "home")

    nav_click(page, "Joint ventures")
    rows = page.get_by_test_id("venture-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    shown = sorted(rows.locator("td:first-child a").all_inner_texts())
    assert shown == mine_en
    assert_no_names(page, others, "JV list")

    nav_click(page, "Shareholders")
    expect(page.get_by_test_id("party-table")).to_be_visible()
    assert_no_names(page, others, "shareholder list")

    nav_click(page, "Representatives")
    expect(page.get_by_test_id("representative-table")).to_be_visible()
    assert_no_names(page, others, "representative list")

    # A guessed URL of another JV's page is a 404 that names nothing.
    response = page.goto(f"/ventures/{venture_pk('prysmian')}/")
    assert response.status == 404
    assert_no_names(page, others, "404 page")
    response = page.goto(f"/ventures/{venture_pk('otis')}/")
    assert response.status == 200


def test_rep2_never_sees_the_venture_they_left(login):
    page = login("rep2")
    left = "shensteel"
    schneider_cn, schneider_en = PARTY_NAMES["schneider"]

    expect(page.get_by_test_id("my-ventures").locator(".card")).to_have_count(1)
    assert_no_names(page, [left], "home")

    nav_click(page, "Joint ventures")
    expect(page.get_by_test_id("venture-table").locator("tbody tr")).to_have_count(1)
    assert_no_names(page, [left], "JV list")
    page.get_by_test_id("filter-form").locator("input[name=q]").fill("申钢")
    page.get_by_test_id("filter-form").get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No joint venture matches these filters.")).to_be_visible()

    nav_click(page, "Shareholders")
    assert_no_names(page, [left], "shareholder list")
    # The partner that holds shares only in that JV is not shown either.
    expect(page.get_by_test_id("party-table")).not_to_contain_text(schneider_en)
    expect(page.get_by_test_id("party-table")).not_to_contain_text(schneider_cn)

    nav_click(page, "Representatives")
    assert_no_names(page, [left], "representative list")
    own = page.get_by_test_id("representative-table").get_by_role("link", name=re.compile("张伟|Zhang Wei"))
    own.click()
    expect(page.get_by_role("heading", name="Zhang Wei")).to_be_visible()
    expect(page.get_by_test_id("appointments").locator("tbody tr")).to_have_count(1)
    assert_no_names(page, [left], "own representative page")

    response = page.goto(f"/ventures/{venture_pk(left)}/")
    assert response.status == 404
    assert_no_names(page, [left], "404 page")


def test_language_switcher(new_context):
    # A browser that asks for Chinese, so that switching to English changes something.
    page = log_in(new_context(locale="zh-CN").new_page(), "hq")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    switcher = page.get_by_test_id("language-switcher")
    switcher.get_by_role("button", name="语言").click()
    with page.expect_navigation():
        switcher.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(NAV).get_by_role("link", name="Joint ventures", exact=True)).to_be_visible()

    # The choice sticks to the user: the next page is in English too, though the browser asks
    # for Chinese.
    nav_click(page, "Joint ventures")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Joint ventures")).to_be_visible()

    switcher.get_by_role("button", name="Language").click()
    with page.expect_navigation():
        switcher.get_by_role("button", name="中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/ventures/$"))
    # Data is not translated: the JV list shows the Chinese names.
    expect(page.get_by_test_id("venture-table")).to_contain_text(VENTURE_NAMES["otis"][0])
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_admin_reaches_the_venture_admin_and_import(login):
    page = login("admin")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Administration").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.locator("#content-main").get_by_role("link", name="Joint ventures", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/ventures/jointventure/$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(len(VENTURE_NAMES))
    expect(page.locator("#result_list")).to_contain_text(VENTURE_NAMES["otis"][0])

    page.get_by_role("link", name="Import", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/ventures/jointventure/import/$"))
    expect(page.locator("input[type=file]")).to_have_count(1)
    expect(page.get_by_role("button", name="Submit")).to_be_visible()


def test_hq_appoints_a_representative_who_sees_it_in_the_bell(new_context):
    """HQ records an appointment; the representative's bell counts it and opening it leads to the JV."""
    rep_page = new_context().new_page()
    log_in(rep_page, "rep6")
    # The demo's demands have told rep6 a few things already; the appointment adds one.
    badge = rep_page.get_by_test_id("unread-count")
    before = int(badge.inner_text()) if badge.count() else 0

    hq_page = new_context().new_page()
    log_in(hq_page, "hq")
    nav_click(hq_page, "Representatives")
    hq_page.get_by_role("link", name="Zhou Ting").click()
    hq_page.get_by_role("link", name="Add appointment").click()
    hq_page.select_option("select[name=jv]", label=VENTURE_NAMES["daqiao"][1])
    hq_page.select_option("select[name=role]", value="director")
    hq_page.fill("input[name=start_date]", "2026-11-01")
    hq_page.get_by_role("button", name="Save").click()
    expect(hq_page.get_by_text("The appointment was added.")).to_be_visible()

    rep_page.reload()
    expect(rep_page.get_by_test_id("unread-count")).to_have_text(str(before + 1))
    rep_page.get_by_test_id("bell").click()
    # The newest notification comes first.
    item = rep_page.get_by_test_id("notification-list").get_by_role("button").first
    expect(item).to_contain_text(VENTURE_NAMES["daqiao"][1])
    item.click()
    expect(rep_page.get_by_test_id("venture-name")).to_have_text(VENTURE_NAMES["daqiao"][1])
    if before:
        expect(rep_page.get_by_test_id("unread-count")).to_have_text(str(before))
    else:
        expect(rep_page.get_by_test_id("unread-count")).to_have_count(0)
