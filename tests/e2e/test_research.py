"""The annual research in the browser, as HQ, the JV's representative and leadership: HQ opens a
research, the representative answers the data request with a wish, HQ accepts the figures and
writes the research up, leadership accepts it; the representative never reads HQ's writing."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from research.models import AnnualResearch
from tests.e2e.conftest import log_in
from tests.e2e.test_browser import VENTURE_NAMES, nav_click

pytestmark = pytest.mark.e2e

FINDINGS = "Order book full until Q3; the partner plans a second line."


def test_open_answer_accept_write_up_and_accept(new_context):
    year = timezone.localdate().year
    shensteel = VENTURE_NAMES["shensteel"][1]

    # HQ opens this year's research on Shensteel by hand (the campaign covers operating JVs only).
    hq = new_context().new_page()
    log_in(hq, "hq")
    nav_click(hq, "Research")
    hq.get_by_role("link", name="Open a research").click()
    hq.select_option("select[name=jv]", label=shensteel)
    hq.fill("input[name=year]", str(year))
    hq.get_by_role("button", name="Open the research").click()
    expect(hq.get_by_test_id("research-title")).to_contain_text(shensteel)
    research_url = hq.url

    # The JV's representative sees the request on their home page and answers it.
    rep = new_context().new_page()
    log_in(rep, "rep5")
    owed = rep.get_by_test_id("home-data-returns")
    expect(owed).to_contain_text(shensteel)
    owed.get_by_role("link").first.click()
    for name, value in (
        ("revenue", "61000"),
        ("net_profit", "3100"),
        ("tax_paid", "2200"),
        ("dividends_declared", "900"),
        ("dividends_received", "450"),
        ("new_investment", "1500"),
        ("headcount", "480"),
    ):
        rep.fill(f"input[name={name}]", value)
    rep.fill("textarea[name=plans]", "Second switchgear line in 2027.")
    rep.fill("input[name=wishes-0-title]", "Help with land for the second line")
    rep.select_option("select[name=wishes-0-category]", value="land")
    rep.get_by_role("button", name="Save").click()
    expect(rep.get_by_test_id("wishes")).to_contain_text("Help with land for the second line")
    rep.get_by_role("link", name="Submit to HQ").click()
    rep.get_by_role("button", name="Submit to HQ").click()
    expect(rep.get_by_test_id("data-return")).to_contain_text("Submitted")
    # ... and raises their wish as a demand in one step.
    rep.get_by_role("link", name="Raise as a demand").click()
    rep.get_by_role("button", name="Raise the demand").click()
    expect(rep.get_by_test_id("demand-origin")).to_contain_text("Raised from the JV's data return")

    # HQ reviews the return: where the record for last year differs, it chooses figure by figure.
    hq.goto(research_url)
    hq.get_by_role("link", name="Review").click()
    hq.check("input[name=decision][value=accept]")
    for radio in hq.locator("input[type=radio][value=recorded]").all():
        radio.check()
    hq.get_by_role("button", name="Record the decision").click()
    expect(hq.get_by_test_id("data-return")).to_contain_text("Accepted")

    # HQ writes the research up and submits it.
    hq.locator("[data-action=start]").click()
    hq.get_by_role("button", name="Start the research").click()
    hq.get_by_role("link", name="Edit").first.click()
    hq.fill("textarea[name=findings]", FINDINGS)
    hq.get_by_role("button", name="Save").click()
    hq.get_by_role("link", name="Add a recommendation").click()
    hq.fill("textarea[name=text]", "Coordinate the land quota with Beichen district.")
    hq.get_by_role("button", name="Save").click()
    expect(hq.get_by_test_id("recommendations")).to_contain_text("Coordinate the land quota")
    hq.locator("[data-action=submit]").click()
    hq.get_by_role("button", name="Submit for acceptance").click()
    expect(hq.get_by_test_id("research-title")).to_be_visible()

    # Leadership accepts it.
    leader = new_context().new_page()
    log_in(leader, "leader")
    leader.goto(research_url)
    expect(leader.get_by_test_id("research-findings")).to_contain_text(FINDINGS)
    leader.locator("[data-action=accept]").click()
    leader.fill("textarea[name=comment]", "Agreed.")
    leader.get_by_role("button", name="Accept").click()
    research = AnnualResearch.objects.get(jv__name=VENTURE_NAMES["shensteel"][0], year=year)
    assert research.status == "accepted"

    # The representative reads the research's state, never HQ's findings or recommendations.
    rep.goto(research_url)
    expect(rep.locator("main")).to_contain_text("Accepted")
    expect(rep.locator("main")).not_to_contain_text(FINDINGS)
    expect(rep.locator("main")).not_to_contain_text("Coordinate the land quota")
