"""The JV's data return: its representatives fill and submit it, HQ returns or accepts it, and its
figures become the year's indicators without ever overwriting one silently. Wishes become demands."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.services import ConcurrentEditError
from demands.choices import Source
from demands.models import Demand
from notifications.models import Notification
from research import notices, services
from research.choices import FigureChoice, ReturnStatus
from research.models import DataReturn
from tests import factories as f
from tests.research.builders import figures
from ventures.models import AnnualIndicators

YEAR = 2026


@pytest.fixture
def world(portfolio, hq):
    """This year's research on ``own`` (data for last year), its lead ``hq``."""
    own = portfolio["own"]
    own.liaison = hq
    own.save(update_fields=["liaison"])
    research = services.research_open(jv=own, year=YEAR, actor=hq)
    return {**portfolio, "research": research, "hq": hq}


def _return(world) -> DataReturn:
    return DataReturn.objects.select_related("research__jv").get(research=world["research"])


def _fill(world, actor=None, **values):
    data_return = _return(world)
    return services.data_return_update(
        data_return=data_return,
        actor=actor or world["rep"],
        data=figures(**values),
        expected_version=data_return.version,
    )


def _submit(world, actor=None):
    data_return = _return(world)
    return services.data_return_submit(
        data_return=data_return, actor=actor or world["rep"], expected_version=data_return.version
    )


def test_the_representative_fills_and_submits_and_the_lead_is_told(world):
    _fill(world, revenue=1234)
    submitted = _submit(world)
    assert (submitted.status, submitted.revenue, submitted.submitted_by) == (
        ReturnStatus.SUBMITTED,
        Decimal("1234"),
        world["rep"],
    )
    assert Notification.objects.filter(recipient=world["hq"], kind=notices.RETURN_SUBMITTED.code).count() == 1


def test_submitting_needs_every_figure_on_its_field(world):
    data_return = _return(world)
    data_return = services.data_return_update(
        data_return=data_return,
        actor=world["rep"],
        data={"revenue": 10},
        expected_version=data_return.version,
    )
    with pytest.raises(ValidationError) as exc:
        services.data_return_submit(
            data_return=data_return, actor=world["rep"], expected_version=data_return.version
        )
    assert set(exc.value.error_dict) == set(DataReturn.FIGURE_FIELDS) - {"revenue"}
    assert _return(world).status == ReturnStatus.DRAFT


@pytest.mark.parametrize("who", ["other_rep", "hq", "leader"])
def test_only_the_jvs_representatives_fill_it(world, who, request):
    actor = world[who] if who in world else request.getfixturevalue(who)
    data_return = _return(world)
    with pytest.raises(PermissionDenied):
        services.data_return_update(
            data_return=data_return, actor=actor, data={"revenue": 1}, expected_version=data_return.version
        )
    assert _return(world).revenue is None


def test_a_representative_who_left_the_jv_no_longer_fills_it(world):
    world["own_appointment"].end_date = world["own_appointment"].start_date
    world["own_appointment"].save(update_fields=["end_date"])
    data_return = _return(world)
    with pytest.raises(PermissionDenied):
        services.data_return_update(
            data_return=data_return,
            actor=world["rep"],
            data={"revenue": 1},
            expected_version=data_return.version,
        )


def test_a_stale_form_is_refused(world):
    data_return = _return(world)
    _fill(world, revenue=1)
    with pytest.raises(ConcurrentEditError):
        services.data_return_update(
            data_return=data_return,
            actor=world["rep"],
            data={"revenue": 2},
            expected_version=data_return.version,
        )
    assert _return(world).revenue == Decimal("1")


def test_hq_returns_it_with_comments_and_it_is_owed_again(world):
    _fill(world)
    submitted = _submit(world)
    with pytest.raises(ValidationError):
        services.data_return_return(
            data_return=submitted, actor=world["hq"], comments="  ", expected_version=submitted.version
        )
    returned = services.data_return_return(
        data_return=submitted,
        actor=world["hq"],
        comments="请补充投资金额",
        expected_version=submitted.version,
    )
    assert (returned.status, returned.review_comments) == (ReturnStatus.RETURNED, "请补充投资金额")
    told = Notification.objects.get(recipient=world["rep"], kind=notices.RETURN_RETURNED.code)
    assert told.params["comments"] == "请补充投资金额"
    again = _fill(world, new_investment=99)
    assert (
        services.data_return_submit(
            data_return=again, actor=world["rep"], expected_version=again.version
        ).status
        == ReturnStatus.SUBMITTED
    )


@pytest.mark.parametrize("who", ["rep", "leader"])
def test_only_hq_reviews(world, who, request):
    _fill(world)
    submitted = _submit(world)
    actor = world[who] if who in world else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.data_return_accept(data_return=submitted, actor=actor, expected_version=submitted.version)
    assert _return(world).status == ReturnStatus.SUBMITTED


# --- The hand-off of the figures ---------------------------------------------------------------------


def test_accepted_figures_become_the_years_indicators_when_there_were_none(world):
    _fill(world, revenue=5000, headcount=321)
    submitted = _submit(world)
    accepted = services.data_return_accept(
        data_return=submitted, actor=world["hq"], expected_version=submitted.version
    )
    row = AnnualIndicators.objects.get(jv=world["own"], year=YEAR - 1)
    assert (row.revenue, row.headcount) == (Decimal("5000"), 321)
    assert row.history.get().history_user == world["hq"]
    assert accepted.status == ReturnStatus.ACCEPTED
    assert accepted.accepted_figures["revenue"] == {
        "returned": "5000.00",
        "recorded": None,
        "kept": "returned",
    }
    assert Notification.objects.filter(recipient=world["rep"], kind=notices.RETURN_ACCEPTED.code).exists()


@pytest.fixture
def recorded(world):
    """HQ already holds last year's figures for the JV: the same but for revenue and headcount."""
    return f.AnnualIndicatorsFactory(jv=world["own"], year=YEAR - 1, **figures(revenue=1000, headcount=100))


def test_a_differing_figure_is_never_overwritten_without_a_choice(world, recorded):
    _fill(world, revenue=1100, headcount=100)
    submitted = _submit(world)
    with pytest.raises(ValidationError) as exc:
        services.data_return_accept(
            data_return=submitted, actor=world["hq"], expected_version=submitted.version
        )
    assert list(exc.value.error_dict) == ["revenue"]
    recorded.refresh_from_db()
    assert (recorded.revenue, recorded.version) == (Decimal("1000"), 1)
    assert _return(world).status == ReturnStatus.SUBMITTED


@pytest.mark.parametrize(
    ("choice", "revenue"), [(FigureChoice.RETURNED, "1100"), (FigureChoice.RECORDED, "1000")]
)
def test_hq_chooses_figure_by_figure_and_history_says_who(world, recorded, choice, revenue):
    _fill(world, revenue=1100, headcount=120)
    submitted = _submit(world)
    accepted = services.data_return_accept(
        data_return=submitted,
        actor=world["hq"],
        choices={"revenue": choice, "headcount": FigureChoice.RETURNED},
        expected_version=submitted.version,
    )
    recorded.refresh_from_db()
    assert (recorded.revenue, recorded.headcount) == (Decimal(revenue), 120)
    latest = recorded.history.latest()
    assert latest.history_user == world["hq"]
    assert accepted.accepted_figures["revenue"]["kept"] == choice
    assert accepted.accepted_figures["tax_paid"] == {
        "returned": "50.00",
        "recorded": "50.00",
        "kept": "recorded",
    }


def test_the_research_history_says_which_figures_the_return_set(world, recorded, client_as):
    # Revenue taken from the return, net profit and tax paid kept although the return differs; the
    # figures both agree on go unmentioned.
    _fill(world, revenue=1100, net_profit=120, tax_paid=60, headcount=100)
    submitted = _submit(world)
    services.data_return_accept(
        data_return=submitted,
        actor=world["hq"],
        choices={
            "revenue": FigureChoice.RETURNED,
            "net_profit": FigureChoice.RECORDED,
            "tax_paid": FigureChoice.RECORDED,
        },
        expected_version=submitted.version,
    )
    page = client_as(world["hq"]).get(submitted.research.get_absolute_url()).content.decode()
    assert "from the return: revenue; kept as recorded: net profit, tax paid" in page
    assert "recomputed" not in page


def test_an_indicators_row_changed_meanwhile_is_not_overwritten(world, recorded):
    _fill(world, revenue=1100)
    submitted = _submit(world)
    stale = recorded.version
    recorded.revenue = Decimal("1050")
    recorded.version += 1
    recorded.save()
    with pytest.raises(ConcurrentEditError):
        services.data_return_accept(
            data_return=submitted,
            actor=world["hq"],
            choices={"revenue": FigureChoice.RETURNED},
            expected_version=submitted.version,
            indicators_version=stale,
        )
    recorded.refresh_from_db()
    assert recorded.revenue == Decimal("1050")
    assert _return(world).status == ReturnStatus.SUBMITTED


def test_the_review_page_shows_the_differences_and_saves_the_choice(world, recorded, client_as):
    _fill(world, revenue=1100)
    _submit(world)
    client = client_as(world["hq"])
    url = reverse("research:return_review", args=[world["research"].pk])
    page = client.get(url)
    rows = {r["name"]: r for r in page.context["differences"]}
    assert rows["revenue"]["differs"] and not rows["tax_paid"]["differs"]
    form = page.context["form"]
    assert "take_revenue" in form.fields and "take_tax_paid" not in form.fields
    data = {
        "version": str(_return(world).version),
        "indicators_version": str(recorded.version),
        "decision": "accept",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "take_revenue" in response.context["form"].errors
    data["take_revenue"] = FigureChoice.RETURNED
    response = client.post(url, data)
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.revenue == Decimal("1100")


# --- Wishes become demands -------------------------------------------------------------------------


def _wishful(world, actor=None):
    data_return = _return(world)
    return services.data_return_update(
        data_return=data_return,
        actor=world["rep"],
        data={},
        wishes=[
            {"title": "市场拓展支持", "description": "需要进入雄安市场", "category": "market"},
            {"title": "", "description": ""},
        ],
        expected_version=data_return.version,
    )


def test_a_wish_becomes_a_demand_linked_both_ways(world, client_as):
    data_return = _wishful(world)
    wish = data_return.wishes.get()
    assert data_return.version == 2  # a change of wishes is a change of the return
    demand = services.wish_to_demand(wish=wish, actor=world["rep"])
    wish.refresh_from_db()
    assert wish.demand == demand
    assert (demand.source, demand.jv, demand.title, demand.category, demand.raised_by) == (
        Source.RESEARCH,
        world["own"],
        "市场拓展支持",
        "market",
        world["rep"],
    )
    page = client_as(world["rep"]).get(demand.get_absolute_url())
    assert page.context["origins"] == [
        {
            "label": "Raised from the JV's data return",
            "title": str(world["research"]),
            "url": world["research"].get_absolute_url(),
        }
    ]
    assert world["research"].get_absolute_url() in page.content.decode()
    with pytest.raises(ValidationError):
        services.wish_to_demand(wish=wish, actor=world["hq"])
    assert Demand.objects.count() == 1


def test_hq_raises_a_wish_on_the_jvs_behalf(world):
    wish = _wishful(world).wishes.get()
    demand = services.wish_to_demand(wish=wish, actor=world["hq"], priority="high")
    assert (demand.raised_by, demand.priority) == (world["hq"], "high")


def test_another_jvs_representative_cannot_raise_the_wish(world):
    wish = _wishful(world).wishes.get()
    with pytest.raises(PermissionDenied):
        services.wish_to_demand(wish=wish, actor=world["other_rep"])
    assert not Demand.objects.exists()


def test_a_raised_wish_is_left_as_it_is_by_later_edits(world):
    data_return = _wishful(world)
    wish = data_return.wishes.get()
    services.wish_to_demand(wish=wish, actor=world["rep"])
    data_return = _return(world)
    services.data_return_update(
        data_return=data_return,
        actor=world["rep"],
        data={},
        wishes=[{"pk": wish.pk, "title": "改了", "delete": True}],
        expected_version=data_return.version,
    )
    wish.refresh_from_db()
    assert wish.title == "市场拓展支持"


def test_a_wish_of_another_return_cannot_be_edited_through_this_one(world, hq):
    other = services.research_open(jv=world["other"], year=YEAR, actor=hq)
    foreign = services.data_return_update(
        data_return=other.data_return,
        actor=world["other_rep"],
        data={},
        wishes=[{"title": "他方愿望"}],
        expected_version=other.data_return.version,
    ).wishes.get()
    data_return = _return(world)
    with pytest.raises(PermissionDenied):
        services.data_return_update(
            data_return=data_return,
            actor=world["rep"],
            data={},
            wishes=[{"pk": foreign.pk, "title": "hijacked"}],
            expected_version=data_return.version,
        )
    foreign.refresh_from_db()
    assert foreign.title == "他方愿望"
