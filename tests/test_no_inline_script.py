"""No page carries inline JavaScript: no on*= event handler attribute, no <script> with a body.

The portal's behaviour lives in static files (static/js/portal.js and the page scripts), so a
Content-Security-Policy without 'unsafe-inline' can be turned on without breaking a page. The
pages are those of the access matrix (``tests/test_access_matrix.py``): every URL that answers a
GET with HTML, as HQ (who sees every action) and as the representative (who sees others).
A <script type="application/json"> (Django's json_script) is data, never run, so it is allowed.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_access_matrix import REGISTRY, _inbox, _urls

pytestmark = pytest.mark.django_db

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """The matrix's demand attachments and report files land in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


class InlineScriptFinder(HTMLParser):
    """Collect inline event handlers and scripts that would run without a src."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: tuple[int, str] | None = None

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        for name in names:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
        if tag == "script":
            kind = (names.get("type") or "").strip().lower()
            if "src" not in names and kind not in DATA_SCRIPT_TYPES:
                self._script = (self.getpos()[0], kind)

    def handle_data(self, data):
        if self._script is not None and data.strip():
            line, kind = self._script
            self.problems.append(f"<script{f' type={kind}' if kind else ''}> with a body at line {line}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inline_script_problems(html: str) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_finder_finds_what_it_looks_for():
    """The control: handlers and script bodies are reported, src and JSON scripts are not."""
    html = """<button onclick="go()">x</button><select ONCHANGE='this.form.submit()'></select>
    <script>alert(1)</script><script src="/static/js/portal.js"></script>
    <script id="d" type="application/json">{"a": 1}</script><p data-on="x">online=ok</p>"""
    problems = inline_script_problems(html)
    assert len(problems) == 3, problems
    assert "onclick" in problems[0] and "onchange" in problems[1] and "<script>" in problems[2]


def _html_pages(portfolio, user):
    """(URL name, URL) of every page the matrix knows that ``user`` may GET as HTML."""
    for name, spec in sorted(REGISTRY.items()):
        if spec.post_only or spec.kind == "mine":
            continue
        if spec.inbox:
            _inbox(portfolio, user)
        if spec.setup is not None:
            spec.setup(portfolio)
        for _which, url in _urls(spec, portfolio, name, user):
            yield name, url


@pytest.mark.parametrize("role", ["hq", "rep"])
def test_no_page_has_inline_script(role, request, portfolio, client_as):
    user = request.getfixturevalue("hq") if role == "hq" else portfolio["rep"]
    client = client_as(user)
    checked, problems = [], {}
    for name, url in _html_pages(portfolio, user):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked.append(name)
        found = inline_script_problems(response.content.decode())
        if found:
            problems[url] = found
    assert not problems, problems
    # The walk reached the pages it is about: lists, detail pages and forms.
    must = {
        "ventures:venture_list",
        "ventures:venture_detail",
        "representatives:meeting_detail",
        "representatives:report_detail",
        "demands:demand_detail",
        "demands:demand_report",
        "notifications:notification_list",
    }
    assert must <= set(checked), must - set(checked)
    if role == "hq":
        assert {"ventures:venture_update", "representatives:evaluation_detail"} <= set(checked)


def test_login_and_error_pages_have_no_inline_script(client, hq):
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert not inline_script_problems(login.content.decode())
    client.force_login(hq)
    missing = client.get("/ventures/999999/")
    assert missing.status_code == 404
    assert not inline_script_problems(missing.content.decode())
