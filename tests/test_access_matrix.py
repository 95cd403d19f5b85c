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
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.roles import Role
from core.uploads import check_upload
from demands import services as demand_services
from demands.models import Demand, DemandAttachment, DemandUpdate
from notifications import kinds
from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from representatives import notices
from representatives.models import Appointment
from tests import factories as f
from tests.helpers import db_snapshot, form_data, indicators_post_data, venture_post_data
from ventures.models import Shareholding

DENIED = frozenset({403, 404})


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Demand attachments land in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


# Public or login-only pages with no object behind them; tested in tests/accounts/test_auth.py.
AUTH_URLS = {"login", "logout", "password_change", "password_change_done", "accounts:language"}


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


def _object_list_count(response):
    return len(response.context["object_list"])


def _home_count(response):
    return response.context["summary"]["total"]


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
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
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


REGISTRY: dict[str, Spec] = {
    "home": Spec("list", rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2}, count=_home_count),
    "ventures:venture_list": Spec(
        "list", rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2}, count=_object_list_count
    ),
    "ventures:party_list": Spec(
        # The rep sees the two shareholders of their JV (the group company and its partner).
        "list",
        rows={"nobody": 0, "rep": 2, "leader": 3, "hq": 3, "admin": 3},
        count=_object_list_count,
    ),
    "representatives:representative_list": Spec(
        "list", rows={"nobody": 0, "rep": 1, "leader": 2, "hq": 2, "admin": 2}, count=_object_list_count
    ),
    "ventures:venture_create": Spec("create"),
    "ventures:party_create": Spec("create"),
    "representatives:representative_create": Spec("create"),
    "ventures:venture_detail": Spec("read", _venture("own"), _venture("other")),
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
    "demands:demand_list": Spec("list", rows=DEMAND_ROWS, count=_object_list_count, setup=_demands),
    # The report and its export count only the demands the viewer sees.
    "demands:demand_report": Spec("list", rows=DEMAND_ROWS, count=_report_count, setup=_demands),
    "demands:demand_report_export": Spec(
        "list", rows=DEMAND_ROWS, count=_csv_count, kwargs={"fmt": "csv"}, setup=_demands
    ),
    "demands:demand_create": Spec("create", expected=DEMAND_CREATE, generic_post=False),
    "demands:demand_detail": Spec("read", _demand("own"), _demand("other")),
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
        return [(None, reverse(name, kwargs=spec.kwargs))]
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
            b"".join(response.streaming_content)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response.url == f"{reverse('login')}?next={quote(url)}"
            continue
        expected = _expected(role, spec, which)
        allowed = expected if isinstance(expected, frozenset) else {expected}
        assert response.status_code in allowed, (url, which, response.status_code)
        if spec.kind == "list":
            assert spec.count(response) == spec.rows[role], url


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
        name for name, spec in REGISTRY.items() if not spec.generic_post and spec.kind in ("edit", "create")
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
        content = response.content.decode()
        for hidden in [*_hidden_names(portfolio), *HIDDEN_DEMAND_TITLES]:
            assert hidden not in content, (url, hidden)


def test_hq_pages_do_name_the_other_venture(portfolio, hq, client_as):
    """The control for the test above: the same pages show the names to HQ (in either language)."""
    client = client_as(hq)
    seen = ""
    for language in ["en", "zh-hans"]:
        hq.language = language
        hq.save(update_fields=["language"])
        for url in [*_rep_pages(portfolio)[:4], *_rep_demand_pages(portfolio)[:5]]:
            seen += client.get(url).content.decode()
    for hidden in [*_hidden_names(portfolio), *HIDDEN_DEMAND_TITLES]:
        assert hidden in seen, hidden


LIST_URLS = [
    "ventures:venture_list",
    "ventures:party_list",
    "representatives:representative_list",
    "demands:demand_list",
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
    for hidden in [*_hidden_names(portfolio), *HIDDEN_DEMAND_TITLES]:
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
