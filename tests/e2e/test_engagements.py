"""High-level engagements in the browser: HQ records a leader's visit with a commitment and turns
the commitment into a demand; the JV's representative sees the demand and the visit, never HQ's
internal notes, and prints the pre-visit brief."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.test_browser import VENTURE_NAMES, nav_click

pytestmark = pytest.mark.e2e

NOTES = "The partner worries about the dividend policy (HQ only)."
SUMMARY = "Both sides reviewed the elevator modernisation market."


def test_record_a_visit_turn_its_commitment_into_a_demand_and_print_the_brief(new_context):
    otis = VENTURE_NAMES["otis"][1]
    today = timezone.localdate().isoformat()

    hq = new_context().new_page()
    log_in(hq, "hq")
    nav_click(hq, "Engagements")
    hq.get_by_test_id("record-engagement").click()
    hq.select_option("select[name=kind]", value="jv_visit")
    hq.select_option("select[name=status]", value="held")
    hq.fill("input[name=title]", "Chairman Zhao visits Otis Tianjin")
    hq.fill("input[name=starts_on]", today)
    hq.get_by_label(otis).check()
    hq.get_by_label("赵建国").check()
    hq.fill("textarea[name=summary]", SUMMARY)
    hq.fill("textarea[name=internal_notes]", NOTES)
    hq.get_by_role("button", name="Save").click()
    expect(hq.get_by_test_id("engagement-title")).to_have_text("Chairman Zhao visits Otis Tianjin")
    expect(hq.get_by_test_id("engagement-internal")).to_contain_text(NOTES)
    visit_url = hq.url

    hq.get_by_test_id("add-commitment").click()
    hq.fill("textarea[name=text]", "Connect the JV with the district housing bureau")
    hq.select_option("select[name=owner]", label="王敏")
    hq.fill("input[name=due_date]", today)
    hq.get_by_role("button", name="Save").click()
    commitment = hq.get_by_test_id("commitment").first
    expect(commitment).to_contain_text("Connect the JV with the district housing bureau")
    commitment.get_by_role("link", name="Turn into a demand").click()
    hq.select_option("select[name=category]", value="policy")
    hq.get_by_role("button", name="Raise the demand").click()
    expect(hq.get_by_test_id("demand-origin")).to_contain_text("A commitment made at an engagement")
    demand_url = hq.url

    # The JV's representative sees the demand, where it came from, and the visit without HQ's notes.
    rep = new_context().new_page()
    log_in(rep, "rep")
    rep.goto(demand_url)
    expect(rep.get_by_test_id("demand-origin")).to_contain_text("Chairman Zhao visits Otis Tianjin")
    rep.get_by_test_id("demand-origin").get_by_role("link").click()
    rep.wait_for_url(visit_url)
    expect(rep.get_by_test_id("engagement-summary")).to_contain_text(SUMMARY)
    expect(rep.get_by_test_id("commitment-demand")).to_be_visible()
    assert NOTES not in rep.content()
    expect(rep.get_by_test_id("engagement-internal")).to_have_count(0)

    # ... and prints the JV's pre-visit brief: an A4 document, without the buttons.
    rep.get_by_role("link", name=otis).first.click()
    rep.get_by_test_id("venture-brief-link").click()
    expect(rep.get_by_test_id("brief-title")).to_contain_text(otis)
    expect(rep.get_by_test_id("brief-contact")).to_contain_text("0 days since the last high-level contact")
    assert NOTES not in rep.content()
    rep.emulate_media(media="print")
    expect(rep.get_by_test_id("print")).to_be_hidden()
    expect(rep.get_by_test_id("brief-indicators")).to_be_visible()
    pdf = rep.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
