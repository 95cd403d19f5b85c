"""The governance loop in the browser: a representative registers a meeting and a proposal on a
reserved matter, HQ instructs, the representative votes otherwise and must explain, HQ is told."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from representatives.models import Meeting
from tests.e2e.conftest import log_in
from tests.e2e.test_browser import VENTURE_NAMES, nav_click

pytestmark = pytest.mark.e2e


def test_register_instruct_vote_and_flag_the_deviation(new_context):
    rep = new_context().new_page()
    log_in(rep, "rep")
    nav_click(rep, "Meetings")
    rep.get_by_role("link", name="Register a meeting").click()
    # rep serves at Otis and Siemens only: the dropdown offers nothing else.
    options = rep.locator("select[name=jv] option").all_inner_texts()
    assert sorted(o for o in options if o.strip("-")) == sorted(
        [VENTURE_NAMES["otis"][1], VENTURE_NAMES["siemens"][1]]
    )
    when = timezone.localtime() + datetime.timedelta(days=21)
    rep.select_option("select[name=jv]", label=VENTURE_NAMES["otis"][1])
    rep.select_option("select[name=kind]", value="board")
    rep.fill("input[name=title]", "Board meeting on the 2026 dividend")
    rep.fill("input[name=meeting_at]", when.strftime("%Y-%m-%dT10:00"))
    rep.fill("input[name=place]", "Tianjin")
    rep.get_by_role("button", name="Register and add proposals").click()

    # The proposal is on a reserved matter of Otis: the portal says HQ must instruct, and why.
    rep.fill("input[name=title]", "Distribute 40% of 2026 profit")
    rep.select_option("select[name=matter]", value="profit_distribution")
    # Choosing the reserved matter sets "HQ must instruct" at once, and the form says why.
    expect(rep.locator("input[name=decision][value=hq]")).to_be_checked()
    expect(rep.locator("input[name=decision][value=representative]")).to_be_disabled()
    expect(rep.get_by_test_id("reserved-note")).to_be_visible()
    rep.get_by_role("button", name="Save", exact=True).click()
    expect(rep.get_by_test_id("proposal-1")).to_contain_text("HQ must instruct")
    expect(rep.get_by_test_id("proposal-1")).to_contain_text("is a reserved matter of this joint venture")
    expect(rep.get_by_test_id("instruction-deadline")).to_be_visible()
    meeting_url = rep.url.split("#")[0]

    hq = new_context().new_page()
    log_in(hq, "hq")
    hq.goto(meeting_url)
    hq.get_by_role("link", name="Draft the instruction").click()
    hq.check("input[name=instruction_vote][value=against]")
    hq.fill("textarea[name=instruction_note]", "Against: keep the cash for the new line.")
    hq.get_by_test_id("issue").click()
    expect(hq.get_by_test_id("proposal-1")).to_contain_text("Issued")

    # The meeting takes place.
    meeting = Meeting.objects.get(title="Board meeting on the 2026 dividend")
    Meeting.objects.filter(pk=meeting.pk).update(meeting_at=timezone.now() - datetime.timedelta(hours=1))

    rep.goto(meeting_url)
    expect(rep.get_by_test_id("instruction")).to_contain_text("Against")
    rep.get_by_role("link", name="Record the vote").click()
    rep.check("input[name=vote_cast][value=for]")
    rep.check("input[name=outcome][value=passed]")
    rep.get_by_role("button", name="Record the vote").click()
    # Voting otherwise than instructed needs an explanation; nothing is saved without one.
    expect(rep.locator("textarea[name=deviation_explanation] ~ .invalid-feedback")).to_contain_text(
        "Explain why"
    )
    rep.fill("textarea[name=deviation_explanation]", "The partner agreed to fund the new line itself.")
    rep.get_by_role("button", name="Record the vote").click()
    expect(rep.get_by_test_id("vote")).to_contain_text("Differs from HQ's instruction")

    flagged = Notification.objects.filter(kind="representatives.vote_deviated", target_id=meeting.pk)
    assert "hq" in {n.recipient.username for n in flagged}
