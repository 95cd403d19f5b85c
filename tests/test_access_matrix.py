"""The access matrix: every URL of the portal, for every role, on an own and someone else's object.

``REGISTRY`` names each URL pattern of the project (the admin and the auth pages aside, which
``tests/accounts/test_auth.py`` covers) with how to build its arguments for an object the
representative can see ("own") and one they cannot ("other"). A new URL that is not added here
fails ``test_every_url_is_in_the_matrix``.

The notifications pages belong to whoever is logged in, whatever their role: there "own" is the
viewer's own notification and "other" someone else's, which is a 404 for everybody.

The demands pages follow rules of their own (a representative raises demands and works on their
JV's; leadership routes but takes no handler action): their ``Spec`` states each role's outcome
in ``expected``, and ``test_demand_posts`` (not the generic ``test_post``) proves that a refused
POST changes nothing.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.roles import Role
from core.services import save_with_history
from core.uploads import check_upload
from demands import services as demand_services
from demands.models import Demand, DemandAttachment, DemandUpdate
from notifications import kinds
from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from representatives import notices
from representatives import services as rep_services
from representatives.choices import ReportKind
from representatives.models import (
    Appointment,
    Evaluation,
    Meeting,
    MeetingAttachment,
    Proposal,
    Report,
    ReportAttachment,
    ReportEntry,
)
from tests import factories as f
from tests.downloads import body, xlsx_workbook
from tests.engagements.builders import HIDDEN_ENGAGEMENT, engagement_world
from tests.helpers import (
    db_snapshot,
    form_data,
    indicators_post_data,
    rendered_form_data,
    totp_code,
    two_factor_enrol,
    venture_post_data,
)
from tests.research.builders import HIDDEN_RESEARCH, INTERNAL_OWN, research_world
from ventures.models import Shareholding

DENIED = frozenset({403, 404})


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Demand attachments land in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


# Public or login-only pages with no object behind them; tested in tests/accounts/test_auth.py.
AUTH_URLS = {"login", "logout", "password_change", "password_change_done", "accounts:language"}
# Open to anyone by design, holding no record (tests/notifications/test_health.py).
AUTH_URLS |= {"health"}


# Pages about a second factor the viewer has not set up: every role is led on.
TWO_FACTOR_ON_ONLY = dict.fromkeys(["nobody", "rep", "leader", "hq", "admin"], 302)


@dataclass(frozen=True)
class Spec:
    """How to reach one URL and what kind of page it is.

    ``kind`` is "list" (a list or the home page), "create" (a form for a new top-level object,
    no object in the URL), "read" (an object's page), "edit" (a form or confirmation that
    changes an object, or adds a row under it), "self" (a page about the viewer's own things,
    no object in the URL) or "mine" (one of the viewer's own rows: ``own`` and ``other`` then
    take the viewer's inbox, see ``_inbox``).
    """

    kind: str
    own: Callable[[dict], dict] | None = None
    other: Callable[[dict], dict] | None = None
    # For lists: how many rows each role sees (``portfolio`` has 2 JVs, 3 parties, 2 representatives).
    rows: dict | None = None
    count: Callable | None = None
    # A page that only changes something: a GET is 405 for everyone logged in.
    post_only: bool = False
    # The page shows the viewer's notifications: give the viewer some, and someone else one.
    inbox: bool = False
    # URL arguments that name no object (an export's format).
    kwargs: dict | None = None
    # Rows the page needs, built from the portfolio before the request (idempotent).
    setup: Callable[[dict], object] | None = None
    # What each role gets, where the app's rules differ from ``EXPECTED``'s by kind: role ->
    # status (no object) or (own, other).
    expected: dict | None = None
    # False where the generic ``test_post`` cannot build the POST; a test of the app's own must
    # then prove that a refused POST changes nothing (see ``test_demand_posts``).
    generic_post: bool = True
    # A query string the page is opened with (the search page's text).
    query: dict | None = None


def _object_list_count(response):
    return len(response.context["object_list"])


def _csv_rows(response):
    """The number of data rows of a CSV export."""
    return len(list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))) - 1


def _home_count(response):
    """The JVs the home page counts; leadership's home is the portfolio page."""
    if "figures" in response.context:
        return _portfolio_count(response)
    return response.context["summary"]["total"]


def _portfolio_count(response):
    return response.context["figures"]["ventures"]["total"].value


def _search_ventures(response):
    """The JVs the search page found."""
    groups = {group.code: group.hits for group in response.context["results"].groups}
    return len(groups.get("ventures", []))


def _search_world(portfolio):
    """Every kind of record in both JVs, for the search page to find or not."""
    _demands(portfolio)
    _governance(portfolio)
    research_world(portfolio)
    engagement_world(portfolio)


def _venture(key):
    return lambda p: {"pk": p[key].pk}


def _venture_child(venture_key, child):
    return lambda p: {"venture_pk": p[venture_key].pk, "pk": child(p).pk}


def _inbox(portfolio, user) -> dict:
    """Two notifications for the viewer (one read), and one for ``other_rep``, who is never the viewer."""

    def tell(recipient, key):
        notify(recipient=recipient, kind=notices.APPOINTMENT_MADE.code, key=key, url="/")
        return Notification.objects.get(key=key)

    other = tell(portfolio["other_rep"], "matrix:other")
    if user is None:
        return {"own": other, "other": other}
    own = tell(user, "matrix:own")
    read = tell(user, "matrix:read")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    return {"own": own, "other": other}


EVERY_ROLE_SEES_TWO = {"nobody": 2, "rep": 2, "leader": 2, "hq": 2, "admin": 2}


# --- Demands -------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% an attachment of the access matrix\n"
HIDDEN_DEMAND_TITLES = ["他方需求 Hidden Demand", "他方已解决 Hidden Resolved"]


def _pdf(name="brief.pdf"):
    return check_upload(SimpleUploadedFile(name, PDF, content_type="application/pdf"))


def _demands(portfolio) -> dict:
    """In each JV an open demand and a resolved one, raised by its representative with a file.

    The open ones have neither a department nor an owner, so every member of HQ handles them,
    ``hq`` too (who has no department); the resolved ones were accepted (and so taken) and
    resolved by another member of HQ.
    """
    if "demands" in portfolio:
        return portfolio["demands"]
    handler = f.make_user(Role.HQ_STAFF, username="matrix_handler")
    titles = {
        "own": "本方需求 Own Demand",
        "own_resolved": "本方已解决 Own Resolved",
        "other": HIDDEN_DEMAND_TITLES[0],
        "other_resolved": HIDDEN_DEMAND_TITLES[1],
    }
    made = {}
    for key, title in titles.items():
        jv = key.removesuffix("_resolved")
        raiser = portfolio["rep"] if jv == "own" else portfolio["other_rep"]
        demand = f.make_demand(portfolio[jv], raiser, title=title, attachment=_pdf())
        Demand.objects.filter(pk=demand.pk).update(department=None)
        if key.endswith("_resolved"):
            for action, note in (("accept", ""), ("resolve", "Done.")):
                demand_services.demand_transition(demand=demand, action=action, actor=handler, note=note)
        made[key] = Demand.objects.get(pk=demand.pk)
        made[f"{key}_file"] = DemandAttachment.objects.get(demand=demand)
    portfolio["demands"] = made
    return made


def _demand(key, **extra):
    return lambda p: {"pk": _demands(p)[key].pk, **extra}


def _demand_attachment(key):
    return lambda p: {"pk": _demands(p)[key].pk, "attachment_pk": _demands(p)[f"{key}_file"].pk}


def _report_count(response):
    total = response.context["report"]["total"]
    return total.count if total else 0


def _csv_count(response):
    """The number of demands on the export's last line (the total), 0 for an empty export."""
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    return int(rows[-1][1]) if len(rows) > 1 else 0


# Two demands in each JV: the representative sees their JV's two.
DEMAND_ROWS = {"nobody": 0, "rep": 2, "leader": 4, "hq": 4, "admin": 4}
# The demands rules (demands/permissions.py, demands/workflow.py). Nobody sees no demand, so every
# demand page is a 404 for them: the demand is looked up before any rule applies.
DEMAND_CREATE = {"nobody": 403, "rep": 200, "leader": 403, "hq": 200, "admin": 200}
# The raiser while the demand is submitted, and the handlers.
DEMAND_EDIT = {
    "nobody": (404, 404),
    "rep": (200, 404),
    "leader": (403, 403),
    "hq": (200, 200),
    "admin": (200, 200),
}
# The handlers and leadership (escalations reach them).
DEMAND_ROUTE = {**DEMAND_EDIT, "rep": (403, 404), "leader": (200, 200)}
# Accept, hold, resolve, reject: the handlers only.
DEMAND_HANDLER_ACTION = {**DEMAND_EDIT, "rep": (403, 404)}
# The JV side rates: HQ, leadership and the admin do not.
DEMAND_RATE = {**DEMAND_EDIT, "hq": (403, 403), "admin": (403, 403)}
# A POST from the detail page: a GET is refused by method, once the demand is found.
DEMAND_COMMENT = {
    "nobody": (404, 404),
    "rep": (405, 404),
    "leader": (405, 405),
    "hq": (405, 405),
    "admin": (405, 405),
}


# --- The governance loop, reports and evaluations ------------------------------------------------

# Titles, file names and texts only their own representative (and HQ) may ever read.
HIDDEN_GOVERNANCE = [
    "他方董事会 Hidden Board Meeting",
    "他方已开会议 Hidden Begun Meeting",
    "他方议案 Hidden Proposal",
    "hidden-materials.pdf",
    "他方重大事项 Hidden Major Report",
    "hidden-annex.pdf",
    "他方评价 Hidden Evaluation",
    "同事重大事项 Colleague Major Report",
    "colleague-annex.pdf",
    "同事评价 Colleague Evaluation",
    # The representative's own evaluation while HQ drafts it.
    "本人草稿评价 Own Draft Evaluation",
]
GOVERNANCE_OWNERS = ("own", "other", "colleague")


def _meeting_ahead(user, jv, title, files_name):
    """A board meeting a month ahead, registered by its attending representative with materials."""
    when = (timezone.localtime() + datetime.timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return rep_services.meeting_register(
        actor=user,
        data={
            "jv": jv,
            "kind": "board",
            "title": title,
            "meeting_at": when,
            "place": "",
            "representative": user.representative_profile,
            "short_notice": False,
            "short_notice_reason": "",
        },
        materials=_pdf(files_name),
    )


def _proposal(meeting, user, title, decision):
    return rep_services.proposal_add(
        meeting=meeting,
        actor=user,
        data={
            "title": title,
            "description": "",
            "matter": "",
            "decision": decision,
            "decision_reason": "HQ decides." if decision == "hq" else "",
        },
    )


def _governance(portfolio) -> dict:
    """Meetings, reports and evaluations of ``rep`` ("own"), of ``other_rep`` ("other") and of a
    colleague who serves in ``rep``'s JV ("colleague").

    In each JV: a meeting ahead, attended by its representative, with materials and three
    proposals (one the representative decides, one waiting for HQ, a major one awaiting
    leadership's approval); and a meeting that has begun, whose one proposal is voted. Each
    representative has a draft annual report with a file, a submitted major-matter report, an
    evaluation published; ``rep`` and ``other_rep`` also have one HQ still drafts.
    """
    if "governance" in portfolio:
        return portfolio["governance"]
    instructor = f.make_user(Role.HQ_STAFF, username="matrix_instructor")
    colleague = f.make_representative_user(portfolio["own"], username="colleague")
    portfolio["colleague"] = colleague
    seats = {
        "own": (portfolio["rep"], portfolio["own_appointment"]),
        "other": (portfolio["other_rep"], portfolio["other_appointment"]),
        "colleague": (colleague, colleague.representative_profile.appointments.get()),
    }
    made = {"meetings": {}, "proposals": {}, "files": {}, "reports": {}, "evaluations": {}}
    meeting_titles = {
        "own": ("本方董事会 Own Board Meeting", "本方已开会议 Own Begun Meeting"),
        "other": (HIDDEN_GOVERNANCE[0], HIDDEN_GOVERNANCE[1]),
    }
    for key in ("own", "other"):
        user, _appointment = seats[key]
        ahead_title, begun_title = meeting_titles[key]
        files_name = "own-materials.pdf" if key == "own" else HIDDEN_GOVERNANCE[3]
        meeting = _meeting_ahead(user, portfolio[key], ahead_title, files_name)
        proposal_title = "本方议案 Own Proposal" if key == "own" else HIDDEN_GOVERNANCE[2]
        ordinary = _proposal(meeting, user, proposal_title, "representative")
        pending = _proposal(meeting, user, f"{proposal_title} 2", "hq")
        major = _proposal(meeting, user, f"{proposal_title} 3", "hq")
        rep_services.instruction_draft(
            proposal=major,
            actor=instructor,
            data={"instruction_vote": "for", "instruction_note": "", "major": True},
            expected_version=major.version,
            issue=True,
        )
        begun = _meeting_ahead(user, portfolio[key], begun_title, f"{key}-agenda.pdf")
        voted = _proposal(begun, user, f"{proposal_title} 4", "representative")
        Meeting.objects.filter(pk=begun.pk).update(meeting_at=timezone.now() - datetime.timedelta(hours=2))
        voted = Proposal.objects.select_related("meeting").get(pk=voted.pk)
        rep_services.vote_record(
            proposal=voted,
            actor=user,
            data={"vote_cast": "for", "outcome": "passed", "deviation_explanation": ""},
            expected_version=voted.version,
        )
        made["meetings"][key] = Meeting.objects.get(pk=meeting.pk)
        made["meetings"][f"{key}_begun"] = Meeting.objects.get(pk=begun.pk)
        made["proposals"][key] = ordinary
        made["proposals"][f"{key}_pending"] = pending
        made["proposals"][f"{key}_awaiting"] = major
        made["proposals"][f"{key}_voted"] = voted
        made["files"][key] = MeetingAttachment.objects.get(meeting=meeting)
    report_titles = {
        "own": "本方重大事项 Own Major Report",
        "other": HIDDEN_GOVERNANCE[4],
        "colleague": HIDDEN_GOVERNANCE[7],
    }
    annex_names = {"own": "own-annex.pdf", "other": HIDDEN_GOVERNANCE[5], "colleague": HIDDEN_GOVERNANCE[8]}
    evaluation_summaries = {
        "own": "本人评价 Own Evaluation",
        "other": HIDDEN_GOVERNANCE[6],
        "colleague": HIDDEN_GOVERNANCE[9],
    }
    for key in GOVERNANCE_OWNERS:
        user, appointment = seats[key]
        annual = Report(
            appointment=appointment,
            kind=ReportKind.ANNUAL,
            year=2024,
            due_date=datetime.date(2025, 1, 31),
            body="年度履职情况。",
        )
        save_with_history(instance=annual, actor=None)
        rep_services.report_attach(report=annual, actor=user, upload=_pdf(annex_names[key]))
        major = rep_services.report_create_major(
            actor=user,
            appointment=appointment,
            data={"major_class": "record", "title": report_titles[key], "body": "情况说明。"},
        )
        rep_services.report_submit(report=major, actor=user, expected_version=major.version)
        made["reports"][key] = Report.objects.get(pk=annual.pk)
        made["reports"][f"{key}_submitted"] = Report.objects.get(pk=major.pk)
        made["files"][f"{key}_report"] = ReportAttachment.objects.get(report=annual)
        published = _evaluation(instructor, user, 2024, evaluation_summaries[key])
        rep_services.evaluation_publish(
            evaluation=published, actor=instructor, expected_version=published.version
        )
        made["evaluations"][key] = Evaluation.objects.get(pk=published.pk)
        if key != "colleague":
            summary = "本人草稿评价 Own Draft Evaluation" if key == "own" else "他方草稿评价 Hidden Draft"
            made["evaluations"][f"{key}_draft"] = _evaluation(instructor, user, 2025, summary)
    portfolio["governance"] = made
    return made


def _evaluation(instructor, user, year, summary):
    return rep_services.evaluation_create(
        actor=instructor,
        data={
            "representative": user.representative_profile,
            "year": year,
            "learning": 85,
            "communication": 80,
            "role": 90,
            "proficiency": 75,
            "bottom_line_kept": True,
            "bottom_line_note": "",
            "grade": "competent",
            "summary": summary,
            "evaluated_on": datetime.date(year + 1, 1, 15),
        },
    )


def _meeting(key):
    return lambda p: {"pk": _governance(p)["meetings"][key].pk}


def _meeting_proposal(meeting_key, proposal_key):
    def kwargs(p):
        made = _governance(p)
        return {"pk": made["meetings"][meeting_key].pk, "proposal_pk": made["proposals"][proposal_key].pk}

    return kwargs


def _meeting_file(key):
    def kwargs(p):
        made = _governance(p)
        return {"pk": made["meetings"][key].pk, "file_pk": made["files"][key].pk}

    return kwargs


def _report(key):
    return lambda p: {"pk": _governance(p)["reports"][key].pk}


def _report_file(key):
    def kwargs(p):
        made = _governance(p)
        return {"pk": made["reports"][key].pk, "file_pk": made["files"][f"{key}_report"].pk}

    return kwargs


def _evaluation_of(key):
    return lambda p: {"pk": _governance(p)["evaluations"][key].pk}


# Two meetings in each JV (one ahead, one begun); the representative sees their JV's two.
MEETING_ROWS = {"nobody": 0, "rep": 2, "leader": 4, "hq": 4, "admin": 4}
# Two reports each for rep, other_rep and the colleague; a representative sees only their own two.
REPORT_ROWS = {"nobody": 0, "rep": 2, "leader": 6, "hq": 6, "admin": 6}
# Three published and two drafts; a representative sees only their own published one.
EVALUATION_ROWS = {"nobody": 0, "rep": 1, "leader": 5, "hq": 5, "admin": 5}
# In each JV's meeting ahead, one proposal waits for HQ and one for leadership.
QUEUE_ROWS = {"nobody": 0, "rep": 0, "leader": 4, "hq": 4, "admin": 4}
# HQ's and leadership's queue: a representative and a user without a role are refused.
QUEUE = {"nobody": 403, "rep": 403, "leader": 200, "hq": 200, "admin": 200}
# Representatives register meetings of their JVs, HQ on their behalf; leadership does not.
MEETING_CREATE = {"nobody": 403, "rep": 200, "leader": 403, "hq": 200, "admin": 200}
# Only a representative files a major-matter report, for a seat of their own.
REPORT_CREATE = {"nobody": 403, "rep": 200, "leader": 403, "hq": 403, "admin": 403}
# The attending representative and HQ, while the meeting allows it. Nobody and another JV's
# representative do not find the meeting; leadership reads it but never changes it.
MEETING_EDIT = {
    "nobody": (404, 404),
    "rep": (200, 404),
    "leader": (403, 403),
    "hq": (200, 200),
    "admin": (200, 200),
}
# HQ drafts and issues instructions.
INSTRUCT = {**MEETING_EDIT, "rep": (403, 404)}
# Leadership (and the superuser) approves a major matter's instruction; HQ drafts but never approves.
APPROVE = {**MEETING_EDIT, "rep": (403, 404), "leader": (200, 200), "hq": (403, 403)}
# A file box on the meeting page: a POST only, once the meeting is found and the viewer may add to it.
MEETING_UPLOAD = {**MEETING_EDIT, "rep": (405, 404), "hq": (405, 405), "admin": (405, 405)}
# Only the report's own representative drafts, submits and attaches: HQ reads it and reviews.
REPORT_OWNER = {
    "nobody": (404, 404),
    "rep": (200, 404),
    "leader": (403, 403),
    "hq": (403, 403),
    "admin": (403, 403),
}
REPORT_UPLOAD = {**REPORT_OWNER, "rep": (405, 404)}
# HQ reviews a submitted report.
REPORT_REVIEW = {**MEETING_EDIT, "rep": (403, 404)}
# HQ edits and publishes a draft evaluation; a representative does not even find their own draft.
EVALUATION_EDIT = {**MEETING_EDIT, "rep": (404, 404)}

GOVERNANCE_REGISTRY: dict[str, Spec] = {
    "representatives:meeting_list": Spec(
        "list", rows=MEETING_ROWS, count=_object_list_count, setup=_governance
    ),
    "representatives:meeting_list_export": Spec(
        "list", rows=MEETING_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, setup=_governance
    ),
    "representatives:meeting_create": Spec("create", expected=MEETING_CREATE, generic_post=False),
    "representatives:meeting_detail": Spec("read", _meeting("own"), _meeting("other"), setup=_governance),
    "representatives:meeting_update": Spec(
        "edit", _meeting("own"), _meeting("other"), expected=MEETING_EDIT, generic_post=False
    ),
    "representatives:meeting_cancel": Spec(
        "edit", _meeting("own"), _meeting("other"), expected=MEETING_EDIT, generic_post=False
    ),
    # Once the meeting has begun.
    "representatives:meeting_outcome": Spec(
        "edit", _meeting("own_begun"), _meeting("other_begun"), expected=MEETING_EDIT, generic_post=False
    ),
    "representatives:meeting_file_upload": Spec(
        "edit", _meeting("own"), _meeting("other"), expected=MEETING_UPLOAD, generic_post=False
    ),
    "representatives:meeting_file": Spec("read", _meeting_file("own"), _meeting_file("other")),
    "representatives:proposal_create": Spec(
        "edit", _meeting("own"), _meeting("other"), expected=MEETING_EDIT, generic_post=False
    ),
    "representatives:proposal_update": Spec(
        "edit",
        _meeting_proposal("own", "own"),
        _meeting_proposal("other", "other"),
        expected=MEETING_EDIT,
        generic_post=False,
    ),
    "representatives:proposal_instruct": Spec(
        "edit",
        _meeting_proposal("own", "own_pending"),
        _meeting_proposal("other", "other_pending"),
        expected=INSTRUCT,
        generic_post=False,
    ),
    "representatives:proposal_approve": Spec(
        "edit",
        _meeting_proposal("own", "own_awaiting"),
        _meeting_proposal("other", "other_awaiting"),
        expected=APPROVE,
        generic_post=False,
    ),
    "representatives:proposal_vote": Spec(
        "edit",
        _meeting_proposal("own_begun", "own_voted"),
        _meeting_proposal("other_begun", "other_voted"),
        expected=MEETING_EDIT,
        generic_post=False,
    ),
    "representatives:instruction_queue": Spec(
        "list", rows=QUEUE_ROWS, count=_object_list_count, setup=_governance, expected=QUEUE
    ),
    "representatives:instruction_queue_export": Spec(
        "list", rows=QUEUE_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, setup=_governance, expected=QUEUE
    ),
    "representatives:report_list": Spec(
        "list", rows=REPORT_ROWS, count=_object_list_count, setup=_governance
    ),
    "representatives:report_list_export": Spec(
        "list", rows=REPORT_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, setup=_governance
    ),
    "representatives:report_create": Spec("create", expected=REPORT_CREATE, generic_post=False),
    "representatives:report_detail": Spec("read", _report("own"), _report("other")),
    "representatives:report_update": Spec(
        "edit", _report("own"), _report("other"), expected=REPORT_OWNER, generic_post=False
    ),
    "representatives:report_submit": Spec(
        "edit", _report("own"), _report("other"), expected=REPORT_OWNER, generic_post=False
    ),
    # The annual duty report's facts of the year.
    "representatives:report_refresh": Spec(
        "edit", _report("own"), _report("other"), expected=REPORT_OWNER, generic_post=False
    ),
    "representatives:report_review": Spec(
        "edit",
        _report("own_submitted"),
        _report("other_submitted"),
        expected=REPORT_REVIEW,
        generic_post=False,
    ),
    "representatives:report_file_upload": Spec(
        "edit", _report("own"), _report("other"), expected=REPORT_UPLOAD, generic_post=False
    ),
    "representatives:report_file": Spec("read", _report_file("own"), _report_file("other")),
    "representatives:evaluation_list": Spec(
        "list", rows=EVALUATION_ROWS, count=_object_list_count, setup=_governance
    ),
    "representatives:evaluation_list_export": Spec(
        "list", rows=EVALUATION_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, setup=_governance
    ),
    "representatives:evaluation_create": Spec("create", generic_post=False),
    # A representative reads their own evaluation once published, never another's.
    "representatives:evaluation_detail": Spec("read", _evaluation_of("own"), _evaluation_of("other")),
    # "own" is the representative's own evaluation while it is a draft.
    "representatives:evaluation_update": Spec(
        "edit",
        _evaluation_of("own_draft"),
        _evaluation_of("other_draft"),
        expected=EVALUATION_EDIT,
        generic_post=False,
    ),
    "representatives:evaluation_publish": Spec(
        "edit",
        _evaluation_of("own_draft"),
        _evaluation_of("other_draft"),
        expected=EVALUATION_EDIT,
        generic_post=False,
    ),
}


def _research_of(key):
    return lambda p: {"pk": research_world(p)[key].pk}


def _research_child(key, child, arg):
    def kwargs(p):
        made = research_world(p)
        return {"pk": made[key].pk, arg: made[f"{key}_{child}"].pk}

    return kwargs


# In each JV this year's research and last year's; the overview shows one year (this year's).
RESEARCH_ROWS = {"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2}
# Who works on the research: HQ (and the superuser); leadership reads it; a representative reads
# their JV's without HQ's internal writing.
# The portfolio pages are HQ's and leadership's, as the instruction queue; the JVs' figures by
# year: the portfolio's 2024 row of each JV.
PORTFOLIO_ROWS = {"nobody": 0, "rep": 0, "leader": 2, "hq": 2, "admin": 2}


def _report_lines(response):
    """The JVs with a line in the annual report (both have figures for 2024)."""
    (section,) = [s for s in response.context["sections"] if s.key == "ventures"]
    return len(section.rows)


def _report_sheet_lines(response):
    return len(list(xlsx_workbook(response)["Each joint venture"].iter_rows())) - 1


# A JV's scorecard: HQ and leadership read every JV's; a representative is refused even their own.
SCORECARD = {
    "nobody": (403, 403),
    "rep": (403, 403),
    "leader": (200, 200),
    "hq": (200, 200),
    "admin": (200, 200),
}

PORTFOLIO: dict[str, Spec] = {
    "portfolio:portfolio": Spec(
        "list", rows=PORTFOLIO_ROWS, count=_portfolio_count, setup=_governance, expected=QUEUE
    ),
    "portfolio:figures": Spec("list", rows=PORTFOLIO_ROWS, count=_object_list_count, expected=QUEUE),
    "portfolio:figures_export": Spec(
        "list", rows=PORTFOLIO_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, expected=QUEUE
    ),
    "portfolio:scorecard": Spec(
        "read", _venture("own"), _venture("other"), setup=_governance, expected=SCORECARD
    ),
    "portfolio:scorecard_export": Spec("read", _venture("own"), _venture("other"), expected=SCORECARD),
    "portfolio:annual_report": Spec(
        "list",
        rows=PORTFOLIO_ROWS,
        count=_report_lines,
        kwargs={"year": 2024},
        setup=_governance,
        expected=QUEUE,
    ),
    "portfolio:annual_report_export": Spec(
        "list", rows=PORTFOLIO_ROWS, count=_report_sheet_lines, kwargs={"year": 2024}, expected=QUEUE
    ),
    # It sends HQ and leadership on to the latest year's report.
    "portfolio:annual_report_latest": Spec(
        "list", expected={"nobody": 403, "rep": 403, "leader": 302, "hq": 302, "admin": 302}
    ),
    "portfolio:ownership": Spec(
        "list", rows=PORTFOLIO_ROWS, count=lambda r: len(r.context["chart"]["ventures"]), expected=QUEUE
    ),
}


RESEARCH_EDIT = {
    "nobody": (404, 404),
    "rep": (403, 404),
    "leader": (403, 403),
    "hq": (200, 200),
    "admin": (200, 200),
}
# HQ's files and recommendations are internal: a representative does not even find them.
RESEARCH_INTERNAL_READ = {**RESEARCH_EDIT, "rep": (404, 404), "leader": (200, 200)}
RESEARCH_INTERNAL_EDIT = {**RESEARCH_EDIT, "rep": (404, 404)}
# A file box on the research page: a POST only, once the research is found and the viewer may add to it.
RESEARCH_UPLOAD = {**RESEARCH_EDIT, "hq": (405, 405), "admin": (405, 405)}
# The JV's representatives in post fill and submit their data return; nobody else does.
RETURN_FILL = {**RESEARCH_EDIT, "rep": (200, 404), "hq": (403, 403), "admin": (403, 403)}
# A wish is raised as a demand by HQ or by the JV's representative.
WISH_DEMAND = {**RESEARCH_EDIT, "rep": (200, 404)}

RESEARCH_REGISTRY: dict[str, Spec] = {
    "research:research_list": Spec(
        "list", rows=RESEARCH_ROWS, count=_object_list_count, setup=research_world
    ),
    "research:research_list_export": Spec(
        "list", rows=RESEARCH_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, setup=research_world
    ),
    "research:research_open": Spec("create", generic_post=False),
    "research:research_detail": Spec("read", _research_of("own"), _research_of("other")),
    "research:research_update": Spec(
        "edit", _research_of("own"), _research_of("other"), expected=RESEARCH_EDIT, generic_post=False
    ),
    "research:research_share": Spec(
        "edit", _research_of("own"), _research_of("other"), expected=RESEARCH_EDIT, generic_post=False
    ),
    "research:research_transition": Spec(
        "edit",
        lambda p: {"pk": research_world(p)["own"].pk, "action": "submit"},
        lambda p: {"pk": research_world(p)["other"].pk, "action": "submit"},
        expected=RESEARCH_EDIT,
        generic_post=False,
    ),
    "research:research_file_upload": Spec(
        "edit", _research_of("own"), _research_of("other"), expected=RESEARCH_UPLOAD, generic_post=False
    ),
    "research:research_file": Spec(
        "read",
        _research_child("own", "file", "file_pk"),
        _research_child("other", "file", "file_pk"),
        expected=RESEARCH_INTERNAL_READ,
    ),
    "research:return_update": Spec(
        "edit", _research_of("own"), _research_of("other"), expected=RETURN_FILL, generic_post=False
    ),
    "research:return_submit": Spec(
        "edit", _research_of("own"), _research_of("other"), expected=RETURN_FILL, generic_post=False
    ),
    "research:return_review": Spec(
        "edit",
        _research_of("own_submitted"),
        _research_of("other_submitted"),
        expected=RESEARCH_EDIT,
        generic_post=False,
    ),
    "research:wish_demand": Spec(
        "edit",
        _research_child("own", "wish", "wish_pk"),
        _research_child("other", "wish", "wish_pk"),
        expected=WISH_DEMAND,
        generic_post=False,
    ),
    "research:recommendation_create": Spec(
        "edit", _research_of("own"), _research_of("other"), expected=RESEARCH_EDIT, generic_post=False
    ),
    "research:recommendation_update": Spec(
        "edit",
        _research_child("own", "recommendation", "rec_pk"),
        _research_child("other", "recommendation", "rec_pk"),
        expected=RESEARCH_INTERNAL_EDIT,
        generic_post=False,
    ),
    "research:recommendation_demand": Spec(
        "edit",
        _research_child("own", "recommendation", "rec_pk"),
        _research_child("other", "recommendation", "rec_pk"),
        expected=RESEARCH_INTERNAL_EDIT,
        generic_post=False,
    ),
}


def _engagement_of(key):
    return lambda p: {"pk": engagement_world(p)[key].pk}


def _engagement_child(key, child, arg, **extra):
    def kwargs(p):
        made = engagement_world(p)
        return {"pk": made[key].pk, arg: made[f"{key}_{child}"].pk, **extra}

    return kwargs


# The own visit, the other JV's and the symposium both JVs spoke at (the representative sees that
# one too, as their JV's part of it), each JV's planned visit.
ENGAGEMENT_ROWS = {"nobody": 0, "rep": 3, "leader": 5, "hq": 5, "admin": 5}
# HQ keeps the record; leadership reads it; a representative reads their JVs'.
ENGAGEMENT_EDIT = {**RESEARCH_EDIT}
ENGAGEMENT_POST_ONLY = {**RESEARCH_UPLOAD}
# A representative records an engagement for their JV, and adds to and updates their JV's commitments.
ENGAGEMENT_CREATE = {"nobody": 403, "rep": 200, "leader": 403, "hq": 200, "admin": 200}
COMMITMENT_EDIT = {**RESEARCH_EDIT, "rep": (200, 404)}

ENGAGEMENT_REGISTRY: dict[str, Spec] = {
    "engagements:engagement_list": Spec(
        "list", rows=ENGAGEMENT_ROWS, count=_object_list_count, setup=engagement_world
    ),
    "engagements:engagement_list_export": Spec(
        "list", rows=ENGAGEMENT_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, setup=engagement_world
    ),
    # Pages about the portfolio as the viewer sees it (tests/engagements/test_views.py checks what).
    "engagements:calendar": Spec("self", setup=engagement_world),
    "engagements:contact_overdue": Spec("self", setup=engagement_world),
    "engagements:engagement_create": Spec("create", expected=ENGAGEMENT_CREATE, generic_post=False),
    "engagements:engagement_detail": Spec("read", _engagement_of("own"), _engagement_of("other")),
    "engagements:engagement_update": Spec(
        "edit", _engagement_of("own"), _engagement_of("other"), expected=ENGAGEMENT_EDIT, generic_post=False
    ),
    "engagements:engagement_transition": Spec(
        "edit",
        lambda p: {"pk": engagement_world(p)["own_planned"].pk, "action": "cancel"},
        lambda p: {"pk": engagement_world(p)["other_planned"].pk, "action": "cancel"},
        expected=ENGAGEMENT_EDIT,
        generic_post=False,
    ),
    "engagements:engagement_file_upload": Spec(
        "edit",
        _engagement_of("own"),
        _engagement_of("other"),
        expected=ENGAGEMENT_POST_ONLY,
        generic_post=False,
    ),
    "engagements:engagement_file": Spec(
        "read", _engagement_child("own", "file", "file_pk"), _engagement_child("other", "file", "file_pk")
    ),
    "engagements:demand_link": Spec(
        "edit",
        _engagement_of("own"),
        _engagement_of("other"),
        expected=ENGAGEMENT_POST_ONLY,
        generic_post=False,
    ),
    "engagements:commitment_create": Spec(
        "edit", _engagement_of("own"), _engagement_of("other"), expected=COMMITMENT_EDIT, generic_post=False
    ),
    "engagements:commitment_update": Spec(
        "edit",
        _engagement_child("own", "commitment", "c_pk"),
        _engagement_child("other", "commitment", "c_pk"),
        expected=COMMITMENT_EDIT,
        generic_post=False,
    ),
    "engagements:commitment_transition": Spec(
        "edit",
        _engagement_child("own", "commitment", "c_pk", action="start"),
        _engagement_child("other", "commitment", "c_pk", action="start"),
        expected=COMMITMENT_EDIT,
        generic_post=False,
    ),
    "engagements:commitment_demand": Spec(
        "edit",
        _engagement_child("own", "commitment", "c_pk"),
        _engagement_child("other", "commitment", "c_pk"),
        expected=COMMITMENT_EDIT,
        generic_post=False,
    ),
    "engagements:venture_brief": Spec(
        "read", lambda p: {"pk": p["own"].pk}, lambda p: {"pk": p["other"].pk}, setup=engagement_world
    ),
    "engagements:partner_brief": Spec(
        "read",
        lambda p: {"pk": p["own_partner"].pk},
        lambda p: {"pk": p["other_partner"].pk},
        setup=engagement_world,
    ),
}


REGISTRY: dict[str, Spec] = {
    # With the governance records, so that every role's panels render.
    "home": Spec(
        "list",
        rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2},
        count=_home_count,
        setup=_governance,
    ),
    "ventures:venture_list": Spec(
        "list", rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2}, count=_object_list_count
    ),
    "ventures:venture_list_export": Spec(
        "list",
        rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2},
        count=_csv_rows,
        kwargs={"fmt": "csv"},
    ),
    "ventures:party_list": Spec(
        # The rep sees the two shareholders of their JV (the group company and its partner).
        "list",
        rows={"nobody": 0, "rep": 2, "leader": 3, "hq": 3, "admin": 3},
        count=_object_list_count,
    ),
    "ventures:party_list_export": Spec(
        # The rep sees the two shareholders of their JV (the group company and its partner).
        "list",
        rows={"nobody": 0, "rep": 2, "leader": 3, "hq": 3, "admin": 3},
        count=_csv_rows,
        kwargs={"fmt": "csv"},
    ),
    "representatives:representative_list": Spec(
        "list", rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2}, count=_object_list_count
    ),
    "representatives:representative_list_export": Spec(
        "list",
        rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2},
        count=_csv_rows,
        kwargs={"fmt": "csv"},
    ),
    "ventures:venture_create": Spec("create"),
    "ventures:party_create": Spec("create"),
    "representatives:representative_create": Spec("create"),
    # With meetings in both JVs: the page's meetings panel lists the JV's own.
    "ventures:venture_detail": Spec("read", _venture("own"), _venture("other"), setup=_governance),
    "ventures:party_detail": Spec(
        "read", lambda p: {"pk": p["own_partner"].pk}, lambda p: {"pk": p["other_partner"].pk}
    ),
    "representatives:representative_detail": Spec(
        "read", lambda p: {"pk": p["rep_profile"].pk}, lambda p: {"pk": p["other_rep_profile"].pk}
    ),
    "ventures:venture_update": Spec("edit", _venture("own"), _venture("other")),
    "ventures:party_update": Spec(
        "edit", lambda p: {"pk": p["own_partner"].pk}, lambda p: {"pk": p["other_partner"].pk}
    ),
    "representatives:representative_update": Spec(
        "edit", lambda p: {"pk": p["rep_profile"].pk}, lambda p: {"pk": p["other_rep_profile"].pk}
    ),
    "ventures:shareholding_create": Spec(
        "edit", lambda p: {"venture_pk": p["own"].pk}, lambda p: {"venture_pk": p["other"].pk}
    ),
    "ventures:shareholding_update": Spec(
        "edit",
        _venture_child("own", lambda p: p["holdings"]["own_partner"]),
        _venture_child("other", lambda p: p["holdings"]["other_partner"]),
    ),
    "ventures:shareholding_delete": Spec(
        "edit",
        _venture_child("own", lambda p: p["holdings"]["own_partner"]),
        _venture_child("other", lambda p: p["holdings"]["other_partner"]),
    ),
    "ventures:indicators_create": Spec(
        "edit", lambda p: {"venture_pk": p["own"].pk}, lambda p: {"venture_pk": p["other"].pk}
    ),
    "ventures:indicators_update": Spec(
        "edit",
        _venture_child("own", lambda p: p["indicators"]["own"]),
        _venture_child("other", lambda p: p["indicators"]["other"]),
    ),
    "ventures:indicators_delete": Spec(
        "edit",
        _venture_child("own", lambda p: p["indicators"]["own"]),
        _venture_child("other", lambda p: p["indicators"]["other"]),
    ),
    "representatives:appointment_create": Spec(
        "edit",
        lambda p: {"representative_pk": p["rep_profile"].pk},
        lambda p: {"representative_pk": p["other_rep_profile"].pk},
    ),
    "representatives:appointment_update": Spec(
        "edit",
        lambda p: {"representative_pk": p["rep_profile"].pk, "pk": p["own_appointment"].pk},
        lambda p: {"representative_pk": p["other_rep_profile"].pk, "pk": p["other_appointment"].pk},
    ),
    # Each person sees their own two notifications, never other_rep's, whatever their role.
    "notifications:notification_list": Spec(
        "list", rows=EVERY_ROLE_SEES_TWO, count=_object_list_count, inbox=True
    ),
    "notifications:notification_open": Spec(
        "mine",
        lambda inbox: {"pk": inbox["own"].pk},
        lambda inbox: {"pk": inbox["other"].pk},
        post_only=True,
        inbox=True,
    ),
    "notifications:notification_read_all": Spec("self", post_only=True, inbox=True),
    "notifications:preferences": Spec("self"),
    # Two-factor sign-in is everyone's own (tests/accounts/test_two_factor.py). Without a device
    # the code page, the recovery codes and turning it off lead on (302); with one see
    # ``test_two_factor_pages_with_a_device``.
    "accounts:two_factor": Spec("self"),
    "accounts:two_factor_enrol": Spec("self"),
    "accounts:two_factor_verify": Spec("self", expected=TWO_FACTOR_ON_ONLY),
    "accounts:two_factor_recovery": Spec("self", expected=TWO_FACTOR_ON_ONLY),
    "accounts:two_factor_disable": Spec("self", expected=TWO_FACTOR_ON_ONLY),
    "demands:demand_list": Spec("list", rows=DEMAND_ROWS, count=_object_list_count, setup=_demands),
    "demands:demand_list_export": Spec(
        "list", rows=DEMAND_ROWS, count=_csv_rows, kwargs={"fmt": "csv"}, setup=_demands
    ),
    # The report and its export count only the demands the viewer sees.
    "demands:demand_report": Spec("list", rows=DEMAND_ROWS, count=_report_count, setup=_demands),
    "demands:demand_report_export": Spec(
        "list", rows=DEMAND_ROWS, count=_csv_count, kwargs={"fmt": "csv"}, setup=_demands
    ),
    "demands:demand_create": Spec("create", expected=DEMAND_CREATE, generic_post=False),
    "demands:demand_detail": Spec("read", _demand("own"), _demand("other")),
    # The timeline's "show earlier" pages: the demand's scope, as its page (the cursor paging is
    # tested in tests/demands/test_timeline.py).
    "demands:demand_timeline": Spec("read", _demand("own"), _demand("other")),
    "demands:attachment_download": Spec("read", _demand_attachment("own"), _demand_attachment("other")),
    "demands:demand_update": Spec(
        "edit", _demand("own"), _demand("other"), expected=DEMAND_EDIT, generic_post=False
    ),
    "demands:demand_route": Spec(
        "edit", _demand("own"), _demand("other"), expected=DEMAND_ROUTE, generic_post=False
    ),
    "demands:demand_comment": Spec(
        "edit", _demand("own"), _demand("other"), expected=DEMAND_COMMENT, generic_post=False
    ),
    "demands:demand_rate": Spec(
        "edit",
        _demand("own_resolved"),
        _demand("other_resolved"),
        expected=DEMAND_RATE,
        generic_post=False,
    ),
    "demands:demand_transition": Spec(
        "edit",
        _demand("own", action="accept"),
        _demand("other", action="accept"),
        expected=DEMAND_HANDLER_ACTION,
        generic_post=False,
    ),
    **GOVERNANCE_REGISTRY,
    **RESEARCH_REGISTRY,
    **ENGAGEMENT_REGISTRY,
    **PORTFOLIO,
    # Both JVs' names contain the text: the representative finds only their own.
    "search": Spec(
        "list",
        rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2},
        count=_search_ventures,
        query={"q": "合资公司"},
        setup=_search_world,
    ),
}

# What each role gets, by kind of page: (own object, other's object). Lists and create pages
# have no object. ``DENIED`` allows 403 or 404: a refusal before the object is loaded (403 for
# any id) reveals nothing either.
# A user's own pages ("self", "mine") are the same for every role: even HQ and the admin get a 404
# for someone else's notification, in the portal (the Django admin is another matter).
MINE = {"self": 200, "mine": (200, 404)}
EXPECTED = {
    "nobody": {"list": 200, "create": 403, "read": (404, 404), "edit": (DENIED, DENIED), **MINE},
    "rep": {"list": 200, "create": 403, "read": (200, 404), "edit": (403, DENIED), **MINE},
    "leader": {"list": 200, "create": 403, "read": (200, 200), "edit": (403, 403), **MINE},
    "hq": {"list": 200, "create": 200, "read": (200, 200), "edit": (200, 200), **MINE},
    "admin": {"list": 200, "create": 200, "read": (200, 200), "edit": (200, 200), **MINE},
}
ROLES = ["anonymous", *EXPECTED]


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            route = str(pattern.pattern)
            if pattern.name is None:
                if route.startswith(("static", "media", "^static", "^media")):
                    continue
                # An unnamed page cannot be in the registry, so it fails the coverage test.
                yield f"<unnamed: {route}>"
                continue
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def project_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def test_every_url_is_in_the_matrix():
    names = project_url_names()
    missing = names - set(REGISTRY) - AUTH_URLS
    assert not missing, f"URLs without an access-matrix entry: {sorted(missing)}"
    stale = (set(REGISTRY) | AUTH_URLS) - names
    assert not stale, f"Matrix entries for URLs that no longer exist: {sorted(stale)}"


def _user(role, request, portfolio):
    if role == "anonymous":
        return None
    if role in ("rep", "other_rep"):
        return portfolio[role]
    return request.getfixturevalue({"admin": "admin_user"}.get(role, role))


def _urls(spec, portfolio, name, user=None):
    if spec.kind in ("list", "create", "self"):
        url = reverse(name, kwargs=spec.kwargs)
        return [(None, f"{url}?{urlencode(spec.query)}" if spec.query else url)]
    source = _inbox(portfolio, user) if spec.kind == "mine" else portfolio
    return [
        ("own", reverse(name, kwargs=spec.own(source))),
        ("other", reverse(name, kwargs=spec.other(source))),
    ]


def _expected(role, spec, which):
    if spec.expected is not None:
        rule = spec.expected[role]
    elif spec.post_only:
        # Refused by method before anything is looked up, so an id reveals nothing.
        return 405
    else:
        rule = EXPECTED[role][spec.kind]
    if which is None:
        return rule
    return rule[0] if which == "own" else rule[1]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_get(name, role, request, portfolio, client_as):
    spec = REGISTRY[name]
    user = _user(role, request, portfolio)
    client = client_as(user)
    if spec.inbox and spec.kind != "mine":
        _inbox(portfolio, user)
    if spec.setup is not None:
        spec.setup(portfolio)
    for which, url in _urls(spec, portfolio, name, user):
        response = client.get(url)
        if response.streaming:
            # A download: reading it to the end lets the test client close the file.
            body(response)
        # Every answer carries the policy; nothing a signed-in person gets is kept by a cache.
        policy = {part.strip() for part in response["Content-Security-Policy"].split(";")}
        assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in str(policy), url
        if role != "anonymous":
            assert "no-store" in response["Cache-Control"], url
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response.url == f"{reverse('login')}?next={quote(url)}"
            continue
        expected = _expected(role, spec, which)
        allowed = expected if isinstance(expected, frozenset) else {expected}
        assert response.status_code in allowed, (url, which, response.status_code)
        if spec.kind == "list" and response.status_code == 200:
            assert spec.count(response) == spec.rows[role], url


TWO_FACTOR_URLS = sorted(name for name in REGISTRY if name.startswith("accounts:two_factor"))


def _assert_headers(response, url):
    policy = {part.strip() for part in response["Content-Security-Policy"].split(";")}
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in str(policy), url
    assert "no-store" in response["Cache-Control"], url


@pytest.mark.parametrize("role", [*EXPECTED])
def test_two_factor_pages_with_a_device(role, request, portfolio, client_as):
    """Every role with an authenticator: before the code, each two-factor page leads to the code
    page (which opens); after it, the overview, the recovery codes and turning it off open, and
    enrolment leads back to the overview. The policy and no-store hold on every answer."""
    user = _user(role, request, portfolio)
    device, _codes = two_factor_enrol(user)
    client = client_as(user)
    verify = reverse("accounts:two_factor_verify")
    for name in TWO_FACTOR_URLS:
        url = reverse(name)
        response = client.get(url)
        _assert_headers(response, url)
        if name == "accounts:two_factor_verify":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302 and response.url.startswith(verify), url
    done = client.post(verify, {"code": totp_code(device)})
    _assert_headers(done, verify)
    assert done.status_code == 302
    after = {
        "accounts:two_factor": 200,
        "accounts:two_factor_recovery": 200,
        "accounts:two_factor_disable": 200,
        "accounts:two_factor_enrol": 302,
        "accounts:two_factor_verify": 302,
    }
    assert set(after) == set(TWO_FACTOR_URLS)
    for name, status in after.items():
        url = reverse(name)
        response = client.get(url)
        _assert_headers(response, url)
        assert response.status_code == status, url


# --- A forbidden POST changes nothing ------------------------------------------------------------


def _make_room(portfolio):
    """Free 10% in each JV, so that adding a shareholding would be valid for HQ."""
    Shareholding.objects.filter(pk=portfolio["holdings"]["own_partner"].pk).update(percentage=50)
    Shareholding.objects.filter(pk=portfolio["holdings"]["other_partner"].pk).update(percentage=60)


def _post_data(name, kwargs, portfolio, hq):
    """What HQ would POST to ``name``: a real change, so a refusal is the only reason nothing happens."""
    if name.endswith("_delete"):
        return {}
    if name == "ventures:shareholding_create":
        return {"party": str(f.PartyFactory(name="新外方").pk), "percentage": "5"}
    if name == "ventures:indicators_create":
        return indicators_post_data(year="2021")
    if name == "representatives:appointment_create":
        venture = (
            portfolio["own"]
            if kwargs["representative_pk"] == portfolio["rep_profile"].pk
            else portfolio["other"]
        )
        return {"jv": str(venture.pk), "role": "supervisor", "start_date": "2025-01-01"}
    if name == "ventures:venture_create":
        return venture_post_data(portfolio["own"].department)
    if name == "ventures:party_create":
        return {"name": "新股东", "name_en": "New Holder", "kind": "foreign", "country": "JP"}
    if name == "representatives:representative_create":
        return {"name": "新代表", "name_en": "New Rep"}
    hq_client = Client()
    hq_client.force_login(hq)
    response = hq_client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    data = form_data(response.context["form"])
    changes = {
        "ventures:venture_update": {"name_en": "Changed by a POST"},
        "ventures:party_update": {"name_en": "Changed by a POST"},
        "representatives:representative_update": {"name_en": "Changed by a POST"},
        "ventures:shareholding_update": {"percentage": "35"},
        "ventures:indicators_update": {"revenue": "1"},
        "representatives:appointment_update": {"end_date": "2025-06-30"},
    }
    data.update(changes[name])
    return data


WRITE_URLS = sorted(
    name for name, spec in REGISTRY.items() if spec.kind in ("edit", "create") and spec.generic_post
)
FORBIDDEN = [
    ("anonymous", "own"),
    ("nobody", "own"),
    ("leader", "own"),
    ("leader", "other"),
    ("rep", "own"),
    ("rep", "other"),
]


POST_CASES = [
    pytest.param(name, role, which, id=f"{name}-{role}-{which}")
    for name in WRITE_URLS
    for role, which in [*FORBIDDEN, ("hq", "own")]
    # A create page has no object, so no "other" one.
    if not (REGISTRY[name].kind == "create" and which == "other")
]


@pytest.mark.parametrize(("name", "role", "which"), POST_CASES)
def test_post(name, role, which, request, portfolio, hq, client_as):
    spec = REGISTRY[name]
    _make_room(portfolio)
    kwargs = {} if spec.kind == "create" else getattr(spec, which)(portfolio)
    data = _post_data(name, kwargs, portfolio, hq)
    before = db_snapshot()
    client = client_as(_user(role, request, portfolio))
    response = client.post(reverse(name, kwargs=kwargs), data)
    after = db_snapshot()
    if role == "hq":
        # The control: the same POST from HQ goes through, so the data above is a real change.
        assert response.status_code == 302, response.context and response.context["form"].errors
        assert after != before
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code in DENIED
    assert after == before


# --- Demands: a refused POST changes nothing ------------------------------------------------------


def _demand_snapshot(media_root) -> dict:
    """The registry's rows, every demand, timeline entry, attachment and notification (all
    columns), the demands' history, and the files on disk."""
    snapshot = db_snapshot()
    for model in (Demand, DemandUpdate, DemandAttachment, Notification):
        snapshot[model._meta.label] = list(model._default_manager.order_by("pk").values())
    snapshot["demands.Demand history"] = Demand.history.count()
    snapshot["files"] = sorted(str(p) for p in Path(media_root).rglob("*") if p.is_file())
    return snapshot


def _demand_post(name, action, key, portfolio) -> tuple[dict, dict]:
    """URL arguments and what a browser would POST: a real change, made by someone allowed to."""
    demands = _demands(portfolio)
    if name == "demands:demand_create":
        data = {
            "jv": str(portfolio[key].pk),
            "title": "POST 新需求",
            "description": "说明",
            "category": "policy",
            "priority": "high",
            "source": "direct",
            "source_note": "",
            "attachment": SimpleUploadedFile("new.pdf", PDF),
        }
        return {}, data
    demand = Demand.objects.get(pk=demands[key].pk)
    kwargs = {"pk": demand.pk}
    version = str(demand.version)
    if name == "demands:demand_update":
        data = {
            "version": version,
            "title": "Changed by a POST",
            "description": demand.description,
            "category": demand.category,
            "source": demand.source,
            "source_note": "",
        }
    elif name == "demands:demand_route":
        data = {"version": version, "department": "", "owner": "", "priority": "urgent"}
    elif name == "demands:demand_comment":
        data = {
            "text": "A comment by POST",
            "visibility": "shared",
            "attachment": SimpleUploadedFile("c.pdf", PDF),
        }
    elif name == "demands:demand_rate":
        data = {"version": version, "satisfaction": "4", "comment": "Fine."}
    else:
        kwargs["action"] = action
        data = {"version": version, "note": "Sent by a POST."}
    return kwargs, data


# Every POST to the other JV's demand: (URL name, workflow action, which demand).
OTHER_JV_POSTS = [
    ("demands:demand_update", None, "other"),
    ("demands:demand_route", None, "other"),
    ("demands:demand_comment", None, "other"),
    ("demands:demand_rate", None, "other_resolved"),
    ("demands:demand_transition", "accept", "other"),
    ("demands:demand_transition", "reject", "other"),
    ("demands:demand_transition", "withdraw", "other"),
    ("demands:demand_transition", "reopen", "other_resolved"),
]
# Who may make each of them: HQ handles, the JV side rates and reopens, and only the raiser withdraws.
JV_SIDE = {
    ("demands:demand_rate", None),
    ("demands:demand_transition", "withdraw"),
    ("demands:demand_transition", "reopen"),
}


def _control(name, action):
    return "other_rep" if (name, action) in JV_SIDE else "hq"


CREATE = "demands:demand_create"
TRANSITION = "demands:demand_transition"
DEMAND_POSTS = [
    # A representative, and a user without a role, do not even find the other JV's demand.
    *[(name, action, key, role, 404) for name, action, key in OTHER_JV_POSTS for role in ("rep", "nobody")],
    *[(name, action, key, "anonymous", 302) for name, action, key in OTHER_JV_POSTS],
    # On their own JV's demand, the representative is still no handler.
    (TRANSITION, "accept", "own", "rep", 403),
    ("demands:demand_route", None, "own", "rep", 403),
    # Leadership reads, comments and routes; it takes no handler action, edits and rates nothing.
    (TRANSITION, "accept", "own", "leader", 403),
    (TRANSITION, "accept", "other", "leader", 403),
    (TRANSITION, "reject", "other", "leader", 403),
    (TRANSITION, "withdraw", "other", "leader", 403),
    (TRANSITION, "reopen", "other_resolved", "leader", 403),
    ("demands:demand_update", None, "other", "leader", 403),
    ("demands:demand_rate", None, "other_resolved", "leader", 403),
    # HQ handles; it neither rates nor withdraws the JV's demand.
    ("demands:demand_rate", None, "other_resolved", "hq", 403),
    (TRANSITION, "withdraw", "other", "hq", 403),
    # Raising: for one's own JV only (the other one is not a choice), and not by leadership.
    (CREATE, None, "other", "rep", 200),
    (CREATE, None, "own", "leader", 403),
    (CREATE, None, "own", "nobody", 403),
    (CREATE, None, "own", "anonymous", 302),
    # The controls: the same POSTs from someone allowed go through.
    *[(name, action, key, _control(name, action), 302) for name, action, key in OTHER_JV_POSTS],
    (CREATE, None, "other", "hq", 302),
]


@pytest.mark.parametrize(
    ("name", "action", "key", "role", "status"),
    [pytest.param(*case, id="-".join(str(c) for c in case if c is not None)) for case in DEMAND_POSTS],
)
def test_demand_posts(name, action, key, role, status, request, portfolio, settings, client_as):
    kwargs, data = _demand_post(name, action, key, portfolio)
    before = _demand_snapshot(settings.MEDIA_ROOT)
    response = client_as(_user(role, request, portfolio)).post(reverse(name, kwargs=kwargs), data)
    after = _demand_snapshot(settings.MEDIA_ROOT)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert after == before
        return
    assert response.status_code == status, response.context and response.context["form"].errors
    if status == 302:
        # The control: the POST is a real change, so a refusal is the only reason nothing happens.
        assert after != before
        return
    if status == 200:
        assert list(response.context["form"].errors) == ["jv"]
    assert after == before


def test_every_demand_write_url_has_post_cases():
    """The demands pages are left out of the generic ``test_post``: they must be covered above."""
    covered = {name for name, *_rest in DEMAND_POSTS}
    needed = {
        name
        for name, spec in REGISTRY.items()
        if name.startswith("demands:") and not spec.generic_post and spec.kind in ("edit", "create")
    }
    assert needed == covered


# --- The governance loop, reports and evaluations: a refused POST changes nothing ------------------


def _governance_snapshot(media_root) -> dict:
    """The registry's rows, every meeting, proposal, report, timeline entry, evaluation, file row and
    notification (all columns), their history, and the files on disk."""
    snapshot = db_snapshot()
    models = (
        Meeting,
        Proposal,
        MeetingAttachment,
        Report,
        ReportEntry,
        ReportAttachment,
        Evaluation,
        Notification,
    )
    for model in models:
        snapshot[model._meta.label] = list(model._default_manager.order_by("pk").values())
    for model in (Meeting, Proposal, Report, Evaluation):
        snapshot[f"{model._meta.label} history"] = model.history.count()
    snapshot["files"] = sorted(str(p) for p in Path(media_root).rglob("*") if p.is_file())
    return snapshot


# What the allowed user changes on each form, on top of what the form shows.
GOVERNANCE_CHANGES = {
    "representatives:meeting_update": {"title": "Changed by a POST"},
    "representatives:meeting_cancel": {"reason": "Postponed by a POST."},
    "representatives:meeting_outcome": {"summary": "Held."},
    "representatives:proposal_create": {"title": "POST 新议案", "decision": "representative"},
    "representatives:proposal_update": {"title": "Changed by a POST"},
    "representatives:proposal_instruct": {"instruction_vote": "against", "instruction_note": "By a POST."},
    "representatives:proposal_approve": {"note": "Approved by a POST."},
    "representatives:proposal_vote": {"vote_cast": "against", "outcome": "rejected"},
    "representatives:report_update": {"body": "Changed by a POST"},
    "representatives:report_submit": {},
    "representatives:report_refresh": {},
    "representatives:report_review": {"comments": "Read by a POST."},
    "representatives:evaluation_update": {"summary": "Changed by a POST"},
    "representatives:evaluation_publish": {},
}
# The object each URL acts on, for each key of the cases below.
GOVERNANCE_TARGETS = {
    "representatives:meeting_update": _meeting,
    "representatives:meeting_cancel": _meeting,
    "representatives:meeting_file_upload": _meeting,
    "representatives:proposal_create": _meeting,
    "representatives:meeting_outcome": lambda key: _meeting(f"{key}_begun"),
    "representatives:proposal_update": lambda key: _meeting_proposal(key, key),
    "representatives:proposal_instruct": lambda key: _meeting_proposal(key, f"{key}_pending"),
    "representatives:proposal_approve": lambda key: _meeting_proposal(key, f"{key}_awaiting"),
    "representatives:proposal_vote": lambda key: _meeting_proposal(f"{key}_begun", f"{key}_voted"),
    "representatives:report_update": _report,
    "representatives:report_submit": _report,
    "representatives:report_refresh": _report,
    "representatives:report_file_upload": _report,
    "representatives:report_review": lambda key: _report(f"{key}_submitted"),
    "representatives:evaluation_update": _evaluation_of,
    "representatives:evaluation_publish": _evaluation_of,
}


def _seat_holder(key):
    return {"own": "rep", "other": "other_rep", "colleague": "colleague"}[key]


def _governance_post(name, key, role, control, portfolio) -> tuple[dict, dict]:
    """URL arguments and what a browser would POST: a real change, made by ``control``, who may."""
    _governance(portfolio)
    if name == "representatives:meeting_create":
        # A representative names themself as the attendee (the only choice they have).
        holder = "rep" if role == "rep" else _seat_holder(key)
        when = timezone.localtime() + datetime.timedelta(days=40)
        return {}, {
            "jv": str(portfolio[key].pk),
            "kind": "shareholders",
            "title": "POST 新会议",
            "meeting_at": when.strftime("%Y-%m-%dT%H:%M"),
            "place": "",
            "representative": str(portfolio[holder].representative_profile.pk),
            "short_notice_reason": "",
            "materials": SimpleUploadedFile("agenda.pdf", PDF),
        }
    if name == "representatives:report_create":
        appointment = portfolio[_seat_holder(key)].representative_profile.appointments.get()
        return {}, {
            "appointment": str(appointment.pk),
            "major_class": "record",
            "title": "POST 重大事项",
            "body": "说明",
            "attachment": SimpleUploadedFile("note.pdf", PDF),
        }
    if name == "representatives:evaluation_create":
        profile = portfolio[_seat_holder(key)].representative_profile
        return {}, {
            "representative": str(profile.pk),
            "year": "2023",
            "learning": "70",
            "communication": "70",
            "role": "70",
            "proficiency": "70",
            "bottom_line_kept": "on",
            "bottom_line_note": "",
            "grade": "basic",
            "summary": "",
            "evaluated_on": "2024-01-15",
        }
    kwargs = GOVERNANCE_TARGETS[name](key)(portfolio)
    if name == "representatives:meeting_file_upload":
        return kwargs, {"purpose": "materials", "file": SimpleUploadedFile("more.pdf", PDF)}
    if name == "representatives:report_file_upload":
        return kwargs, {"file": SimpleUploadedFile("more.pdf", PDF)}
    control_client = Client()
    control_client.force_login(control)
    data = rendered_form_data(control_client, reverse(name, kwargs=kwargs), **GOVERNANCE_CHANGES[name])
    if name == "representatives:meeting_outcome":
        data["minutes"] = SimpleUploadedFile("minutes.pdf", PDF)
    return kwargs, data


MEETING_WRITES = [
    "representatives:meeting_update",
    "representatives:meeting_cancel",
    "representatives:meeting_outcome",
    "representatives:meeting_file_upload",
    "representatives:proposal_create",
    "representatives:proposal_update",
    "representatives:proposal_vote",
]
REPORT_OWNER_WRITES = [
    "representatives:report_update",
    "representatives:report_submit",
    "representatives:report_refresh",
    "representatives:report_file_upload",
]
EVALUATION_WRITES = ["representatives:evaluation_update", "representatives:evaluation_publish"]
INSTRUCT_URL = "representatives:proposal_instruct"
APPROVE_URL = "representatives:proposal_approve"
REVIEW_URL = "representatives:report_review"
MEETING_CREATE_URL = "representatives:meeting_create"
REPORT_CREATE_URL = "representatives:report_create"
EVALUATION_CREATE_URL = "representatives:evaluation_create"

# (URL name, which object, who POSTs, the status they get). 404: the object is outside their
# scope; 403: they see it but could never act; 200: the form refuses a choice they do not have.
GOVERNANCE_POSTS = [
    # The attending representative's meeting: another JV's representative and a user without a role
    # do not find it; leadership reads it but changes nothing; a colleague in the same JV who does
    # not attend changes nothing either.
    *[
        case
        for name in MEETING_WRITES
        for case in [
            (name, "other", "rep", 404),
            (name, "other", "nobody", 404),
            (name, "other", "anonymous", 302),
            (name, "own", "leader", 403),
            (name, "other", "leader", 403),
            (name, "own", "colleague", 403),
        ]
    ],
    # Instructions: HQ's alone; leadership's approval: leadership's alone.
    (INSTRUCT_URL, "own", "rep", 403),
    (INSTRUCT_URL, "other", "rep", 404),
    (INSTRUCT_URL, "other", "nobody", 404),
    (INSTRUCT_URL, "other", "anonymous", 302),
    (INSTRUCT_URL, "own", "leader", 403),
    (APPROVE_URL, "own", "rep", 403),
    (APPROVE_URL, "other", "rep", 404),
    (APPROVE_URL, "other", "nobody", 404),
    (APPROVE_URL, "other", "anonymous", 302),
    (APPROVE_URL, "other", "hq", 403),
    # Reports: only their own representative writes them, not even a colleague in the same JV;
    # HQ reviews them and writes nothing in them.
    *[
        case
        for name in REPORT_OWNER_WRITES
        for case in [
            (name, "other", "rep", 404),
            (name, "colleague", "rep", 404),
            (name, "other", "nobody", 404),
            (name, "other", "anonymous", 302),
            (name, "own", "leader", 403),
            (name, "own", "hq", 403),
            (name, "own", "admin", 403),
        ]
    ],
    (REVIEW_URL, "own", "rep", 403),
    (REVIEW_URL, "other", "rep", 404),
    (REVIEW_URL, "colleague", "rep", 404),
    (REVIEW_URL, "other", "nobody", 404),
    (REVIEW_URL, "other", "anonymous", 302),
    (REVIEW_URL, "other", "leader", 403),
    # Evaluations: HQ's; a representative does not even find their own draft.
    *[
        case
        for name in EVALUATION_WRITES
        for case in [
            (name, "own_draft", "rep", 404),
            (name, "other_draft", "rep", 404),
            (name, "other_draft", "nobody", 404),
            (name, "other_draft", "anonymous", 302),
            (name, "other_draft", "leader", 403),
        ]
    ],
    # Creating: a meeting or a report only for one's own JV and seat (the others are not choices).
    (MEETING_CREATE_URL, "other", "rep", 200),
    (MEETING_CREATE_URL, "own", "leader", 403),
    (MEETING_CREATE_URL, "own", "nobody", 403),
    (MEETING_CREATE_URL, "own", "anonymous", 302),
    (REPORT_CREATE_URL, "other", "rep", 200),
    (REPORT_CREATE_URL, "colleague", "rep", 200),
    (REPORT_CREATE_URL, "own", "hq", 403),
    (REPORT_CREATE_URL, "own", "leader", 403),
    (REPORT_CREATE_URL, "own", "nobody", 403),
    (REPORT_CREATE_URL, "own", "anonymous", 302),
    (EVALUATION_CREATE_URL, "own", "rep", 403),
    (EVALUATION_CREATE_URL, "own", "leader", 403),
    (EVALUATION_CREATE_URL, "own", "nobody", 403),
    (EVALUATION_CREATE_URL, "own", "anonymous", 302),
    # The controls: the same POSTs from someone allowed go through.
    *[(name, "own", "rep", 302) for name in MEETING_WRITES],
    *[(name, "other", "hq", 302) for name in MEETING_WRITES],
    (INSTRUCT_URL, "other", "hq", 302),
    (APPROVE_URL, "other", "leader", 302),
    (APPROVE_URL, "own", "admin", 302),
    *[(name, "own", "rep", 302) for name in REPORT_OWNER_WRITES],
    *[(name, "other", "other_rep", 302) for name in REPORT_OWNER_WRITES],
    (REVIEW_URL, "other", "hq", 302),
    *[(name, "other_draft", "hq", 302) for name in EVALUATION_WRITES],
    (MEETING_CREATE_URL, "own", "rep", 302),
    (MEETING_CREATE_URL, "other", "hq", 302),
    (REPORT_CREATE_URL, "own", "rep", 302),
    (EVALUATION_CREATE_URL, "other", "hq", 302),
]
# The field that refuses the choice, for the 200 cases above.
REFUSED_CHOICE = {MEETING_CREATE_URL: "jv", REPORT_CREATE_URL: "appointment"}


def _governance_control(name, key):
    """Who may make the POST (the form is rendered for them)."""
    if name == APPROVE_URL:
        return "leader"
    if name in REPORT_OWNER_WRITES:
        return _seat_holder(key)
    if name in MEETING_WRITES and key == "own":
        return "rep"
    return "hq"


def _role_user(role, request, portfolio):
    if role == "colleague":
        return portfolio["colleague"]
    return _user(role, request, portfolio)


@pytest.mark.parametrize(
    ("name", "key", "role", "status"),
    [pytest.param(*case, id="-".join(str(c) for c in case)) for case in GOVERNANCE_POSTS],
)
def test_governance_posts(name, key, role, status, request, portfolio, settings, client_as):
    _governance(portfolio)
    control = _role_user(_governance_control(name, key.removesuffix("_draft")), request, portfolio)
    kwargs, data = _governance_post(name, key, role, control, portfolio)
    before = _governance_snapshot(settings.MEDIA_ROOT)
    response = client_as(_role_user(role, request, portfolio)).post(reverse(name, kwargs=kwargs), data)
    after = _governance_snapshot(settings.MEDIA_ROOT)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert after == before
        return
    assert response.status_code == status, response.context and response.context["form"].errors
    if status == 302:
        # The control: the POST is a real change, so a refusal is the only reason nothing happens.
        assert after != before
        return
    if status == 200:
        assert REFUSED_CHOICE[name] in response.context["form"].errors
    assert after == before


def test_every_governance_write_url_has_post_cases():
    """The new representatives pages are left out of the generic ``test_post``: covered above."""
    covered = {name for name, *_rest in GOVERNANCE_POSTS}
    needed = {
        name
        for name, spec in REGISTRY.items()
        if name in GOVERNANCE_REGISTRY and not spec.generic_post and spec.kind in ("edit", "create")
    }
    assert needed == covered


# --- The notifications pages change only the viewer's own rows ------------------------------------


def _outbox_snapshot(exclude_user=None) -> dict:
    """Every notification and preference row (all columns), except ``exclude_user``'s."""
    notifications = Notification.objects.order_by("pk")
    preferences = NotificationPreference.objects.order_by("pk")
    if exclude_user is not None:
        notifications = notifications.exclude(recipient=exclude_user)
        preferences = preferences.exclude(user=exclude_user)
    return {"notifications": list(notifications.values()), "preferences": list(preferences.values())}


NOTIFICATION_POSTS = [
    pytest.param(name, which, role, id=f"{name}-{which}-{role}")
    for name, which in [
        ("notifications:notification_open", "own"),
        ("notifications:notification_open", "other"),
        ("notifications:notification_read_all", None),
        ("notifications:preferences", None),
    ]
    for role in ROLES
    # Anonymous has no notification of their own.
    if not (role == "anonymous" and which == "own")
]


@pytest.mark.parametrize(("name", "which", "role"), NOTIFICATION_POSTS)
def test_notification_posts_change_only_ones_own(name, which, role, request, portfolio, client_as):
    user = _user(role, request, portfolio)
    inbox = _inbox(portfolio, user)
    kwargs = {"pk": inbox[which].pk} if which else {}
    data = {code: "digest" for code, _label in kinds.choices()} if name.endswith("preferences") else {}
    before_all = _outbox_snapshot()
    before_others = _outbox_snapshot(exclude_user=user)
    response = client_as(user).post(reverse(name, kwargs=kwargs), data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert _outbox_snapshot() == before_all
        return
    if which == "other":
        assert response.status_code == 404
        assert _outbox_snapshot() == before_all
        return
    # The control: the viewer's own change goes through ...
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _outbox_snapshot() != before_all
    if name == "notifications:preferences":
        assert dict(user.notification_preferences.values_list("kind", "delivery")) == data
    else:
        assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    # ... and nobody else's rows moved.
    assert _outbox_snapshot(exclude_user=user) == before_others


# --- Lists, dropdowns and search never name what the representative may not see -------------------

HIDDEN_NAMES = ["他方合资公司", "Hidden Venture Co., Ltd.", "他方外方", "Hidden Partner SA"]


def _hidden_names(portfolio):
    """The other JV, its foreign partner, and the representative who serves only there."""
    other_rep = portfolio["other_rep_profile"]
    return [*HIDDEN_NAMES, other_rep.name, other_rep.name_en]


def _rep_pages(portfolio):
    return [
        reverse("home"),
        reverse("ventures:venture_list"),
        reverse("ventures:party_list"),
        reverse("representatives:representative_list"),
        reverse("ventures:venture_detail", args=[portfolio["own"].pk]),
        # The group company holds shares in both JVs: its page lists only the rep's.
        reverse("ventures:party_detail", args=[portfolio["group"].pk]),
        reverse("ventures:party_detail", args=[portfolio["own_partner"].pk]),
        reverse("representatives:representative_detail", args=[portfolio["rep_profile"].pk]),
        *_rep_demand_pages(portfolio),
        *_rep_governance_pages(portfolio),
        *_rep_research_pages(portfolio),
        *_rep_engagement_pages(portfolio),
        *_rep_search_pages(portfolio),
        # Every list's export holds what the list holds, no more.
        *[
            reverse(f"{name}_export", args=["csv"])
            for name in [
                "ventures:venture_list",
                "ventures:party_list",
                "representatives:representative_list",
                "representatives:meeting_list",
                "representatives:report_list",
                "representatives:evaluation_list",
                "demands:demand_list",
            ]
        ],
    ]


def _rep_engagement_pages(portfolio):
    """The engagement pages a representative reaches: their JVs' engagements (the shared symposium
    too), the calendar, the briefs, the forms."""
    made = engagement_world(portfolio)
    return [
        reverse("engagements:engagement_list"),
        reverse("engagements:engagement_list_export", args=["csv"]),
        reverse("engagements:calendar"),
        reverse("engagements:calendar") + f"?month={made['symposium'].starts_on:%Y-%m}",
        reverse("engagements:contact_overdue"),
        reverse("engagements:engagement_create"),
        reverse("engagements:engagement_detail", args=[made["own"].pk]),
        reverse("engagements:engagement_detail", args=[made["symposium"].pk]),
        reverse("engagements:commitment_create", args=[made["symposium"].pk]),
        reverse("engagements:commitment_update", args=[made["own"].pk, made["own_commitment"].pk]),
        reverse("engagements:venture_brief", args=[portfolio["own"].pk]),
        reverse("engagements:partner_brief", args=[portfolio["group"].pk]),
    ]


# What the search box is given to find the other JV's records, each of which HQ finds (below).
HIDDEN_SEARCHES = [
    "他方",
    "Hidden",
    "合资公司",
    "OTHER_USCC",
    "OTHER_DEMAND",
    "OTHER_REP",
    *HIDDEN_GOVERNANCE[:3],
    # A colleague's report in the representative's own JV is theirs alone.
    "同事重大事项",
    # HQ's findings on the other JV's research, and on the representative's own JV's.
    HIDDEN_RESEARCH[0],
    INTERNAL_OWN[0],
    # The other JV's visit (internal notes are searched for nobody: tests/engagements/test_search).
    HIDDEN_ENGAGEMENT[1],
]


def _search_text(portfolio, text):
    placeholders = {
        "OTHER_USCC": lambda: portfolio["other"].uscc,
        "OTHER_DEMAND": lambda: _demands(portfolio)["other"].reference,
        "OTHER_REP": lambda: portfolio["other_rep_profile"].name,
    }
    return placeholders[text]() if text in placeholders else text


def _rep_search_pages(portfolio):
    """The search page, asked for the other JV's names, codes and texts. The page repeats the
    query, so each is cut short of the whole hidden string (its first word, a name less its last
    letter): what must not appear is the rest."""
    _search_world(portfolio)
    texts = [_search_text(portfolio, t) for t in HIDDEN_SEARCHES]
    texts = [t[:-1] if t == portfolio["other_rep_profile"].name else t.split()[0] for t in texts]
    return [f"{reverse('search')}?{urlencode({'q': text})}" for text in texts]


def _rep_research_pages(portfolio):
    """The research pages a representative reaches: their JV's research and data returns."""
    made = research_world(portfolio)
    return [
        reverse("research:research_list"),
        reverse("research:research_list") + f"?year={made['own_submitted'].year}",
        reverse("research:research_list_export", args=["csv"]),
        reverse("research:research_detail", args=[made["own"].pk]),
        reverse("research:research_detail", args=[made["own_submitted"].pk]),
        reverse("research:return_update", args=[made["own"].pk]),
        reverse("research:wish_demand", args=[made["own"].pk, made["own_wish"].pk]),
    ]


def _rep_governance_pages(portfolio):
    """The meetings, reports and evaluations pages a representative reaches, and the forms on them."""
    made = _governance(portfolio)
    meeting, begun = made["meetings"]["own"], made["meetings"]["own_begun"]
    report = made["reports"]["own"]
    return [
        reverse("representatives:meeting_list"),
        reverse("representatives:meeting_list") + "?when=ahead",
        reverse("representatives:meeting_create"),
        reverse("representatives:meeting_create") + f"?jv={portfolio['other'].pk}",
        reverse("representatives:meeting_detail", args=[meeting.pk]),
        reverse("representatives:meeting_detail", args=[begun.pk]),
        reverse("representatives:meeting_update", args=[meeting.pk]),
        reverse("representatives:proposal_create", args=[meeting.pk]),
        reverse("representatives:proposal_vote", args=[begun.pk, made["proposals"]["own_voted"].pk]),
        reverse("representatives:report_list"),
        reverse("representatives:report_list") + "?scope=owed",
        reverse("representatives:report_create"),
        reverse("representatives:report_detail", args=[report.pk]),
        reverse("representatives:report_detail", args=[made["reports"]["own_submitted"].pk]),
        reverse("representatives:report_update", args=[report.pk]),
        reverse("representatives:evaluation_list"),
        reverse("representatives:evaluation_detail", args=[made["evaluations"]["own"].pk]),
    ]


def _rep_demand_pages(portfolio):
    """The demands pages a representative reaches: their JV's demands, and the forms on them."""
    demands = _demands(portfolio)
    by_jv = "?by=jv"
    return [
        reverse("demands:demand_list"),
        reverse("demands:demand_create"),
        reverse("demands:demand_create") + f"?jv={portfolio['other'].pk}",
        reverse("demands:demand_report") + by_jv,
        reverse("demands:demand_report_export", args=["csv"]) + by_jv,
        reverse("demands:demand_detail", args=[demands["own"].pk]),
        reverse("demands:demand_detail", args=[demands["own_resolved"].pk]),
        reverse("demands:demand_update", args=[demands["own"].pk]),
        reverse("demands:demand_rate", args=[demands["own_resolved"].pk]),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rep_pages_never_name_the_other_venture(language, portfolio, client_as):
    rep = portfolio["rep"]
    rep.language = language
    rep.save(update_fields=["language"])
    client = client_as(rep)
    for url in _rep_pages(portfolio):
        response = client.get(url)
        assert response.status_code == 200, url
        content = body(response).decode()
        for hidden in [
            *_hidden_names(portfolio),
            *HIDDEN_DEMAND_TITLES,
            *HIDDEN_GOVERNANCE,
            *HIDDEN_RESEARCH,
            # HQ's own writing about the rep's JV is internal too.
            *INTERNAL_OWN,
            # HQ's notes on engagements, the other JV's engagement and its part of a shared one.
            *HIDDEN_ENGAGEMENT,
        ]:
            assert hidden not in content, (url, hidden)


def test_hq_pages_do_name_the_other_venture(portfolio, hq, client_as):
    """The control for the test above: the same pages show the names to HQ (in either language)."""
    client = client_as(hq)
    seen = ""
    for language in ["en", "zh-hans"]:
        hq.language = language
        hq.save(update_fields=["language"])
        for url in [*_rep_pages(portfolio)[:4], *_rep_demand_pages(portfolio)[:5]]:
            seen += body(client.get(url)).decode()
    for hidden in [*_hidden_names(portfolio), *HIDDEN_DEMAND_TITLES]:
        assert hidden in seen, hidden


def test_hq_pages_do_name_the_others_meetings_reports_and_evaluations(portfolio, hq, client_as):
    """The control for the governance names above: HQ reads them on the lists and the records."""
    made = _governance(portfolio)
    client = client_as(hq)
    urls = [
        reverse("representatives:meeting_list"),
        reverse("representatives:report_list"),
        reverse("representatives:meeting_detail", args=[made["meetings"]["other"].pk]),
        *[
            reverse("representatives:report_detail", args=[made["reports"][key].pk])
            for key in ("other", "colleague")
        ],
        *[
            reverse("representatives:evaluation_detail", args=[made["evaluations"][key].pk])
            for key in ("other", "colleague", "own_draft")
        ],
    ]
    seen = "".join(body(client.get(url)).decode() for url in urls)
    for hidden in HIDDEN_GOVERNANCE:
        assert hidden in seen, hidden


LIST_URLS = [
    "ventures:venture_list",
    "ventures:party_list",
    "representatives:representative_list",
    "demands:demand_list",
    "representatives:meeting_list",
    "representatives:report_list",
    "representatives:evaluation_list",
]


def _setup(url_name, portfolio):
    spec = REGISTRY[url_name]
    if spec.setup is not None:
        spec.setup(portfolio)


@pytest.mark.parametrize("url_name", LIST_URLS)
def test_htmx_list_results_never_name_the_other_venture(url_name, portfolio, hq, client_as):
    """The filter form refreshes the results alone (htmx); they are scoped the same way."""
    _setup(url_name, portfolio)
    rep_results = client_as(portfolio["rep"]).get(reverse(url_name), headers={"HX-Request": "true"})
    hq_results = client_as(hq).get(reverse(url_name), headers={"HX-Request": "true"})
    for response in (rep_results, hq_results):
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
    rep_content = rep_results.content.decode()
    assert len(rep_results.context["object_list"]) >= 1
    for hidden in [*_hidden_names(portfolio), *HIDDEN_DEMAND_TITLES, *HIDDEN_GOVERNANCE]:
        assert hidden not in rep_content, hidden
    # The control: HQ's results do show the other JV's rows.
    assert len(hq_results.context["object_list"]) > len(rep_results.context["object_list"])


def test_counts_on_the_party_list_include_only_visible_ventures(portfolio, hq, client_as):
    """The group company holds shares in both JVs; the rep's count must not reveal the other."""
    rep_rows = client_as(portfolio["rep"]).get(reverse("ventures:party_list")).context["object_list"]
    assert {p.name: p.venture_count for p in rep_rows} == {"集团公司": 1, "本方外方": 1}
    hq_rows = client_as(hq).get(reverse("ventures:party_list")).context["object_list"]
    assert {p.name: p.venture_count for p in hq_rows}["集团公司"] == 2


def test_filter_dropdowns_offer_only_what_the_rep_sees(portfolio, client_as):
    client = client_as(portfolio["rep"])
    ventures_page = client.get(reverse("ventures:venture_list"))
    countries = [
        code
        for code, _label in ventures_page.context["filter"].form.fields["partner_country"].choices
        if code
    ]
    assert countries == ["DE"]
    reps_page = client.get(reverse("representatives:representative_list"))
    jvs = list(reps_page.context["filter"].form.fields["jv"].queryset)
    assert jvs == [portfolio["own"]]
    _demands(portfolio)
    demands_page = client.get(reverse("demands:demand_list"))
    assert list(demands_page.context["filter"].form.fields["jv"].queryset) == [portfolio["own"]]


def test_filter_dropdowns_offer_everything_to_hq(portfolio, hq, client_as):
    client = client_as(hq)
    ventures_page = client.get(reverse("ventures:venture_list"))
    countries = {
        code
        for code, _label in ventures_page.context["filter"].form.fields["partner_country"].choices
        if code
    }
    assert countries == {"DE", "FR"}
    reps_page = client.get(reverse("representatives:representative_list"))
    assert set(reps_page.context["filter"].form.fields["jv"].queryset) == {
        portfolio["own"],
        portfolio["other"],
    }
    _demands(portfolio)
    demands_page = client.get(reverse("demands:demand_list"))
    assert set(demands_page.context["filter"].form.fields["jv"].queryset) == {
        portfolio["own"],
        portfolio["other"],
    }


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("ventures:venture_list", {"q": "Hidden"}),
        ("ventures:venture_list", {"q": "他方"}),
        ("ventures:venture_list", {"partner_country": "FR"}),
        ("ventures:party_list", {"q": "Hidden"}),
        ("representatives:representative_list", {"q": "other_rep"}),
        ("representatives:representative_list", {"jv": "OTHER"}),
        ("demands:demand_list", {"q": "Hidden"}),
        ("demands:demand_list", {"q": "他方"}),
        ("demands:demand_list", {"q": "OTHER_DEMAND"}),
        ("demands:demand_list", {"jv": "OTHER"}),
        ("representatives:meeting_list", {"q": "Hidden"}),
        ("representatives:meeting_list", {"jv": "OTHER"}),
        ("representatives:report_list", {"jv": "OTHER"}),
        ("representatives:report_list", {"representative": "other_rep"}),
        # A colleague in the same JV: their reports are theirs alone.
        ("representatives:report_list", {"representative": "colleague"}),
        ("representatives:evaluation_list", {"q": "other_rep"}),
        ("representatives:evaluation_list", {"q": "colleague"}),
        # The representative's own evaluation of that year is still a draft.
        ("representatives:evaluation_list", {"year": "2025"}),
        ("representatives:evaluation_list", {"status": "draft"}),
    ],
)
def test_search_and_filters_find_nothing_hidden(url_name, query, portfolio, hq, client_as):
    _setup(url_name, portfolio)
    placeholders = {
        "OTHER": lambda: str(portfolio["other"].pk),
        # The other JV's demand by its reference, as people quote it ("D-00003").
        "OTHER_DEMAND": lambda: _demands(portfolio)["other"].reference,
    }
    query = {k: placeholders[v]() if v in placeholders else v for k, v in query.items()}
    rep_rows = client_as(portfolio["rep"]).get(reverse(url_name), query).context["object_list"]
    assert list(rep_rows) == []
    # HQ finds something with the same query, so the query itself is not the reason.
    hq_rows = client_as(hq).get(reverse(url_name), query).context["object_list"]
    assert len(hq_rows) >= 1


@pytest.mark.parametrize("text", HIDDEN_SEARCHES)
def test_the_search_finds_nothing_hidden(text, portfolio, hq, client_as):
    """Not even by the exact code or reference; HQ finds something with the same text."""
    _search_world(portfolio)
    query = {"q": _search_text(portfolio, text)}
    rep_results = client_as(portfolio["rep"]).get(reverse("search"), query).context["results"]
    hidden = [
        hit.title
        for group in rep_results.groups
        for hit in group.hits
        if "他方" in hit.title or "Hidden" in hit.title or "同事" in hit.title
    ]
    assert hidden == []
    if text not in ("合资公司", "他方"):
        # The rep's own JV shares no word with these: nothing at all.
        assert rep_results.groups == [] or text == "Hidden", rep_results.groups
    hq_results = client_as(hq).get(reverse("search"), query).context["results"]
    assert hq_results.total >= 1


# --- Appointments decide what a representative sees ------------------------------------------------


def _own_pages(portfolio):
    return [
        reverse("ventures:venture_detail", args=[portfolio["own"].pk]),
        reverse("ventures:party_detail", args=[portfolio["own_partner"].pk]),
    ]


def test_a_rep_whose_appointment_ended_no_longer_sees_the_venture(portfolio, client_as):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Appointment.objects.filter(pk=portfolio["own_appointment"].pk).update(end_date=yesterday)
    client = client_as(portfolio["rep"])
    for url in _own_pages(portfolio):
        assert client.get(url).status_code == 404, url
    assert list(client.get(reverse("ventures:venture_list")).context["object_list"]) == []
    home = client.get(reverse("home"))
    assert home.context["cards"] == []
    assert "本方合资公司" not in home.content.decode()


def test_a_rep_still_sees_the_venture_on_the_last_day_in_post(portfolio, client_as):
    Appointment.objects.filter(pk=portfolio["own_appointment"].pk).update(end_date=timezone.localdate())
    client = client_as(portfolio["rep"])
    for url in _own_pages(portfolio):
        assert client.get(url).status_code == 200, url


def test_a_rep_does_not_see_the_venture_before_the_appointment_starts(portfolio, client_as):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Appointment.objects.filter(pk=portfolio["own_appointment"].pk).update(start_date=tomorrow)
    client = client_as(portfolio["rep"])
    for url in _own_pages(portfolio):
        assert client.get(url).status_code == 404, url


# --- Meetings, reports and evaluations follow the appointment and the person -----------------------


def _own_governance_pages(portfolio):
    """The representative's own meetings, reports, files and forms, in the JV where they serve."""
    made = _governance(portfolio)
    meeting, begun = made["meetings"]["own"], made["meetings"]["own_begun"]
    report = made["reports"]["own"]
    return [
        reverse("representatives:meeting_detail", args=[meeting.pk]),
        reverse("representatives:meeting_detail", args=[begun.pk]),
        reverse("representatives:meeting_file", args=[meeting.pk, made["files"]["own"].pk]),
        reverse("representatives:meeting_update", args=[meeting.pk]),
        reverse("representatives:proposal_create", args=[meeting.pk]),
        reverse("representatives:proposal_update", args=[meeting.pk, made["proposals"]["own"].pk]),
        reverse("representatives:proposal_vote", args=[begun.pk, made["proposals"]["own_voted"].pk]),
        reverse("representatives:meeting_outcome", args=[begun.pk]),
        reverse("representatives:report_detail", args=[report.pk]),
        reverse("representatives:report_detail", args=[made["reports"]["own_submitted"].pk]),
        reverse("representatives:report_file", args=[report.pk, made["files"]["own_report"].pk]),
        reverse("representatives:report_update", args=[report.pk]),
        reverse("representatives:report_submit", args=[report.pk]),
        reverse("representatives:report_refresh", args=[report.pk]),
    ]


def _get(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def test_a_rep_who_left_the_venture_sees_none_of_its_meetings_or_reports(portfolio, settings, client_as):
    pages = _own_governance_pages(portfolio)
    client = client_as(portfolio["rep"])
    owed = str(_governance(portfolio)["reports"]["own"].heading)
    on_home = ["本方董事会 Own Board Meeting", owed]
    # The control: in post, every page opens and the home page lists the meeting and the report owed.
    for url in pages:
        assert _get(client, url).status_code == 200, url
    home = client.get(reverse("home")).content.decode()
    for title in on_home:
        assert title in home, title
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Appointment.objects.filter(pk=portfolio["own_appointment"].pk).update(end_date=yesterday)
    for url in pages:
        assert _get(client, url).status_code == 404, url
    for name in ("meeting_list", "report_list"):
        assert list(client.get(reverse(f"representatives:{name}")).context["object_list"]) == [], name
    home = client.get(reverse("home")).content.decode()
    for title in on_home:
        assert title not in home, title
    # Their evaluation is about them, not the JV: it stays theirs.
    assert len(client.get(reverse("representatives:evaluation_list")).context["object_list"]) == 1
    # Nor can they change anything there any more.
    made = _governance(portfolio)
    meeting, report = made["meetings"]["own"], made["reports"]["own"]
    before = _governance_snapshot(settings.MEDIA_ROOT)
    posts = [
        (
            reverse("representatives:meeting_update", args=[meeting.pk]),
            {"version": meeting.version, "title": "After leaving"},
        ),
        (reverse("representatives:proposal_create", args=[meeting.pk]), {"title": "After leaving"}),
        (
            reverse("representatives:meeting_file_upload", args=[meeting.pk]),
            {"purpose": "materials", "file": SimpleUploadedFile("late.pdf", PDF)},
        ),
        (
            reverse("representatives:report_update", args=[report.pk]),
            {"version": report.version, "body": "Late"},
        ),
        (reverse("representatives:report_submit", args=[report.pk]), {"version": report.version}),
        (
            reverse("representatives:report_file_upload", args=[report.pk]),
            {"file": SimpleUploadedFile("late.pdf", PDF)},
        ),
        (
            reverse("representatives:report_create"),
            {
                "appointment": portfolio["own_appointment"].pk,
                "major_class": "record",
                "title": "Late",
                "body": "Late",
            },
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        if url == reverse("representatives:report_create"):
            # A representative still, but the ended seat is no longer a choice.
            assert response.status_code == 200
            assert "appointment" in response.context["form"].errors
        else:
            assert response.status_code == 404, url
    assert _governance_snapshot(settings.MEDIA_ROOT) == before


def test_a_colleague_in_the_same_venture_never_sees_anothers_reports_or_evaluations(portfolio, client_as):
    """Meetings belong to the JV, which both see; reports and evaluations belong to the person."""
    made = _governance(portfolio)
    report = made["reports"]["colleague"]
    personal = [
        reverse("representatives:report_detail", args=[report.pk]),
        reverse("representatives:report_detail", args=[made["reports"]["colleague_submitted"].pk]),
        reverse("representatives:report_file", args=[report.pk, made["files"]["colleague_report"].pk]),
        reverse("representatives:report_update", args=[report.pk]),
        reverse("representatives:evaluation_detail", args=[made["evaluations"]["colleague"].pk]),
    ]
    rep = client_as(portfolio["rep"])
    for url in personal:
        assert _get(rep, url).status_code == 404, url
    reports = rep.get(reverse("representatives:report_list")).context["object_list"]
    assert {r.appointment.representative.user for r in reports} == {portfolio["rep"]}
    evaluations = rep.get(reverse("representatives:evaluation_list")).context["object_list"]
    assert [e.pk for e in evaluations] == [made["evaluations"]["own"].pk]
    # Both see the JV's meetings.
    assert (
        _get(rep, reverse("representatives:meeting_detail", args=[made["meetings"]["own"].pk])).status_code
        == 200
    )
    # The control: the colleague opens their own.
    colleague = client_as(portfolio["colleague"])
    for url in personal:
        assert _get(colleague, url).status_code == 200, url
    assert (
        _get(
            colleague, reverse("representatives:meeting_detail", args=[made["meetings"]["own"].pk])
        ).status_code
        == 200
    )


def test_a_rep_never_sees_their_own_evaluation_while_hq_drafts_it(portfolio, client_as):
    made = _governance(portfolio)
    draft = made["evaluations"]["own_draft"]
    client = client_as(portfolio["rep"])
    assert client.get(reverse("representatives:evaluation_detail", args=[draft.pk])).status_code == 404
    rows = client.get(reverse("representatives:evaluation_list")).context["object_list"]
    assert draft not in rows
    # Once HQ publishes it, it is theirs to read.
    rep_services.evaluation_publish(
        evaluation=draft, actor=f.make_user(Role.HQ_STAFF), expected_version=draft.version
    )
    assert client.get(reverse("representatives:evaluation_detail", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("role", ["rep", "hq"])
def test_proposals_and_files_are_reached_only_through_their_own_meeting(role, request, portfolio, client_as):
    """Another meeting's proposal or file under the viewer's own meeting's URL is a 404, even for HQ."""
    made = _governance(portfolio)
    own, other = made["meetings"]["own"], made["meetings"]["other"]
    client = client_as(_user(role, request, portfolio))
    urls = [
        reverse("representatives:proposal_update", args=[own.pk, made["proposals"]["other"].pk]),
        reverse("representatives:proposal_instruct", args=[own.pk, made["proposals"]["other_pending"].pk]),
        reverse("representatives:proposal_vote", args=[own.pk, made["proposals"]["other_voted"].pk]),
        reverse("representatives:meeting_file", args=[own.pk, made["files"]["other"].pk]),
        reverse(
            "representatives:report_file",
            args=[made["reports"]["own"].pk, made["files"]["other_report"].pk],
        ),
    ]
    for url in urls:
        assert _get(client, url).status_code == 404, url
    # The control: through their own meeting, the same file opens for HQ.
    if role == "hq":
        url = reverse("representatives:meeting_file", args=[other.pk, made["files"]["other"].pk])
        assert _get(client, url).status_code == 200


def test_governance_dropdowns_offer_only_what_the_rep_may_choose(portfolio, client_as):
    _governance(portfolio)
    client = client_as(portfolio["rep"])
    meeting_form = client.get(reverse("representatives:meeting_create")).context["form"]
    assert list(meeting_form.fields["jv"].queryset) == [portfolio["own"]]
    # The attendee is the representative themself, with no empty choice.
    assert list(meeting_form.fields["representative"].queryset) == [portfolio["rep_profile"]]
    assert meeting_form.fields["representative"].empty_label is None
    report_form = client.get(reverse("representatives:report_create")).context["form"]
    # Not the colleague's seat in the same JV.
    assert list(report_form.fields["appointment"].queryset) == [portfolio["own_appointment"]]
    for name in ("meeting_list", "report_list"):
        jvs = client.get(reverse(f"representatives:{name}")).context["filter"].form.fields["jv"].queryset
        assert list(jvs) == [portfolio["own"]], name


def test_governance_dropdowns_offer_everything_to_hq(portfolio, hq, client_as):
    _governance(portfolio)
    client = client_as(hq)
    meeting_form = client.get(reverse("representatives:meeting_create")).context["form"]
    assert set(meeting_form.fields["jv"].queryset) == {portfolio["own"], portfolio["other"]}
    assert set(meeting_form.fields["representative"].queryset) == {
        portfolio["rep_profile"],
        portfolio["other_rep_profile"],
        portfolio["colleague"].representative_profile,
    }
    for name in ("meeting_list", "report_list"):
        jvs = client.get(reverse(f"representatives:{name}")).context["filter"].form.fields["jv"].queryset
        assert set(jvs) == {portfolio["own"], portfolio["other"]}, name
