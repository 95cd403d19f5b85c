"""One language at a time: in English nothing is Chinese, in Chinese nothing is English.

The main pages and the SLA report's exports are rendered in each language, for HQ and for a
representative, over a small portfolio in which every record that has a name has it in both
languages. What a person reads (text, page titles, option labels, and the ``title``,
``aria-label``, ``placeholder`` and ``alt`` attributes) may hold the other language only where it
is data that exists in one language alone (a demand's title, a meeting's, a note), listed in
``ENGLISH_ONLY_DATA`` and ``CHINESE_ONLY_DATA``, or a code (D-00012, social credit codes, ISO
codes, e-mail addresses, usernames, file names). The language switcher's option for the other
language is meant to be there.
"""

import csv
import datetime
import io
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.services import save_with_history
from core.uploads import check_upload
from demands import services as demand_services
from demands.models import Demand
from engagements import services as engagement_services
from engagements.models import Topic
from representatives import services as rep_services
from representatives.choices import ReportKind
from representatives.models import Report, Representative
from research import services as research_services
from tests import factories as f
from tests.downloads import body
from tests.research.builders import figures as research_figures

LANGUAGES = ("en", "zh-hans")
ROLES = ("hq", "rep")

# Chinese characters and the full-width punctuation that comes with them.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
WORD = re.compile(r"[A-Za-z]+")
# Codes a Chinese page may show as they are.
CODES = [
    re.compile(r"[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"),  # e-mail addresses
    re.compile(r"(?<![A-Za-z0-9])D-\d+"),  # demand references
    re.compile(r"(?<![A-Za-z0-9])[0-9A-Z]{18}(?![A-Za-z0-9])"),  # unified social credit codes
    re.compile(r"[A-Za-z0-9_.-]+\.(pdf|xlsx|csv)(?![A-Za-z])"),  # file names
    re.compile(r"(?<![A-Za-z0-9])(?:[A-Z2-7]{4} ){7}[A-Z2-7]{4}(?![A-Za-z0-9])"),  # a TOTP secret, grouped
]
# ISO currency and country codes, the file formats the upload help names, the standard for the
# social credit code, and file-size units.
CODE_WORDS = {"CNY", "USD", "EUR", "JPY", "HKD", "GBP", "CHF", "SEK", "KRW", "CN", "DE", "FR"}
CODE_WORDS |= {"PDF", "Office", "ZIP", "GB", "KB", "MB", "CSV", "XLSX", "Excel"}
# The authenticator apps the two-factor set-up names (products, named as they are).
CODE_WORDS |= {"Microsoft", "Google", "Authenticator", "FreeOTP"}

# Data the test portfolio holds in one language only.
ENGLISH_ONLY_DATA = [
    "Export credit insurance",
    "Talent apartments",
    "Approve the annual budget",
    "Appoint the auditor",
    "Supplier audit",
    "Steady and reliable.",
    "Access to the Xiong'an market",
    "JV work symposium",
    "Land is the partner's worry.",
]
CHINESE_ONLY_DATA = [
    "请协助申请出口信用保险补贴。",
    "请协助落实人才公寓。",
    "材料已收到。",
    "2026年第一次董事会",
    "预算须经集团批准。",
    "本季度生产经营正常。",
    "主要供应商审计情况。",
    "订单饱满，产能利用率高。",
    "六家合资企业发言。",
    "协调用地指标。",
]
# Logins are typed as they are; the test users' display names are their logins.
USERNAMES = ["hq", "rep", "other_rep", "leader"]

# Attributes a person reads (or hears, with a screen reader).
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class VisibleText(HTMLParser):
    """Collect what a person reads on a page: text outside <script> and <style>, the attributes
    in ``READ_ATTRIBUTES``, the labels of submit buttons; but not text an element declares to be
    in another language (``lang``), as the language menu's entries do, each naming its language
    in that language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.html_lang = None
        self._skip = 0
        self._in_language_select = False
        self._foreign: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "select" and attrs.get("name") == "language":
            self._in_language_select = True
        declared = (attrs.get("lang") or "").lower()
        page = (self.html_lang or "").lower()
        if tag != "html" and declared and page and declared != page and self._foreign is None:
            self._foreign = tag
        for name in READ_ATTRIBUTES & attrs.keys():
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "select":
            self._in_language_select = False
        if tag == self._foreign:
            self._foreign = None

    def handle_data(self, data):
        if self._skip or self._in_language_select or self._foreign:
            return
        text = " ".join(data.split())
        if text:
            self.parts.append(text)


def _without_data(text: str, data: list[str]) -> str:
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def offending(parts, language: str) -> list[str]:
    """The strings among ``parts`` that are in the other language, data and codes aside."""
    bad = []
    for part in parts:
        if language == "en":
            if CJK.search(_without_data(part, CHINESE_ONLY_DATA)):
                bad.append(part)
        else:
            text = _without_data(part, ENGLISH_ONLY_DATA)
            for code in CODES:
                text = code.sub(" ", text)
            words = set(WORD.findall(text)) - CODE_WORDS - set(USERNAMES)
            if words:
                bad.append(part)
    return list(dict.fromkeys(bad))


def test_the_check_finds_the_other_language_but_not_data_or_codes():
    assert offending(
        ["Own Venture Co., Ltd.", "名称 (descending)", "D-00012 Export credit insurance"], "en"
    ) == ["名称 (descending)"]
    assert offending(
        ["名称 (descending)", "Breadcrumb", "需求D-00012：Export credit insurance", "1,000,000 CNY", "hq"],
        "zh-hans",
    ) == ["名称 (descending)", "Breadcrumb"]


def _pdf(name):
    return check_upload(SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(portfolio, hq):
    """A demand worked on, a meeting with a proposal HQ instructed, reports, an evaluation and the
    notifications all this sends; every name in both languages."""
    rep = portfolio["rep"]
    own = portfolio["own"]
    Representative.objects.filter(pk=portfolio["rep_profile"].pk).update(name="李明", name_en="Li Ming")
    Representative.objects.filter(pk=portfolio["other_rep_profile"].pk).update(
        name="王强", name_en="Wang Qiang"
    )
    hq.department = own.department
    hq.save(update_fields=["department"])
    own.liaison = hq
    own.save(update_fields=["liaison"])

    demand = f.make_demand(
        own,
        rep,
        title="Export credit insurance",
        description="请协助申请出口信用保险补贴。",
        attachment=_pdf("policy.pdf"),
    )
    Demand.objects.filter(pk=demand.pk).update(department=own.department)
    demand = Demand.objects.get(pk=demand.pk)
    demand_services.demand_transition(demand=demand, action="accept", actor=hq, note="材料已收到。")
    demand_services.demand_comment(demand=Demand.objects.get(pk=demand.pk), actor=rep, text="材料已收到。")

    when = (timezone.localtime() + datetime.timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    meeting = rep_services.meeting_register(
        actor=rep,
        data={
            "jv": own,
            "kind": "board",
            "title": "2026年第一次董事会",
            "meeting_at": when,
            "place": "",
            "representative": portfolio["rep_profile"],
            "short_notice": False,
            "short_notice_reason": "",
        },
        materials=_pdf("agenda.pdf"),
    )
    proposal = rep_services.proposal_add(
        meeting=meeting,
        actor=rep,
        data={
            "title": "Approve the annual budget",
            "description": "",
            "matter": "",
            "decision": "hq",
            "decision_reason": "预算须经集团批准。",
        },
    )
    # One HQ still has to instruct, so the instruction queue lists it.
    rep_services.proposal_add(
        meeting=meeting,
        actor=rep,
        data={
            "title": "Appoint the auditor",
            "description": "",
            "matter": "",
            "decision": "hq",
            "decision_reason": "预算须经集团批准。",
        },
    )
    rep_services.instruction_draft(
        proposal=proposal,
        actor=hq,
        data={"instruction_vote": "for", "instruction_note": "", "major": False},
        expected_version=proposal.version,
        issue=True,
    )

    quarterly = Report(
        appointment=portfolio["own_appointment"],
        kind=ReportKind.QUARTERLY,
        year=2026,
        quarter=1,
        due_date=datetime.date(2026, 4, 15),
        body="本季度生产经营正常。",
    )
    save_with_history(instance=quarterly, actor=None)
    major = rep_services.report_create_major(
        actor=rep,
        appointment=portfolio["own_appointment"],
        data={"major_class": "record", "title": "Supplier audit", "body": "主要供应商审计情况。"},
    )
    rep_services.report_submit(report=major, actor=rep, expected_version=major.version)

    evaluation = rep_services.evaluation_create(
        actor=hq,
        data={
            "representative": portfolio["rep_profile"],
            "year": 2025,
            "learning": 85,
            "communication": 80,
            "role": 90,
            "proficiency": 75,
            "bottom_line_kept": True,
            "bottom_line_note": "",
            "grade": "competent",
            "summary": "Steady and reliable.",
            "evaluated_on": datetime.date(2026, 1, 15),
        },
    )
    rep_services.evaluation_publish(evaluation=evaluation, actor=hq, expected_version=evaluation.version)

    research = research_services.research_open(jv=own, year=2026, actor=hq)
    research = research_services.research_transition(
        research=research, action="start", actor=hq, expected_version=research.version
    )
    research_services.research_update(
        research=research,
        actor=hq,
        data={"findings": "订单饱满，产能利用率高。"},
        expected_version=research.version,
    )
    data_return = research.data_return
    data_return = research_services.data_return_update(
        data_return=data_return,
        actor=rep,
        data=research_figures(),
        wishes=[{"title": "Access to the Xiong'an market", "category": "market"}],
        expected_version=data_return.version,
    )
    research_services.data_return_submit(
        data_return=data_return, actor=rep, expected_version=data_return.version
    )
    leader = f.make_user(Role.LEADERSHIP, username="leader")
    engagement = engagement_services.engagement_create(
        actor=hq,
        data={
            "kind": "symposium",
            "status": "held",
            "title": "JV work symposium",
            "starts_on": datetime.date(2026, 5, 24),
            "summary": "六家合资企业发言。",
            "internal_notes": "Land is the partner's worry.",
        },
        ventures=[own],
        partners=[portfolio["own_partner"]],
        attendees=[leader, hq],
        topics=list(Topic.objects.all()[:2]),
    )
    commitment = engagement_services.commitment_add(
        engagement=engagement,
        actor=hq,
        data={"jv": own, "text": "协调用地指标。", "owner": hq, "due_date": datetime.date(2026, 6, 30)},
    )
    engagement_services.commitment_add(
        engagement=engagement, actor=hq, data={"jv": own, "text": "Export credit insurance", "owner": hq}
    )
    engagement_services.commitment_to_demand(commitment=commitment, actor=hq, data={"category": "land"})
    return {
        "engagement": engagement,
        "research": research,
        "demand": demand,
        "meeting": meeting,
        "quarterly": quarterly,
        "major": major,
        "evaluation": evaluation,
    }


def pages(portfolio, world, role: str) -> list[str]:
    urls = [
        reverse("home"),
        reverse("ventures:venture_list"),
        reverse("ventures:venture_detail", args=[portfolio["own"].pk]),
        reverse("ventures:party_list"),
        reverse("ventures:party_detail", args=[portfolio["own_partner"].pk]),
        reverse("representatives:representative_list"),
        reverse("representatives:representative_detail", args=[portfolio["rep_profile"].pk]),
        reverse("representatives:meeting_list"),
        reverse("representatives:meeting_detail", args=[world["meeting"].pk]),
        reverse("representatives:report_list"),
        reverse("representatives:report_detail", args=[world["quarterly"].pk]),
        reverse("representatives:report_detail", args=[world["major"].pk]),
        reverse("representatives:evaluation_list"),
        reverse("representatives:evaluation_detail", args=[world["evaluation"].pk]),
        reverse("demands:demand_list"),
        reverse("demands:demand_detail", args=[world["demand"].pk]),
        reverse("demands:demand_report"),
        reverse("research:research_list"),
        reverse("research:research_detail", args=[world["research"].pk]),
        reverse("engagements:engagement_list"),
        reverse("engagements:calendar") + "?month=2026-05",
        reverse("engagements:contact_overdue"),
        reverse("engagements:engagement_detail", args=[world["engagement"].pk]),
        reverse("engagements:venture_brief", args=[portfolio["own"].pk]),
        reverse("engagements:partner_brief", args=[portfolio["own_partner"].pk]),
        reverse("engagements:engagement_create"),
        reverse("notifications:notification_list"),
        reverse("notifications:preferences"),
        reverse("password_change"),
        reverse("accounts:two_factor"),
        reverse("accounts:two_factor_enrol"),
        # The search page: empty, too short, nothing found, and hits. The page repeats the query,
        # so each is a code or data of one language: a JV's code (its other-language name is
        # marked with its lang), a demand's title, a meeting's, a report's text, a login.
        *[
            f"{reverse('search')}?{urlencode({'q': text})}" if text else reverse("search")
            for text in [
                "",
                "1",
                "0000000",
                portfolio["own"].uscc,
                "Export credit insurance",
                "2026年第一次董事会",
                "本季度生产经营正常。",
                "rep",
            ]
        ],
    ]
    demand, meeting = world["demand"].pk, world["meeting"].pk
    if role == "hq":
        # HQ's own pages, and forms with dropdowns of records and people.
        urls += [
            reverse("portfolio:portfolio"),
            reverse("portfolio:figures"),
            reverse("portfolio:scorecard", args=[portfolio["own"].pk]),
            reverse("portfolio:ownership"),
            # The JVs' lines (their figures are of 2024), and the year of the governance.
            reverse("portfolio:annual_report", args=[2024]),
            reverse("portfolio:annual_report", args=[2026]),
            reverse("representatives:instruction_queue"),
            reverse("ventures:venture_update", args=[portfolio["own"].pk]),
            reverse("ventures:shareholding_create", args=[portfolio["own"].pk]),
            reverse("representatives:appointment_create", args=[portfolio["rep_profile"].pk]),
            reverse("representatives:evaluation_create"),
            reverse("representatives:meeting_create"),
            reverse("demands:demand_route", args=[demand]),
            reverse("demands:demand_transition", args=[demand, "resolve"]),
            reverse("research:research_update", args=[world["research"].pk]),
            reverse("research:return_review", args=[world["research"].pk]),
            reverse("research:recommendation_create", args=[world["research"].pk]),
            reverse("research:research_open"),
            reverse("engagements:engagement_update", args=[world["engagement"].pk]),
            reverse("engagements:commitment_create", args=[world["engagement"].pk]),
        ]
    else:
        urls += [
            reverse("demands:demand_create"),
            reverse("representatives:meeting_create"),
            reverse("representatives:proposal_create", args=[meeting]),
            reverse("representatives:report_create"),
            reverse("representatives:report_update", args=[world["quarterly"].pk]),
        ]
    return urls


def _client(client, user, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _check_page(response, url, language, problems):
    assert response.status_code == 200, (url, response.status_code)
    parser = VisibleText()
    parser.feed(response.content.decode())
    if parser.html_lang != language:
        problems.append(f"{url}: <html lang={parser.html_lang!r}>, not {language!r}")
    for text in offending(parser.parts, language):
        problems.append(f"{url}: {text!r}")


def _report(problems, language, role) -> str:
    other = "Chinese" if language == "en" else "English"
    return f"{other} on the {language} pages seen by {role}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_speak_one_language(language, role, portfolio, world, hq, client, settings):
    # One row a page, so that every list with two rows shows its pagination too.
    settings.PORTAL_PAGE_SIZE = 1
    user = hq if role == "hq" else portfolio["rep"]
    client = _client(client, user, language)
    problems = []
    for url in pages(portfolio, world, role):
        _check_page(client.get(url), url, language, problems)
        # The sort menus and the other filters, with a descending sort chosen.
        if url.endswith(("/ventures/", "/demands/")):
            _check_page(client.get(url, {"ordering": "-status"}), url, language, problems)
    assert not problems, _report(problems, language, role)


@pytest.mark.parametrize("language", LANGUAGES)
def test_flash_messages_speak_one_language(language, portfolio, world, hq, client):
    """What the portal says after an action, on the page it lands on."""
    client = _client(client, hq, language)
    demand = f.make_demand(
        portfolio["own"], portfolio["rep"], title="Talent apartments", description="请协助落实人才公寓。"
    )
    Demand.objects.filter(pk=demand.pk).update(department=portfolio["own"].department)
    problems = []
    posts = [
        (
            reverse("demands:demand_transition", args=[demand.pk, "accept"]),
            {"note": "", "version": Demand.objects.get(pk=demand.pk).version},
        ),
        (reverse("notifications:notification_read_all"), {}),
        # Stale links: the demand was accepted meanwhile; the report is not submitted yet.
        (reverse("demands:demand_transition", args=[demand.pk, "accept"]), None),
        (reverse("representatives:report_review", args=[world["quarterly"].pk]), None),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True) if data is not None else client.get(url, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert messages, url
        _check_page(response, url, language, problems)
    assert not problems, _report(problems, language, "hq")


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_and_form_errors_speak_one_language(language, portfolio, client):
    """The login page, and the messages of Django's own validators (their catalogue lacks some)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    problems = []
    url = reverse("login")
    _check_page(client.get(url), url, language, problems)
    _check_page(client.post(url, {"username": "rep", "password": "wrong"}), url, language, problems)
    client.force_login(portfolio["rep"])
    url = reverse("password_change")
    response = client.post(url, {"old_password": "pw", "new_password1": "x7", "new_password2": "x7"})
    assert response.context["form"].errors
    _check_page(response, url, language, problems)
    assert not problems, _report(problems, language, "rep")


def _export_cells(response, fmt) -> list[str]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        rows.append([workbook.active.title])
    return [str(cell) for row in rows for cell in row if isinstance(cell, str) and cell]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sla_report_exports_speak_one_language(language, role, fmt, portfolio, world, hq, client):
    """The column headers, the sheet's name and the rows' labels (departments, categories, JVs)."""
    user = hq if role == "hq" else portfolio["rep"]
    client = _client(client, user, language)
    url = reverse("demands:demand_report_export", args=[fmt])
    problems = []
    for by in ("department", "category", "jv"):
        response = client.get(url, {"by": by})
        assert response.status_code == 200
        cells = _export_cells(response, fmt)
        # The headers, a row and the total at least.
        assert len(cells) > 12, cells
        problems += [f"{url}?by={by}: {cell!r}" for cell in offending(cells, language)]
    assert not problems, _report(problems, language, role)


# Every list's export (the SLA report's are above). The research list has no rows in this world,
# its headers are still read.
LIST_EXPORTS = [
    "ventures:venture_list_export",
    "ventures:party_list_export",
    "representatives:representative_list_export",
    "representatives:meeting_list_export",
    "representatives:instruction_queue_export",
    "representatives:report_list_export",
    "representatives:evaluation_list_export",
    "demands:demand_list_export",
    "research:research_list_export",
    "portfolio:figures_export",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_list_export_speaks_one_language(language, fmt, portfolio, world, hq, client):
    """Headers, the sheet's name and the labels of choices (statuses, kinds, industries)."""
    client = _client(client, hq, language)
    problems = []
    for name in LIST_EXPORTS:
        url = reverse(name, args=[fmt])
        response = client.get(url)
        assert response.status_code == 200, url
        cells = _export_cells(response, fmt)
        assert cells, url
        problems += [f"{url}: {cell!r}" for cell in offending(cells, language)]
    assert not problems, _report(problems, language, "hq")


def portfolio_workbooks(portfolio) -> list[str]:
    """The portfolio's workbooks that are not a list's export: a JV's scorecard, the annual report."""
    return [
        reverse("portfolio:scorecard_export", args=[portfolio["own"].pk]),
        reverse("portfolio:annual_report_export", args=[2024]),
        reverse("portfolio:annual_report_export", args=[2026]),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_portfolio_workbooks_speak_one_language(language, portfolio, world, hq, client):
    """Each sheet's name, its headers and the labels in its rows (statuses)."""
    client = _client(client, hq, language)
    problems = []
    for url in portfolio_workbooks(portfolio):
        response = client.get(url)
        assert response.status_code == 200, url
        workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
        cells = [sheet.title for sheet in workbook.worksheets]
        for sheet in workbook.worksheets:
            cells += [
                cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)
            ]
        assert len(cells) > 20, url
        problems += [f"{url}: {cell!r}" for cell in offending(cells, language)]
    assert not problems, _report(problems, language, "hq")
