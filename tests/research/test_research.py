"""The research record: HQ plans, writes up and submits it; leadership accepts or returns it; HQ
shares a summary with the JV; recommendations are tracked work that can become demands."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import Role
from demands.choices import Source, Status
from demands.services import demand_transition
from notifications.models import Notification
from research import notices, services
from research.choices import RecommendationStatus, ResearchStatus
from research.models import AnnualResearch
from research.workflow import RESEARCH
from tests import factories as f

YEAR = 2026


@pytest.fixture
def world(portfolio, hq, leader):
    own = portfolio["own"]
    own.liaison = hq  # the research's lead
    own.save(update_fields=["liaison"])
    research = services.research_open(jv=own, year=YEAR, actor=hq)
    return {**portfolio, "research": research, "hq": hq, "leader": leader}


def _fresh(world) -> AnnualResearch:
    return AnnualResearch.objects.select_related("jv", "lead").get(pk=world["research"].pk)


def _move(world, action, actor, comment=""):
    research = _fresh(world)
    return services.research_transition(
        research=research, action=action, actor=actor, comment=comment, expected_version=research.version
    )


def _write(world, **data):
    research = _fresh(world)
    return services.research_update(
        research=research,
        actor=world["hq"],
        data={"findings": "内部发现", "problems": "问题", **data},
        expected_version=research.version,
    )


def test_the_whole_cycle(world):
    _move(world, "start", world["hq"])
    _write(world)
    submitted = _move(world, "submit", world["hq"])
    assert submitted.status == ResearchStatus.SUBMITTED and submitted.submitted_at
    assert (
        Notification.objects.filter(recipient=world["leader"], kind=notices.RESEARCH_SUBMITTED.code).count()
        == 1
    )
    accepted = _move(world, "accept", world["leader"], comment="同意")
    assert (accepted.status, accepted.decided_by, accepted.decision_comment) == (
        ResearchStatus.ACCEPTED,
        world["leader"],
        "同意",
    )
    assert accepted.history.latest().history_user == world["leader"]


def test_submitting_needs_the_findings(world):
    _move(world, "start", world["hq"])
    with pytest.raises(ValidationError) as exc:
        _move(world, "submit", world["hq"])
    assert "findings" in exc.value.error_dict
    assert _fresh(world).status == ResearchStatus.IN_PROGRESS


def test_leadership_returns_it_with_a_comment_and_hq_revises(world):
    _move(world, "start", world["hq"])
    _write(world)
    _move(world, "submit", world["hq"])
    with pytest.raises(ValidationError):
        _move(world, "return", world["leader"])
    returned = _move(world, "return", world["leader"], comment="请补充外方意见")
    assert returned.status == ResearchStatus.RETURNED
    lead_told = Notification.objects.get(recipient=world["hq"], kind=notices.RESEARCH_DECIDED.code)
    assert lead_told.params["comment"] == "请补充外方意见"
    _write(world, findings="修订后的发现")
    assert _move(world, "submit", world["hq"]).status == ResearchStatus.SUBMITTED


@pytest.mark.parametrize(
    ("action", "who"),
    [("start", "leader"), ("start", "rep"), ("accept", "hq"), ("accept", "rep"), ("submit", "rep")],
)
def test_each_move_is_its_roles(world, action, who):
    if action == "accept":
        _move(world, "start", world["hq"])
        _write(world)
        _move(world, "submit", world["hq"])
    before = _fresh(world).status
    with pytest.raises(PermissionDenied):
        _move(world, action, world[who])
    assert _fresh(world).status == before


def test_an_accepted_research_is_final(world):
    _move(world, "start", world["hq"])
    _write(world)
    _move(world, "submit", world["hq"])
    _move(world, "accept", world["leader"])
    assert [t.name for t in RESEARCH.available(world["hq"], _fresh(world))] == ["share"]
    with pytest.raises(PermissionDenied):
        _write(world, findings="改动")


def test_the_lead_and_team_are_hq_staff(world):
    research = _fresh(world)
    with pytest.raises(ValidationError) as exc:
        services.research_update(
            research=research,
            actor=world["hq"],
            data={"lead": world["rep"]},
            expected_version=research.version,
        )
    assert "lead" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.research_update(
            research=research,
            actor=world["hq"],
            data={},
            team=[world["leader"]],
            expected_version=research.version,
        )
    colleague = f.make_user(Role.HQ_STAFF, username="colleague")
    saved = services.research_update(
        research=research, actor=world["hq"], data={}, team=[colleague], expected_version=research.version
    )
    assert list(saved.team.all()) == [colleague]
    assert saved.version == research.version + 1


def test_a_new_lead_is_told(world):
    colleague = f.make_user(Role.HQ_STAFF, username="colleague")
    research = _fresh(world)
    services.research_update(
        research=research, actor=world["hq"], data={"lead": colleague}, expected_version=research.version
    )
    assert Notification.objects.filter(recipient=colleague, kind=notices.OPENED.code).count() == 1


def test_the_summary_is_what_the_jvs_representatives_read_and_they_are_told(world):
    research = _fresh(world)
    with pytest.raises(ValidationError):
        services.research_share_summary(
            research=research, actor=world["hq"], summary=" ", expected_version=research.version
        )
    shared = services.research_share_summary(
        research=research, actor=world["hq"], summary="调研结论摘要", expected_version=research.version
    )
    assert shared.shared_summary == "调研结论摘要" and shared.shared_at
    assert Notification.objects.filter(recipient=world["rep"], kind=notices.SUMMARY_SHARED.code).count() == 1
    assert not Notification.objects.filter(recipient=world["other_rep"]).exists()
    with pytest.raises(PermissionDenied):
        services.research_share_summary(
            research=shared, actor=world["rep"], summary="rep's own", expected_version=shared.version
        )


# --- Recommendations -------------------------------------------------------------------------------


def _recommend(world, text="建议一"):
    return services.recommendation_add(
        research=_fresh(world),
        actor=world["hq"],
        data={"text": text, "owner": world["hq"], "due_date": datetime.date(YEAR, 12, 31)},
    )


def test_a_recommendation_becomes_a_demand_on_the_jvs_behalf_and_follows_it(world, client_as):
    recommendation = _recommend(world)
    demand = services.recommendation_to_demand(
        recommendation=recommendation, actor=world["hq"], data={"title": "落实建议", "category": "policy"}
    )
    recommendation.refresh_from_db()
    assert recommendation.demand == demand
    assert (demand.source, demand.raised_by, demand.jv, demand.description) == (
        Source.RESEARCH,
        world["hq"],
        world["own"],
        "建议一",
    )
    # The demand's page (HQ) says where it came from.
    origins = client_as(world["hq"]).get(demand.get_absolute_url()).context["origins"]
    assert origins[0]["url"] == world["research"].get_absolute_url()
    # The representative reads the demand, but the recommendation is HQ's: no link to it by name.
    rep_page = client_as(world["rep"]).get(demand.get_absolute_url())
    assert rep_page.status_code == 200
    # Its state follows the demand's: a status set by hand is ignored.
    services.recommendation_update(
        recommendation=recommendation,
        actor=world["hq"],
        data={"status": RecommendationStatus.DONE},
        expected_version=recommendation.version,
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.OPEN
    handler = f.make_user(Role.HQ_STAFF, username="handler", department=world["own"].department)
    demand_transition(demand=demand, action="accept", actor=handler)
    recommendation.refresh_from_db()
    assert recommendation.demand.status == Status.ACCEPTED
    with pytest.raises(ValidationError):
        services.recommendation_to_demand(recommendation=recommendation, actor=world["hq"], data={})


def test_only_hq_works_on_recommendations(world):
    with pytest.raises(PermissionDenied):
        services.recommendation_add(research=_fresh(world), actor=world["rep"], data={"text": "x"})
    recommendation = _recommend(world)
    with pytest.raises(PermissionDenied):
        services.recommendation_to_demand(recommendation=recommendation, actor=world["leader"], data={})
    with pytest.raises(ValidationError):
        services.recommendation_add(
            research=_fresh(world), actor=world["hq"], data={"text": "x", "owner": world["rep"]}
        )


def test_a_recommendation_of_another_research_is_not_reached_through_this_one(world, hq):
    other = services.research_open(jv=world["other"], year=YEAR, actor=hq)
    foreign = services.recommendation_add(research=other, actor=hq, data={"text": "他方建议"})
    foreign.research = _fresh(world)  # as a forged form would claim
    with pytest.raises(PermissionDenied):
        services.recommendation_update(
            recommendation=foreign, actor=hq, data={"text": "hijacked"}, expected_version=foreign.version
        )
