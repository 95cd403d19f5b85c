"""The demand services: raising and routing, every workflow action from every status and by every
kind of person, rating, comments and optimistic locking.

Every write goes through the services with an explicit ``at`` (Beijing time). A refused write is
shown to leave the demand row, its history, its timeline and the outbox exactly as they were.
Deadlines are checked in test_deadlines.py, the sweeps in test_sweeps.py.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import Role
from demands import services
from demands.choices import Status, UpdateKind, Visibility
from demands.models import Demand, DemandUpdate, RoutingRule, SLAPolicy
from demands.workflow import ACTIONS
from notifications.models import Notification
from representatives.models import Appointment
from tests import factories as f

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
ASSIGNED = "demands.assigned"
STATUS_CHANGED = "demands.status_changed"
RESOLVED = "demands.resolved"
COMMENTED = "demands.commented"


def bj(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


RAISED = bj(3, 2)  # a Monday, 10:00 in Beijing
LATER = bj(3, 2, 16)  # the same afternoon: after every step ``demand_in`` takes


@pytest.fixture
def world(db, leader, admin_user, nobody):
    """One department with a head and a member, HQ staff elsewhere, a JV with two representatives
    and another JV with its own representative."""
    dept = f.DepartmentFactory(code="invest", name="投资部", name_en="Investment")
    elsewhere = f.DepartmentFactory(code="finance", name="财务部", name_en="Finance")
    head = f.make_user(Role.HQ_STAFF, username="head", department=dept)
    dept.head = head
    dept.save(update_fields=["head"])
    staff = f.make_user(Role.HQ_STAFF, username="staff", department=dept)
    outsider = f.make_user(Role.HQ_STAFF, username="outsider", department=elsewhere)
    liaison = f.make_user(Role.HQ_STAFF, username="liaison", department=elsewhere)
    jv = f.JointVentureFactory(
        name="本方合资公司", name_en="Own Venture Co., Ltd.", department=dept, liaison=liaison
    )
    other_jv = f.JointVentureFactory(name="他方合资公司", name_en="Other Venture Co., Ltd.", department=dept)
    return SimpleNamespace(
        dept=dept,
        elsewhere=elsewhere,
        head=head,
        staff=staff,
        outsider=outsider,
        liaison=liaison,
        jv=jv,
        other_jv=other_jv,
        rep=f.make_representative_user(jv, username="rep"),
        colleague=f.make_representative_user(jv, username="colleague"),
        stranger=f.make_representative_user(other_jv, username="stranger"),
        leader=leader,
        admin_user=admin_user,
        nobody=nobody,
    )


def raise_demand(w, actor=None, jv=None, at=RAISED, **data):
    return f.make_demand(jv or w.jv, actor or w.rep, at=at, **data)


def act(demand, action, actor, *, at=LATER, note="A note.", **kwargs):
    return services.demand_transition(demand=demand, action=action, actor=actor, note=note, at=at, **kwargs)


# How to reach each status through the services, one step an hour after the raise.
PATHS = {
    Status.SUBMITTED: [],
    Status.ACCEPTED: ["accept"],
    Status.IN_PROGRESS: ["accept", "start"],
    Status.ON_HOLD: ["accept", "hold"],
    Status.RESOLVED: ["accept", "resolve"],
    Status.CLOSED: ["accept", "resolve", "rate"],
    Status.REJECTED: ["reject"],
    Status.WITHDRAWN: ["withdraw"],
}


def demand_in(w, status, **data):
    demand = raise_demand(w, **data)
    at = RAISED
    for step in PATHS[status]:
        at += datetime.timedelta(hours=1)
        if step == "rate":
            demand = services.demand_rate(demand=demand, actor=w.rep, satisfaction=4, at=at)
        else:
            demand = act(demand, step, w.rep if step == "withdraw" else w.staff, at=at)
    demand.refresh_from_db()
    assert demand.status == status
    return demand


def snapshot(demand) -> dict:
    """Everything a refused write must leave alone."""
    return {
        "row": Demand.objects.filter(pk=demand.pk).values().get(),
        "history": Demand.history.filter(id=demand.pk).count(),
        "timeline": list(DemandUpdate.objects.filter(demand_id=demand.pk).values_list("pk", flat=True)),
        "outbox": sorted(Notification.objects.values_list("key", flat=True)),
    }


def counts() -> tuple[int, int, int]:
    return Demand.objects.count(), DemandUpdate.objects.count(), Notification.objects.count()


def told(kind: str) -> list[str]:
    """Usernames notified of ``kind``, sorted."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- Raising and routing ----------------------------------------------------------------------------


def test_without_a_rule_the_jvs_department_gets_the_demand_and_its_head_is_told(world):
    demand = raise_demand(world)

    demand.refresh_from_db()
    assert (demand.department, demand.owner, demand.raised_by) == (world.dept, None, world.rep)
    assert demand.status == Status.SUBMITTED
    assert demand.version == 1
    assert demand.sla_policy == SLAPolicy.objects.get(priority="normal", category="")
    entry = demand.updates.get()
    assert (entry.kind, entry.author, entry.created_at, entry.to_status) == (
        UpdateKind.RAISED,
        world.rep,
        RAISED,
        Status.SUBMITTED,
    )
    assert entry.params["department"] == {"zh-hans": "投资部", "en": "Investment"}
    assert told(ASSIGNED) == ["head"]
    notification = Notification.objects.get(kind=ASSIGNED)
    assert notification.target == demand
    assert notification.url == demand.get_absolute_url()
    # Normal priority: acknowledge within 3 working days, Monday 10:00 -> Thursday 10:00.
    assert notification.params["due"] == "2026-03-05 10:00"


def test_the_categorys_default_rule_beats_the_jvs_department(world):
    RoutingRule.objects.create(category="market", department=world.elsewhere, owner=world.outsider)

    routed = raise_demand(world, category="market")
    unrouted = raise_demand(world, category="policy")

    assert (routed.department, routed.owner) == (world.elsewhere, world.outsider)
    assert routed.updates.get().params["owner"] == "outsider"
    assert (unrouted.department, unrouted.owner) == (world.dept, None)
    # The rule's owner is told about the routed one, the department head about the other.
    assert [(n.recipient.username, n.target) for n in Notification.objects.filter(kind=ASSIGNED)] == [
        ("head", unrouted),
        ("outsider", routed),
    ]


def test_a_rule_for_the_jv_beats_the_categorys_default_rule(world):
    RoutingRule.objects.create(category="market", department=world.elsewhere)
    RoutingRule.objects.create(category="market", jv=world.jv, department=world.dept, owner=world.staff)

    own = raise_demand(world, category="market")
    other = raise_demand(world, actor=world.stranger, jv=world.other_jv, category="market")

    assert (own.department, own.owner) == (world.dept, world.staff)
    assert (other.department, other.owner) == (world.elsewhere, None)


def test_a_rule_whose_owner_has_left_routes_to_the_department_only(world):
    gone = f.make_user(Role.HQ_STAFF, username="gone", department=world.dept, is_active=False)
    RoutingRule.objects.create(category="market", department=world.dept, owner=gone)

    demand = raise_demand(world)

    assert (demand.department, demand.owner) == (world.dept, None)
    assert told(ASSIGNED) == ["head"]


def test_without_owner_or_head_the_jvs_liaison_is_told(world):
    world.dept.head = None
    world.dept.save(update_fields=["head"])

    raise_demand(world)

    assert told(ASSIGNED) == ["liaison"]


def test_the_person_raising_is_not_told_about_their_own_demand(world):
    RoutingRule.objects.create(category="market", department=world.dept, owner=world.staff)

    demand = raise_demand(world, actor=world.staff, jv=world.other_jv)

    assert demand.raised_by == world.staff
    assert demand.owner == world.staff
    assert not Notification.objects.exists()


def test_hq_staff_may_raise_for_any_jv(world):
    demand = raise_demand(world, actor=world.outsider, jv=world.other_jv)
    assert (demand.jv, demand.raised_by) == (world.other_jv, world.outsider)


def test_a_representative_raises_only_for_a_jv_they_serve_in(world):
    before = counts()

    with pytest.raises(ValidationError) as exc:
        raise_demand(world, jv=world.other_jv)

    assert "jv" in exc.value.message_dict
    assert counts() == before


@pytest.mark.parametrize("who", ["nobody", "leader"])
def test_people_who_cannot_raise_are_refused(world, who):
    before = counts()

    with pytest.raises(PermissionDenied):
        raise_demand(world, actor=getattr(world, who))

    assert counts() == before


def test_an_inactive_representative_cannot_raise(world):
    world.rep.is_active = False
    world.rep.save(update_fields=["is_active"])
    before = counts()

    with pytest.raises(PermissionDenied):
        raise_demand(world)

    assert counts() == before


def test_an_invalid_demand_is_not_saved(world):
    before = counts()

    with pytest.raises(ValidationError) as exc:
        raise_demand(world, title="", category="nonsense")

    assert {"title", "category"} <= set(exc.value.message_dict)
    assert counts() == before


# --- Every action from every status -----------------------------------------------------------------

# The workflow as the product defines it: action -> (statuses it starts from, status it leads to).
OPEN = {Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD}
TABLE = {
    "accept": ({Status.SUBMITTED}, Status.ACCEPTED),
    "start": ({Status.ACCEPTED}, Status.IN_PROGRESS),
    "hold": ({Status.ACCEPTED, Status.IN_PROGRESS}, Status.ON_HOLD),
    "resume": ({Status.ON_HOLD}, Status.IN_PROGRESS),
    "resolve": ({Status.ACCEPTED, Status.IN_PROGRESS}, Status.RESOLVED),
    "reject": (OPEN, Status.REJECTED),
    "withdraw": (OPEN, Status.WITHDRAWN),
    "reopen": ({Status.RESOLVED}, Status.IN_PROGRESS),
}
ALLOWED = [(action, status) for action, (sources, _) in TABLE.items() for status in sorted(sources)]
REFUSED = [
    (action, status)
    for action, (sources, _) in TABLE.items()
    for status in Status.values
    if status not in sources
]


def _permitted_actor(w, action):
    return w.rep if action == "withdraw" else w.staff


def test_the_workflow_defines_exactly_these_actions():
    assert {name: (set(a.sources), a.target) for name, a in ACTIONS.items()} == TABLE


@pytest.mark.parametrize(("action", "status"), ALLOWED)
def test_an_action_moves_the_demand_from_each_of_its_statuses(world, action, status):
    demand = demand_in(world, status)
    actor = _permitted_actor(world, action)
    version = demand.version

    act(demand, action, actor, note="  Because.  ")

    demand.refresh_from_db()
    assert demand.status == TABLE[action][1]
    assert demand.version == version + 1
    entry = demand.updates.filter(kind=UpdateKind.STATUS).order_by("pk").last()
    assert (entry.author, entry.created_at, entry.from_status, entry.to_status, entry.text) == (
        actor,
        LATER,
        status,
        TABLE[action][1],
        "Because.",
    )
    assert demand.history.first().history_user == actor


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_an_action_is_refused_from_every_other_status(world, action, status):
    demand = demand_in(world, status)
    before = snapshot(demand)

    with pytest.raises(ValidationError) as exc:
        act(demand, action, _permitted_actor(world, action))

    assert exc.value.code == "invalid_transition"
    assert snapshot(demand) == before


# --- Who may take each action -----------------------------------------------------------------------

HANDLERS = ["staff", "head", "admin_user"]
NOT_HANDLERS = ["outsider", "liaison", "leader", "rep", "colleague", "nobody", "stranger"]
JV_SIDE = ["rep", "colleague"]
WHO_CASES = [
    # Handler actions: HQ staff of the department, and superusers.
    *[
        (action, status, who, who in HANDLERS)
        for action, status in [
            ("accept", Status.SUBMITTED),
            ("start", Status.ACCEPTED),
            ("hold", Status.IN_PROGRESS),
            ("resolve", Status.IN_PROGRESS),
            ("reject", Status.ON_HOLD),
        ]
        for who in HANDLERS + NOT_HANDLERS
    ],
    # Resume and reopen: the handlers or the JV's side.
    *[
        (action, status, who, who in HANDLERS + JV_SIDE)
        for action, status in [("resume", Status.ON_HOLD), ("reopen", Status.RESOLVED)]
        for who in HANDLERS + NOT_HANDLERS
    ],
    # Withdraw: the raiser alone.
    *[
        ("withdraw", status, who, who == "rep")
        for status in (Status.SUBMITTED, Status.IN_PROGRESS)
        for who in HANDLERS + NOT_HANDLERS
    ],
]


@pytest.mark.parametrize(("action", "status", "who", "allowed"), WHO_CASES)
def test_who_may_take_each_action(world, action, status, who, allowed):
    demand = demand_in(world, status)
    before = snapshot(demand)

    if allowed:
        act(demand, action, getattr(world, who))
        demand.refresh_from_db()
        assert demand.status == TABLE[action][1]
    else:
        with pytest.raises(PermissionDenied):
            act(demand, action, getattr(world, who))
        assert snapshot(demand) == before


def test_an_owner_who_moved_to_another_department_still_handles_their_demand(world):
    demand = raise_demand(world)
    services.demand_route(
        demand=demand,
        actor=world.head,
        department=world.dept,
        owner=world.staff,
        priority="normal",
        at=RAISED,
    )
    world.staff.department = world.elsewhere
    world.staff.save(update_fields=["department"])

    with pytest.raises(PermissionDenied):
        act(demand, "accept", world.outsider)
    act(demand, "accept", world.staff)

    demand.refresh_from_db()
    assert demand.status == Status.ACCEPTED


def test_any_hq_staff_handles_a_demand_without_a_department_and_accepting_takes_it(world):
    demand = raise_demand(world)
    services.demand_route(
        demand=demand, actor=world.head, department=None, owner=None, priority="normal", at=RAISED
    )
    demand.refresh_from_db()
    assert demand.department is None

    act(demand, "accept", world.outsider)

    demand.refresh_from_db()
    assert (demand.status, demand.owner, demand.department) == (
        Status.ACCEPTED,
        world.outsider,
        world.elsewhere,
    )
    # Anyone else in HQ is no longer a handler once the demand has a department.
    with pytest.raises(PermissionDenied):
        act(demand, "start", world.staff)


def test_hq_staff_who_raised_for_the_jv_may_withdraw_but_its_representative_may_not(world):
    demand = raise_demand(world, actor=world.staff)

    with pytest.raises(PermissionDenied):
        act(demand, "withdraw", world.rep)
    act(demand, "withdraw", world.staff)

    demand.refresh_from_db()
    assert demand.status == Status.WITHDRAWN


# --- Notes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("hold", Status.ACCEPTED),
        ("resolve", Status.IN_PROGRESS),
        ("reject", Status.SUBMITTED),
        ("reopen", Status.RESOLVED),
    ],
)
@pytest.mark.parametrize("note", ["", "  \n "])
def test_an_action_that_needs_a_note_is_refused_without_one(world, action, status, note):
    demand = demand_in(world, status)
    before = snapshot(demand)

    with pytest.raises(ValidationError) as exc:
        act(demand, action, world.staff, note=note)

    assert list(exc.value.message_dict) == ["note"]
    assert snapshot(demand) == before


@pytest.mark.parametrize(
    ("action", "status", "who"),
    [
        ("accept", Status.SUBMITTED, "staff"),
        ("start", Status.ACCEPTED, "staff"),
        ("resume", Status.ON_HOLD, "rep"),
        ("withdraw", Status.SUBMITTED, "rep"),
    ],
)
def test_other_actions_take_an_optional_note(world, action, status, who):
    demand = demand_in(world, status)

    act(demand, action, getattr(world, who), note="")

    demand.refresh_from_db()
    assert demand.status == TABLE[action][1]
    assert demand.updates.filter(kind=UpdateKind.STATUS).order_by("pk").last().text == ""


# --- What each action records -----------------------------------------------------------------------


def test_accepting_an_unowned_demand_takes_it(world):
    demand = raise_demand(world)

    act(demand, "accept", world.staff, note="")

    demand.refresh_from_db()
    assert (demand.owner, demand.department, demand.acknowledged_at) == (world.staff, world.dept, LATER)
    assignment = demand.updates.get(kind=UpdateKind.ASSIGNMENT)
    assert (assignment.author, assignment.created_at, assignment.params["owner"]) == (
        world.staff,
        LATER,
        "staff",
    )


def test_accepting_an_owned_demand_keeps_its_owner(world):
    RoutingRule.objects.create(category="market", department=world.dept, owner=world.staff)
    demand = raise_demand(world)

    act(demand, "accept", world.head)

    demand.refresh_from_db()
    assert (demand.owner, demand.acknowledged_at) == (world.staff, LATER)
    assert not demand.updates.filter(kind=UpdateKind.ASSIGNMENT).exists()


def test_a_superuser_accepting_does_not_become_the_owner(world):
    demand = raise_demand(world)

    act(demand, "accept", world.admin_user)

    demand.refresh_from_db()
    assert (demand.status, demand.owner, demand.acknowledged_at) == (Status.ACCEPTED, None, LATER)


def test_rejecting_stores_the_reason_and_stops_the_clock(world):
    demand = demand_in(world, Status.IN_PROGRESS)

    act(demand, "reject", world.staff, note="Outside the group's remit.")

    demand.refresh_from_db()
    assert demand.rejection_reason == "Outside the group's remit."
    assert (demand.closed_at, demand.due_at, demand.warn_at) == (LATER, None, None)
    assert not demand.is_open


def test_withdrawing_closes_the_demand(world):
    demand = demand_in(world, Status.ACCEPTED)

    act(demand, "withdraw", world.rep, note="Solved ourselves.")

    demand.refresh_from_db()
    assert (demand.status, demand.closed_at, demand.due_at) == (Status.WITHDRAWN, LATER, None)


def test_resolving_records_the_resolution(world):
    demand = demand_in(world, Status.IN_PROGRESS)

    act(demand, "resolve", world.staff, note="Introduced to two distributors.")

    demand.refresh_from_db()
    assert (demand.resolution, demand.resolved_at, demand.due_at) == (
        "Introduced to two distributors.",
        LATER,
        None,
    )
    assert demand.resolved_within_sla is True


def test_status_changes_tell_the_raiser_and_a_resolution_asks_for_a_rating(world):
    RoutingRule.objects.create(category="market", department=world.dept, owner=world.staff)
    demand = raise_demand(world)

    act(demand, "accept", world.head, note="", at=bj(3, 2, 11))
    act(demand, "resolve", world.staff, note="Done.", at=bj(3, 2, 12))

    # The owner hears of the head's acceptance; nobody hears of their own step.
    assert told(STATUS_CHANGED) == ["rep", "staff"]
    assert told(RESOLVED) == ["rep"]
    resolved = Notification.objects.get(kind=RESOLVED)
    # The rating window: 10 working days from Monday 2 March, 12:00.
    assert resolved.params["closes"] == "2026-03-16 12:00"


def test_a_demand_outside_the_users_view_is_denied_whatever_its_status(world):
    demand = demand_in(world, Status.SUBMITTED)
    before = snapshot(demand)

    for action in ("accept", "withdraw", "reject"):
        with pytest.raises(PermissionDenied):
            act(demand, action, world.stranger)

    assert snapshot(demand) == before


# --- Routing -----------------------------------------------------------------------------------------


def test_leadership_may_assign_a_demand(world):
    demand = raise_demand(world)

    routed = services.demand_route(
        demand=demand,
        actor=world.leader,
        department=world.dept,
        owner=world.staff,
        priority="normal",
        at=LATER,
    )

    routed.refresh_from_db()
    assert (routed.department, routed.owner, routed.version) == (world.dept, world.staff, 2)
    entry = routed.updates.get(kind=UpdateKind.ASSIGNMENT)
    assert (entry.author, entry.created_at) == (world.leader, LATER)
    assert (entry.params["from_owner"], entry.params["owner"]) == ("", "staff")
    assert routed.history.first().history_user == world.leader
    # The head was told at the raise; the new owner now.
    assert told(ASSIGNED) == ["head", "staff"]


def test_routing_an_owner_without_a_department_takes_the_owners_department(world):
    demand = raise_demand(world)

    services.demand_route(
        demand=demand, actor=world.head, department=None, owner=world.outsider, priority="normal", at=LATER
    )

    demand.refresh_from_db()
    assert (demand.department, demand.owner) == (world.elsewhere, world.outsider)


@pytest.mark.parametrize("who", ["rep", "colleague", "outsider"])
def test_people_who_do_not_handle_the_demand_cannot_route_it(world, who):
    demand = raise_demand(world)
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.demand_route(
            demand=demand,
            actor=getattr(world, who),
            department=world.dept,
            owner=world.staff,
            priority="urgent",
            at=LATER,
        )

    assert snapshot(demand) == before


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.WITHDRAWN])
def test_a_demand_no_longer_open_cannot_be_routed(world, status):
    demand = demand_in(world, status)
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.demand_route(
            demand=demand,
            actor=world.head,
            department=world.dept,
            owner=world.staff,
            priority="urgent",
            at=LATER,
        )

    assert snapshot(demand) == before


def _inactive_member(w):
    return f.make_user(Role.HQ_STAFF, username="inactive", department=w.dept, is_active=False)


def _representative_in_department(w):
    return f.make_representative_user(w.jv, username="rep_in_dept", department=w.dept)


def _leader_in_department(w):
    return f.make_user(Role.LEADERSHIP, username="leader_in_dept", department=w.dept)


@pytest.mark.parametrize(
    "make_owner",
    [_inactive_member, _representative_in_department, _leader_in_department, lambda w: w.outsider],
    ids=["inactive", "representative", "leadership", "other-department"],
)
def test_the_owner_must_be_active_hq_staff_of_the_department(world, make_owner):
    owner = make_owner(world)
    demand = raise_demand(world)
    before = snapshot(demand)

    with pytest.raises(ValidationError) as exc:
        services.demand_route(
            demand=demand, actor=world.head, department=world.dept, owner=owner, priority="urgent", at=LATER
        )

    assert list(exc.value.message_dict) == ["owner"]
    assert snapshot(demand) == before


def test_routing_without_a_change_records_nothing(world):
    demand = raise_demand(world)
    before = snapshot(demand)

    services.demand_route(
        demand=demand, actor=world.head, department=world.dept, owner=None, priority="normal", at=LATER
    )

    assert snapshot(demand) == before


def test_a_priority_change_is_on_the_timeline(world):
    demand = raise_demand(world)

    services.demand_route(
        demand=demand, actor=world.head, department=world.dept, owner=None, priority="urgent", at=LATER
    )

    demand.refresh_from_db()
    assert (demand.priority, demand.version) == ("urgent", 2)
    entry = demand.updates.get(kind=UpdateKind.PRIORITY)
    assert (entry.author, entry.params) == (world.head, {"from": "normal", "to": "urgent"})
    # Nobody was reassigned: nobody is told again.
    assert told(ASSIGNED) == ["head"]


# --- Rating ------------------------------------------------------------------------------------------


def test_rating_closes_the_demand(world):
    demand = demand_in(world, Status.RESOLVED)
    version = demand.version

    services.demand_rate(demand=demand, actor=world.rep, satisfaction=4, comment="  Helpful. ", at=LATER)

    demand.refresh_from_db()
    assert (demand.status, demand.satisfaction, demand.satisfaction_comment) == (Status.CLOSED, 4, "Helpful.")
    assert (demand.rated_by, demand.closed_at, demand.rating_due_at) == (world.rep, LATER, None)
    assert demand.version == version + 1
    entry = demand.updates.get(kind=UpdateKind.RATING)
    assert (entry.author, entry.created_at, entry.params, entry.from_status, entry.to_status) == (
        world.rep,
        LATER,
        {"score": 4},
        Status.RESOLVED,
        Status.CLOSED,
    )


def test_another_representative_of_the_jv_may_rate(world):
    demand = demand_in(world, Status.RESOLVED)

    services.demand_rate(demand=demand, actor=world.colleague, satisfaction=5, at=LATER)

    demand.refresh_from_db()
    assert (demand.status, demand.rated_by) == (Status.CLOSED, world.colleague)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_rating_out_of_range_is_refused_and_nothing_saved(world, score):
    demand = demand_in(world, Status.RESOLVED)
    before = snapshot(demand)

    with pytest.raises(ValidationError) as exc:
        services.demand_rate(demand=demand, actor=world.rep, satisfaction=score, at=LATER)

    assert "satisfaction" in exc.value.message_dict
    assert snapshot(demand) == before


@pytest.mark.parametrize("who", ["staff", "head", "leader", "admin_user", "stranger", "nobody"])
def test_only_the_jv_side_rates(world, who):
    demand = demand_in(world, Status.RESOLVED)
    before = snapshot(demand)

    with pytest.raises(PermissionDenied):
        services.demand_rate(demand=demand, actor=getattr(world, who), satisfaction=5, at=LATER)

    assert snapshot(demand) == before


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.CLOSED])
def test_only_a_resolved_demand_can_be_rated(world, status):
    demand = demand_in(world, status)
    before = snapshot(demand)

    with pytest.raises(ValidationError) as exc:
        services.demand_rate(demand=demand, actor=world.rep, satisfaction=5, at=LATER)

    assert exc.value.code == "invalid_transition"
    assert snapshot(demand) == before


# --- Comments ----------------------------------------------------------------------------------------


@pytest.fixture
def owned(world):
    """A demand owned by ``staff``, with the raise notification cleared away."""
    RoutingRule.objects.create(category="market", department=world.dept, owner=world.staff)
    demand = raise_demand(world)
    Notification.objects.all().delete()
    return demand


def test_a_shared_hq_comment_tells_the_raiser_and_the_owner(world, owned):
    entry = services.demand_comment(demand=owned, actor=world.head, text=" Any update? ", at=LATER)

    assert (entry.kind, entry.visibility, entry.text, entry.author, entry.created_at) == (
        UpdateKind.COMMENT,
        Visibility.SHARED,
        "Any update?",
        world.head,
        LATER,
    )
    assert told(COMMENTED) == ["rep", "staff"]
    assert Notification.objects.filter(kind=COMMENTED).first().params["author"] == "head"


def test_an_internal_comment_is_not_sent_to_the_raiser(world, owned):
    entry = services.demand_comment(
        demand=owned,
        actor=world.head,
        text="Check with legal first.",
        visibility=Visibility.INTERNAL,
        at=LATER,
    )

    assert entry.visibility == Visibility.INTERNAL
    assert told(COMMENTED) == ["staff"]


def test_a_representatives_comment_tells_the_owner(world, owned):
    services.demand_comment(demand=owned, actor=world.colleague, text="Documents attached.", at=LATER)

    assert told(COMMENTED) == ["staff"]


def test_a_representative_cannot_write_an_internal_comment(world, owned):
    before = snapshot(owned)

    with pytest.raises(ValidationError) as exc:
        services.demand_comment(
            demand=owned, actor=world.rep, text="Secret.", visibility=Visibility.INTERNAL, at=LATER
        )

    assert list(exc.value.message_dict) == ["visibility"]
    assert snapshot(owned) == before


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_empty_comment_is_refused(world, owned, text):
    before = snapshot(owned)

    with pytest.raises(ValidationError) as exc:
        services.demand_comment(demand=owned, actor=world.staff, text=text, at=LATER)

    assert list(exc.value.message_dict) == ["text"]
    assert snapshot(owned) == before


@pytest.mark.parametrize("who", ["stranger", "nobody"])
def test_people_who_do_not_see_the_demand_cannot_comment(world, owned, who):
    before = snapshot(owned)

    with pytest.raises(PermissionDenied):
        services.demand_comment(demand=owned, actor=getattr(world, who), text="Hello.", at=LATER)

    assert snapshot(owned) == before


# --- Editing -----------------------------------------------------------------------------------------


def test_the_raiser_edits_a_submitted_demand_but_not_an_accepted_one(world):
    demand = raise_demand(world)

    services.demand_update(demand=demand, actor=world.rep, data={"title": "New title"}, at=LATER)
    demand.refresh_from_db()
    assert (demand.title, demand.version) == ("New title", 2)
    assert demand.updates.get(kind=UpdateKind.EDIT).params == {"fields": ["title"]}

    act(demand, "accept", world.staff)
    demand.refresh_from_db()
    before = snapshot(demand)
    with pytest.raises(PermissionDenied):
        services.demand_update(demand=demand, actor=world.rep, data={"title": "Again"}, at=LATER)
    assert snapshot(demand) == before


# --- Optimistic locking ------------------------------------------------------------------------------


def _stale_transition(w, demand, version):
    return act(demand, "resolve", w.staff, note="Done.", expected_version=version)


def _stale_route(w, demand, version):
    return services.demand_route(
        demand=demand,
        actor=w.staff,
        department=w.dept,
        owner=w.head,
        priority="urgent",
        expected_version=version,
        at=LATER,
    )


def _stale_update(w, demand, version):
    return services.demand_update(
        demand=demand, actor=w.staff, data={"title": "Mine"}, expected_version=version, at=LATER
    )


@pytest.mark.parametrize(
    "write", [_stale_transition, _stale_route, _stale_update], ids=["transition", "route", "update"]
)
def test_a_write_from_a_stale_form_is_refused(world, write):
    demand = raise_demand(world)
    rendered = demand.version
    # Someone else moves the demand on after the form was rendered.
    act(demand, "accept", world.head, at=bj(3, 2, 11))
    demand.refresh_from_db()
    before = snapshot(demand)

    with pytest.raises(ValidationError) as exc:
        write(world, demand, rendered)

    assert exc.value.code == "concurrent_edit"
    assert snapshot(demand) == before
    # The current version goes through.
    write(world, demand, demand.version)
    demand.refresh_from_db()
    assert demand.version == before["row"]["version"] + 1


def test_a_rating_from_a_stale_form_is_refused(world):
    demand = demand_in(world, Status.RESOLVED)
    rendered = demand.version
    act(demand, "reopen", world.staff, note="Not quite.", at=bj(3, 2, 15))
    act(demand, "resolve", world.staff, note="Now done.", at=bj(3, 2, 15, 30))
    demand.refresh_from_db()
    before = snapshot(demand)

    with pytest.raises(ValidationError) as exc:
        services.demand_rate(
            demand=demand, actor=world.rep, satisfaction=2, expected_version=rendered, at=LATER
        )

    assert exc.value.code == "concurrent_edit"
    assert snapshot(demand) == before


# --- The JV's side: who is told, who rates ------------------------------------------------------------


def test_a_representative_who_left_the_jv_is_told_nothing_more(world):
    demand = raise_demand(world)
    Appointment.objects.filter(representative__user=world.rep).update(end_date=datetime.date(2024, 6, 30))
    act(demand, "accept", world.staff)
    services.demand_comment(demand=demand, actor=world.staff, text="Shared news.")

    assert told("demands.status_changed") == []
    assert told("demands.commented") == []
    # The control: a representative still in post is told.
    other = raise_demand(world, actor=world.colleague)
    act(other, "accept", world.staff)
    assert told("demands.status_changed") == ["colleague"]


def test_for_a_demand_hq_raised_the_jvs_representatives_are_told_and_rate(world):
    demand = raise_demand(world, actor=world.staff)
    act(demand, "accept", world.staff)
    act(demand, "resolve", world.staff, note="Done.")
    # Both representatives in post at the JV are asked; the stranger of the other JV is not.
    assert told("demands.resolved") == ["colleague", "rep"]

    with pytest.raises(PermissionDenied):
        services.demand_rate(demand=demand, actor=world.staff, satisfaction=5)
    assert Demand.objects.get(pk=demand.pk).status == Status.RESOLVED

    services.demand_rate(demand=demand, actor=world.colleague, satisfaction=3)
    assert Demand.objects.get(pk=demand.pk).satisfaction == 3
