"""Engagements and commitments through their services: who may record what, the high-level flag,
versions, the commitment's states and the one step to a demand."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.roles import Role
from core.services import ConcurrentEditError
from demands import services as demand_services
from demands.choices import Source
from engagements import services
from engagements.models import Commitment, Engagement, PartnerPerson
from tests import factories as f
from tests.engagements.builders import engagement_world

pytestmark = pytest.mark.django_db


def _data(**extra):
    return {"kind": "jv_visit", "status": "held", "title": "访问", "starts_on": timezone.localdate(), **extra}


def test_hq_records_a_leaders_visit_which_is_high_level(portfolio, hq, leader):
    engagement = services.engagement_create(
        actor=hq, data=_data(internal_notes="内部"), ventures=[portfolio["own"]], attendees=[leader]
    )
    assert engagement.high_level
    assert engagement.internal_notes == "内部"
    assert engagement.recorded_by == hq
    assert engagement.history.first().history_user == hq
    plain = services.engagement_create(actor=hq, data=_data(), ventures=[portfolio["own"]], attendees=[hq])
    assert not plain.high_level


def test_a_representative_records_one_for_their_own_jv_without_internal_notes(portfolio, rep):
    engagement = services.engagement_create(
        actor=rep, data=_data(internal_notes="偷偷写的"), ventures=[portfolio["own"]]
    )
    assert engagement.internal_notes == ""
    with pytest.raises(ValidationError) as exc:
        services.engagement_create(actor=rep, data=_data(), ventures=[portfolio["other"]])
    assert "ventures" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.engagement_create(actor=rep, data=_data(), ventures=[portfolio["own"], portfolio["other"]])
    assert Engagement.objects.count() == 1


def test_leadership_records_nothing(portfolio, leader):
    with pytest.raises(PermissionDenied):
        services.engagement_create(actor=leader, data=_data(), ventures=[portfolio["own"]])


def test_no_jv_and_dates_out_of_order_are_refused_on_their_fields(portfolio, hq):
    with pytest.raises(ValidationError) as exc:
        services.engagement_create(actor=hq, data=_data(), ventures=[])
    assert "ventures" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.engagement_create(
            actor=hq,
            data=_data(ends_on=timezone.localdate() - datetime.timedelta(days=1)),
            ventures=[portfolio["own"]],
        )
    assert "ends_on" in exc.value.error_dict
    assert not Engagement.objects.exists()


def test_new_partner_people_join_the_directory_once(portfolio, hq):
    lines = "Anna Weber, CEO\nAnna Weber, CEO\n\nJohn Smith"
    engagement = services.engagement_create(
        actor=hq,
        data=_data(),
        ventures=[portfolio["own"]],
        new_people=lines,
        new_people_company=portfolio["own_partner"],
    )
    assert sorted(engagement.partner_attendees.values_list("name", flat=True)) == ["Anna Weber", "John Smith"]
    services.engagement_create(
        actor=hq,
        data=_data(),
        ventures=[portfolio["own"]],
        new_people="Anna Weber, CEO",
        new_people_company=portfolio["own_partner"],
    )
    assert PartnerPerson.objects.count() == 2


def test_a_stale_edit_is_refused_and_a_leader_added_makes_it_high_level(portfolio, hq, leader):
    engagement = services.engagement_create(actor=hq, data=_data(), ventures=[portfolio["own"]])
    saved = services.engagement_update(
        engagement=engagement, actor=hq, data={"summary": "新纪要"}, attendees=[leader], expected_version=1
    )
    assert saved.version == 2 and saved.high_level and saved.summary == "新纪要"
    with pytest.raises(ConcurrentEditError):
        services.engagement_update(
            engagement=engagement, actor=hq, data={"summary": "旧"}, expected_version=1
        )


def test_representatives_do_not_edit_engagements(portfolio, rep):
    made = engagement_world(portfolio)
    with pytest.raises(PermissionDenied):
        services.engagement_update(
            engagement=made["own"], actor=rep, data={"summary": "x"}, expected_version=1
        )


def test_commitment_states_and_a_reason_to_drop(portfolio, rep):
    made = engagement_world(portfolio)
    commitment = made["own_commitment"]
    started = services.commitment_transition(
        commitment=commitment, action="start", actor=rep, expected_version=commitment.version
    )
    assert started.status == "in_progress"
    with pytest.raises(ValidationError) as exc:
        services.commitment_transition(
            commitment=started, action="drop", actor=rep, expected_version=started.version
        )
    assert "reason" in exc.value.error_dict
    dropped = services.commitment_transition(
        commitment=started, action="drop", actor=rep, reason="外方撤回", expected_version=started.version
    )
    assert (dropped.status, dropped.drop_reason) == ("dropped", "外方撤回")
    # The other JV's commitment is out of the representative's reach, even on the shared symposium.
    with pytest.raises(PermissionDenied):
        services.commitment_transition(
            commitment=made["symposium_other_commitment"], action="start", actor=rep, expected_version=1
        )


def test_a_commitment_becomes_a_demand_and_then_follows_it(portfolio, hq):
    made = engagement_world(portfolio)
    commitment = made["symposium_own_commitment"]
    demand = services.commitment_to_demand(
        commitment=commitment, actor=hq, data={"title": "协调用地", "category": "land", "priority": "high"}
    )
    commitment.refresh_from_db()
    assert commitment.demand == demand
    assert demand.commitment == commitment
    assert (demand.jv, demand.source, demand.category, demand.priority) == (
        portfolio["own"],
        Source.SYMPOSIUM,
        "land",
        "high",
    )
    assert demand.source_note == str(made["symposium"])
    assert commitment.current_status == "open"
    assert Commitment.objects.open().filter(pk=commitment.pk).exists()
    # The commitment moves no more on its own ...
    with pytest.raises(ValidationError):
        services.commitment_transition(
            commitment=commitment, action="done", actor=hq, expected_version=commitment.version
        )
    with pytest.raises(ValidationError):
        services.commitment_to_demand(commitment=commitment, actor=hq, data={})
    # ... it follows the demand: accepted is still open, resolved is done.
    handler = demand.owner or f.make_user(Role.HQ_STAFF, department=demand.department)
    for action, expected in (("accept", "open"), ("start", "in_progress"), ("resolve", "done")):
        demand = demand_services.demand_transition(
            demand=demand, action=action, actor=handler, note="已办", expected_version=demand.version
        )
        commitment = Commitment.objects.select_related("demand").get(pk=commitment.pk)
        assert commitment.current_status == expected, action
    assert not Commitment.objects.open().filter(pk=commitment.pk).exists()


def test_a_visit_demand_engagement_source_and_the_representative_raises_their_own(portfolio, rep):
    made = engagement_world(portfolio)
    demand = services.commitment_to_demand(commitment=made["own_commitment"], actor=rep, data={})
    assert demand.source == Source.ENGAGEMENT and demand.raised_by == rep
    with pytest.raises(PermissionDenied):
        services.commitment_to_demand(commitment=made["symposium_other_commitment"], actor=rep, data={})


def test_a_demand_from_a_visit_points_at_the_engagement(portfolio, hq, rep):
    made = engagement_world(portfolio)
    demand = f.make_demand(portfolio["own"], rep, source="engagement")
    services.engagement_link_demand(engagement=made["own"], demand=demand, actor=hq)
    assert list(made["own"].demands.all()) == [demand]
    direct = f.make_demand(portfolio["own"], rep)
    with pytest.raises(ValidationError):
        services.engagement_link_demand(engagement=made["own"], demand=direct, actor=hq)
    elsewhere = f.make_demand(portfolio["other"], f.make_user(Role.HQ_STAFF), source="symposium")
    with pytest.raises(ValidationError):
        services.engagement_link_demand(engagement=made["own"], demand=elsewhere, actor=hq)


def test_the_owner_must_see_the_jv_and_is_told(portfolio, hq):
    made = engagement_world(portfolio)
    with pytest.raises(ValidationError) as exc:
        services.commitment_add(
            engagement=made["own"],
            actor=hq,
            data={"jv": portfolio["own"], "text": "x", "owner": portfolio["other_rep"]},
        )
    assert "owner" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.commitment_add(
            engagement=made["own"], actor=hq, data={"jv": portfolio["other"], "text": "x"}
        )
    assert "jv" in exc.value.error_dict
    owner = f.make_user(Role.HQ_STAFF)
    services.commitment_add(
        engagement=made["own"], actor=hq, data={"jv": portfolio["own"], "text": "新承诺", "owner": owner}
    )
    assert owner.notifications.filter(kind="engagements.commitment_assigned").count() == 1
