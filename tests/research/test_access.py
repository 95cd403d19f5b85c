"""A refused POST to a research page changes nothing: for every write URL, every role that may not
make it (on its own JV's research and on the other JV's) leaves every row and file as it was; the
same POST from someone allowed does change something (the control)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from demands.models import Demand
from notifications.models import Notification
from research.models import AnnualResearch, DataReturn, Recommendation, ResearchAttachment, Wish
from tests.helpers import form_data
from tests.research.builders import PDF, figures, research_world
from ventures.models import AnnualIndicators


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _snapshot(media_root) -> dict:
    snapshot = {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in (
            AnnualResearch,
            DataReturn,
            Wish,
            Recommendation,
            ResearchAttachment,
            Demand,
            Notification,
            AnnualIndicators,
        )
    }
    snapshot["history"] = AnnualResearch.history.count() + DataReturn.history.count()
    snapshot["files"] = sorted(str(p) for p in Path(media_root).rglob("*") if p.is_file())
    return snapshot


# URL name -> (who may, how its arguments are built from the research world, what changes)
WRITES = {
    "research:research_update": ("hq", lambda m, k: {"pk": m[k].pk}, {"scope": "Changed by a POST"}),
    "research:research_share": ("hq", lambda m, k: {"pk": m[k].pk}, {"summary": "Shared by a POST"}),
    "research:research_transition": ("hq", lambda m, k: {"pk": m[k].pk, "action": "submit"}, {}),
    "research:research_file_upload": ("hq", lambda m, k: {"pk": m[k].pk}, None),
    "research:return_update": ("rep", lambda m, k: {"pk": m[k].pk}, {"revenue": "4321"}),
    "research:return_submit": ("rep", lambda m, k: {"pk": m[k].pk}, {}),
    "research:return_review": ("hq", lambda m, k: {"pk": m[f"{k}_submitted"].pk}, {"decision": "accept"}),
    "research:wish_demand": (
        "rep",
        lambda m, k: {"pk": m[k].pk, "wish_pk": m[f"{k}_wish"].pk},
        {"priority": "high"},
    ),
    "research:recommendation_create": ("hq", lambda m, k: {"pk": m[k].pk}, {"text": "A new one"}),
    "research:recommendation_update": (
        "hq",
        lambda m, k: {"pk": m[k].pk, "rec_pk": m[f"{k}_recommendation"].pk},
        {"text": "Changed by a POST"},
    ),
    "research:recommendation_demand": (
        "hq",
        lambda m, k: {"pk": m[k].pk, "rec_pk": m[f"{k}_recommendation"].pk},
        {"category": "policy"},
    ),
}
# Who is refused where. The representative of the own JV may fill and submit its return and raise
# its wish; on the other JV's research, nobody but HQ.
REFUSED = [
    (name, role, which)
    for name, (allowed, _kwargs, _changes) in WRITES.items()
    for role, which in [
        ("nobody", "own"),
        ("leader", "own"),
        ("leader", "other"),
        ("rep", "own"),
        ("rep", "other"),
        ("hq", "own"),
    ]
    if not (role == allowed and which == "own")
    and not (role == "rep" and name == "research:wish_demand" and which == "own")
    and not (role == "hq" and name in ("research:wish_demand",))
]


def _actor(role, request, portfolio):
    if role in ("rep", "other_rep"):
        return portfolio[role]
    return request.getfixturevalue(role)


def _data(name, kwargs, actor, portfolio):
    """What ``actor`` (allowed) would POST: the rendered form with a real change."""
    if name == "research:research_file_upload":
        return {"file": SimpleUploadedFile("new.pdf", PDF, content_type="application/pdf")}
    client = Client()
    client.force_login(actor)
    page = client.get(reverse(name, kwargs=kwargs))
    assert page.status_code == 200, (name, page.status_code)
    data = form_data(page.context["form"])
    if name == "research:return_update":
        wishes = page.context["wishes"]
        data.update({k: v for form in wishes for k, v in form_data(form).items()})
        data.update(
            {
                "wishes-TOTAL_FORMS": str(wishes.total_form_count()),
                "wishes-INITIAL_FORMS": str(wishes.initial_form_count()),
                "wishes-MIN_NUM_FORMS": "0",
                "wishes-MAX_NUM_FORMS": "30",
            }
        )
    return {**data, **WRITES[name][2]}


def _ready(made):
    """Everything a control POST needs to go through: a complete data return to submit."""
    for key in ("own", "other"):
        DataReturn.objects.filter(research=made[key]).update(**figures())


@pytest.mark.parametrize(("name", "role", "which"), REFUSED, ids=[f"{n}-{r}-{w}" for n, r, w in REFUSED])
def test_a_refused_post_changes_nothing(name, role, which, request, portfolio, settings, client_as):
    made = research_world(portfolio)
    _ready(made)
    allowed = WRITES[name][0]
    kwargs = WRITES[name][1](made, which)
    # The POST an allowed person would send (HQ for the other JV's rows too).
    allowed_actor = _actor(allowed if which == "own" or allowed == "hq" else "other_rep", request, portfolio)
    data = _data(name, kwargs, allowed_actor, portfolio)
    before = _snapshot(settings.MEDIA_ROOT)
    response = client_as(_actor(role, request, portfolio)).post(reverse(name, kwargs=kwargs), data)
    assert response.status_code in (403, 404), (name, role, which, response.status_code)
    assert _snapshot(settings.MEDIA_ROOT) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_control_post_goes_through(name, request, portfolio, settings, client_as):
    made = research_world(portfolio)
    _ready(made)
    allowed = WRITES[name][0]
    kwargs = WRITES[name][1](made, "own")
    actor = _actor(allowed, request, portfolio)
    data = _data(name, kwargs, actor, portfolio)
    before = _snapshot(settings.MEDIA_ROOT)
    response = client_as(actor).post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _snapshot(settings.MEDIA_ROOT) != before


def test_opening_is_hqs(portfolio, leader, rep, nobody, client_as, settings):
    before = _snapshot(settings.MEDIA_ROOT)
    for user in (leader, rep, nobody):
        response = client_as(user).post(
            reverse("research:research_open"), {"jv": portfolio["own"].pk, "year": "2031"}
        )
        assert response.status_code == 403
    assert _snapshot(settings.MEDIA_ROOT) == before
