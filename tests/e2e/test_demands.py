"""A demand's life in the browser: a representative raises it, HQ works it, the JV rates it."""

import re

import pytest
from playwright.sync_api import expect

from demands import demo as demands_demo
from tests.e2e.conftest import log_in
from tests.e2e.test_browser import NAV, VENTURE_NAMES, nav_click

pytestmark = pytest.mark.e2e

# Demo demand titles by venture key, to check what a representative may not see.
TITLES = {}
for row in demands_demo.STORIES:
    TITLES.setdefault(row[0], []).append(row[2])


def test_rep_raises_hq_resolves_rep_rates(new_context, tmp_path):
    rep = new_context().new_page()
    log_in(rep, "rep")
    nav_click(rep, "Demands")
    # rep serves at Otis and Siemens only: no other JV's demand is named, not even in a dropdown.
    html = rep.content()
    for key, titles in TITLES.items():
        if key not in ("otis", "siemens"):
            for title in titles:
                assert title not in html, title
    rep.get_by_role("link", name="Raise a demand").click()
    rep.select_option("select[name=jv]", label=VENTURE_NAMES["otis"][1])
    rep.fill("input[name=title]", "Help entering the Xiong'an elevator market")
    rep.fill("textarea[name=description]", "An introduction to the Xiong'an new area's builders.")
    rep.select_option("select[name=category]", value="market")
    rep.select_option("select[name=priority]", value="high")
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a brief\n")
    rep.set_input_files("input[name=attachment]", str(pdf))
    rep.get_by_role("button", name="Submit the demand").click()
    expect(rep.get_by_test_id("demand-title")).to_have_text("Help entering the Xiong'an elevator market")
    expect(rep.get_by_test_id("status")).to_have_text("Submitted")
    expect(rep.get_by_test_id("attachment")).to_have_text(re.compile("brief.pdf"))
    demand_url = rep.url

    # HQ, head of the JV Management Department that owns Otis, finds it in their queue.
    hq = new_context().new_page()
    log_in(hq, "hq")
    nav_click(hq, "Demands")
    hq.get_by_role("link", name="My queue").click()
    hq.get_by_role("link", name="Help entering the Xiong'an elevator market").click()
    hq.locator("[data-action=accept]").click()
    hq.fill("textarea[name=note]", "Received; we will arrange meetings.")
    hq.get_by_role("button", name="Accept").click()
    expect(hq.get_by_test_id("status")).to_have_text("Accepted")
    expect(hq.get_by_test_id("owner")).to_contain_text("王敏")
    # An internal note stays inside HQ: internal is the default, and sharing says so before sending.
    hq.fill("textarea[name=text]", "Internal: check with the strategy department first.")
    expect(hq.locator("input[name=visibility][value=internal]")).to_be_checked()
    expect(hq.get_by_test_id("share-warning")).to_be_hidden()
    hq.check("input[name=visibility][value=shared]")
    expect(hq.get_by_test_id("share-warning")).to_be_visible()
    expect(hq.get_by_role("button", name="Send to the representatives")).to_be_visible()
    hq.check("input[name=visibility][value=internal]")
    expect(hq.get_by_test_id("share-warning")).to_be_hidden()
    hq.get_by_role("button", name="Add internal comment").click()
    expect(hq.get_by_test_id("timeline")).to_contain_text("Internal: check with the strategy department")
    hq.locator("[data-action=resolve]").click()
    hq.get_by_role("button", name="Resolve").click()
    expect(hq.locator(".invalid-feedback, .text-danger").first).to_be_visible()  # the resolution is required
    hq.fill("textarea[name=note]", "Two meetings with Xiong'an builders were held.")
    hq.get_by_role("button", name="Resolve").click()
    expect(hq.get_by_test_id("status")).to_have_text("Resolved")

    # The representative is told, sees no internal note, and rates the resolution.
    rep.goto(demand_url)
    expect(rep.get_by_test_id("timeline")).not_to_contain_text("Internal: check with")
    expect(rep.get_by_test_id("rate-prompt")).to_be_visible()
    rep.get_by_role("link", name="Rate the resolution").first.click()
    rep.check("input[name=satisfaction][value='4']")
    rep.fill("textarea[name=comment]", "Useful meetings.")
    rep.get_by_role("button", name="Submit the rating").click()
    expect(rep.get_by_test_id("status")).to_have_text("Closed")
    expect(rep.get_by_test_id("satisfaction")).to_contain_text("4/5")
    expect(rep.locator(NAV).get_by_test_id("unread-count")).to_be_visible()
