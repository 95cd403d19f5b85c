"""Every deadline a demand carries, computed in working days in Beijing time.

March 2026 starts on a Monday; the test database has no calendar rows unless a test adds them, so
every weekday is a working day and every weekend day is off. A test that needs a public holiday or
a worked weekend (调休) adds the ``CalendarDay`` row itself, and the expected dates are written out
by hand.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from core.models import CalendarDay
from core.roles import Role
from demands import services
from demands.choices import Rung, Status
from demands.models import Demand, DemandUpdate, RoutingRule, SLAPolicy
from tests import factories as f

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def bj(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


MONDAY = bj(3, 2)  # Monday 2 March 2026, 10:00 in Beijing


def holiday(month: int, day: int) -> None:
    CalendarDay.objects.create(date=datetime.date(2026, month, day), kind=CalendarDay.Kind.HOLIDAY)


def worked(month: int, day: int) -> None:
    CalendarDay.objects.create(date=datetime.date(2026, month, day), kind=CalendarDay.Kind.WORKDAY)


@pytest.fixture
def world(db):
    dept = f.DepartmentFactory(code="invest", name="投资部", name_en="Investment")
    staff = f.make_user(Role.HQ_STAFF, username="staff", department=dept)
    jv = f.JointVentureFactory(department=dept)
    RoutingRule.objects.create(category="market", department=dept, owner=staff)
    return SimpleNamespace(dept=dept, staff=staff, jv=jv, rep=f.make_representative_user(jv, username="rep"))


def raise_demand(w, at=MONDAY, **data):
    demand = f.make_demand(w.jv, w.rep, at=at, **data)
    demand.refresh_from_db()
    return demand


def act(w, demand, action, at, note="A note.", actor=None):
    services.demand_transition(demand=demand, action=action, actor=actor or w.staff, note=note, at=at)
    demand.refresh_from_db()
    return demand


def deadlines(demand) -> dict:
    return {
        "acknowledge_by": demand.acknowledge_by,
        "resolve_by": demand.resolve_by,
        "due_at": demand.due_at,
        "warn_at": demand.warn_at,
    }


# --- Raising: the policy and the deadlines it gives ---------------------------------------------------


def test_a_policy_per_priority_is_seeded(db):
    rows = SLAPolicy.objects.filter(category="").values_list(
        "priority", "acknowledge_days", "resolve_days", "warning_days", "escalation_interval_days"
    )
    assert sorted(rows) == [
        ("high", 2, 10, 1, 2),
        ("low", 5, 40, 3, 5),
        ("normal", 3, 20, 2, 3),
        ("urgent", 1, 5, 1, 1),
    ]


@pytest.mark.parametrize(
    ("priority", "acknowledge_by", "resolve_by", "warn_at"),
    [
        # 1 and 5 working days; warned 1 working day before acknowledge-by.
        ("urgent", bj(3, 3), bj(3, 9), bj(3, 2)),
        # 2 and 10; warned 1 before.
        ("high", bj(3, 4), bj(3, 16), bj(3, 3)),
        # 3 and 20; warned 2 before.
        ("normal", bj(3, 5), bj(3, 30), bj(3, 3)),
        # 5 and 40 (eight whole weeks); warned 3 before.
        ("low", bj(3, 9), bj(4, 27), bj(3, 4)),
    ],
)
def test_raising_sets_the_deadlines_of_the_priority(world, priority, acknowledge_by, resolve_by, warn_at):
    demand = raise_demand(world, priority=priority)

    assert demand.sla_policy == SLAPolicy.objects.get(priority=priority, category="")
    assert (demand.submitted_at, demand.clock_started_at) == (MONDAY, MONDAY)
    # While submitted, the clock runs against acknowledge-by.
    assert deadlines(demand) == {
        "acknowledge_by": acknowledge_by,
        "resolve_by": resolve_by,
        "due_at": acknowledge_by,
        "warn_at": warn_at,
    }
    assert demand.escalation_level == Rung.NONE


def test_the_time_of_day_is_kept_in_beijing_time(world):
    # Saturday 07:00 in Beijing is still Friday 23:00 in UTC: counted in UTC, one working day
    # would end on Monday 23:00 UTC, that is Tuesday morning in Beijing.
    saturday_morning = bj(3, 7, 7)
    assert saturday_morning.astimezone(datetime.UTC).date() == datetime.date(2026, 3, 6)

    demand = raise_demand(world, priority="urgent", at=saturday_morning)

    assert demand.acknowledge_by == bj(3, 9, 7)
    assert demand.resolve_by == bj(3, 13, 7)
    assert demand.warn_at == bj(3, 6, 7)


def test_a_holiday_is_skipped(world):
    holiday(3, 4)  # a Wednesday

    demand = raise_demand(world, priority="normal")

    # Tuesday, (Wednesday off), Thursday, Friday.
    assert demand.acknowledge_by == bj(3, 6)
    # Two working days before Friday: Thursday, (Wednesday off), Tuesday.
    assert demand.warn_at == bj(3, 3)
    # Twenty working days, one of them lost to the holiday.
    assert demand.resolve_by == bj(3, 31)


def test_a_worked_weekend_day_counts(world):
    worked(3, 7)  # a Saturday

    demand = raise_demand(world, priority="high", at=bj(3, 5))

    # Friday, Saturday.
    assert demand.acknowledge_by == bj(3, 7)
    # Friday, Saturday, then eight weekdays to Wednesday 18 March.
    assert demand.resolve_by == bj(3, 18)


def test_a_category_policy_beats_the_general_one(world):
    own = SLAPolicy.objects.create(
        priority="normal", category="policy", acknowledge_days=1, resolve_days=4, warning_days=0
    )

    specific = raise_demand(world, category="policy")
    general = raise_demand(world, category="market")
    other_priority = raise_demand(world, category="policy", priority="high")

    assert specific.sla_policy == own
    assert (specific.acknowledge_by, specific.resolve_by) == (bj(3, 3), bj(3, 6))
    # No warning days: warned when the deadline comes.
    assert specific.warn_at == specific.due_at == bj(3, 3)
    assert general.sla_policy == SLAPolicy.objects.get(priority="normal", category="")
    assert general.acknowledge_by == bj(3, 5)
    assert other_priority.sla_policy == SLAPolicy.objects.get(priority="high", category="")


def test_without_any_policy_the_built_in_default_applies(world):
    SLAPolicy.objects.all().delete()

    demand = raise_demand(world, priority="urgent")

    assert demand.sla_policy is None
    # 3 working days to acknowledge, 20 to resolve, warned 1 before: not urgent's 1 and 5.
    assert deadlines(demand) == {
        "acknowledge_by": bj(3, 5),
        "resolve_by": bj(3, 30),
        "due_at": bj(3, 5),
        "warn_at": bj(3, 4),
    }


def test_editing_a_policy_moves_no_existing_deadline(world):
    demand = raise_demand(world)
    SLAPolicy.objects.filter(priority="normal", category="").update(acknowledge_days=10, resolve_days=30)

    demand.refresh_from_db()

    assert (demand.acknowledge_by, demand.resolve_by) == (bj(3, 5), bj(3, 30))


def test_a_new_category_with_its_own_policy_moves_the_deadlines(world):
    SLAPolicy.objects.create(priority="normal", category="policy", acknowledge_days=1, resolve_days=4)
    demand = raise_demand(world)

    services.demand_update(demand=demand, actor=world.rep, data={"category": "policy"}, at=bj(3, 2, 11))
    demand.refresh_from_db()

    assert deadlines(demand) == {
        "acknowledge_by": bj(3, 3),
        "resolve_by": bj(3, 6),
        "due_at": bj(3, 3),
        "warn_at": bj(3, 2),
    }


# --- The workflow moves the running deadline ----------------------------------------------------------


def test_accepting_switches_the_clock_to_resolve_by(world):
    demand = raise_demand(world)

    demand = act(world, demand, "accept", bj(3, 3, 9))

    assert demand.acknowledged_at == bj(3, 3, 9)
    # Resolve-by still counts from submission.
    assert deadlines(demand) == {
        "acknowledge_by": bj(3, 5),
        "resolve_by": bj(3, 30),
        "due_at": bj(3, 30),
        "warn_at": bj(3, 26),
    }


def test_hold_pauses_the_clock_and_resume_adds_the_working_days_on_hold(world):
    holiday(3, 5)  # a Thursday, inside the hold
    demand = raise_demand(world)
    # Twenty working days from Monday 2 March, Thursday 5 March off.
    assert demand.resolve_by == bj(3, 31)
    demand = act(world, demand, "accept", bj(3, 2, 11))

    demand = act(world, demand, "hold", bj(3, 3, 15), note="Send the land certificate.")
    assert (demand.status, demand.on_hold_since) == (Status.ON_HOLD, bj(3, 3, 15))
    assert (demand.due_at, demand.warn_at) == (None, None)

    demand = act(world, demand, "resume", bj(3, 9, 9), actor=world.rep)
    # On hold Wednesday, (Thursday off), Friday and Monday: three working days.
    assert (demand.held_days, demand.held_days_total, demand.on_hold_since) == (3, 3, None)
    assert demand.resolve_by == bj(4, 3)
    assert (demand.due_at, demand.warn_at) == (bj(4, 3), bj(4, 1))

    # A second hold adds to the first.
    demand = act(world, demand, "hold", bj(3, 10), note="And the lease.")
    demand = act(world, demand, "resume", bj(3, 11), actor=world.rep)
    assert (demand.held_days, demand.held_days_total) == (4, 4)
    assert demand.resolve_by == demand.due_at == bj(4, 6)


def _shorten_policy(policy):
    SLAPolicy.objects.filter(pk=policy.pk).update(resolve_days=5)


def _delete_policy(policy):
    policy.delete()


@pytest.mark.parametrize("change", [_shorten_policy, _delete_policy], ids=["edited", "deleted"])
def test_a_policy_changed_during_a_hold_does_not_move_the_deadline_on_resume(world, change):
    demand = act(world, raise_demand(world, priority="high"), "accept", bj(3, 2, 11))
    assert demand.resolve_by == bj(3, 16)
    demand = act(world, demand, "hold", bj(3, 3), note="Documents.")

    change(demand.sla_policy)
    demand = act(world, demand, "resume", bj(3, 6), actor=world.rep)

    # Resolve-by as it was (high: 10 working days), plus the 3 working days on hold.
    assert demand.held_days == 3
    assert demand.resolve_by == demand.due_at == bj(3, 19)


def test_a_hold_over_a_weekend_only_counts_working_days(world):
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))

    demand = act(world, demand, "hold", bj(3, 6, 17), note="Documents.")
    demand = act(world, demand, "resume", bj(3, 8, 12), actor=world.rep)  # Sunday

    assert demand.held_days == 0
    assert demand.resolve_by == bj(3, 30)


@pytest.mark.parametrize("rating_days", [3, 10])
def test_resolving_sets_when_it_closes_unrated(world, settings, rating_days):
    settings.DEMAND_RATING_WORKING_DAYS = rating_days
    holiday(3, 9)  # a Monday
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))

    demand = act(world, demand, "resolve", bj(3, 5, 16), note="Done.")

    assert demand.resolved_at == bj(3, 5, 16)
    # From Thursday 16:00: Friday, (Monday off), then on working day by working day.
    expected = {3: bj(3, 11, 16), 10: bj(3, 20, 16)}[rating_days]
    assert demand.rating_due_at == expected
    assert (demand.due_at, demand.warn_at) == (None, None)


@pytest.mark.parametrize(
    ("days_off", "last_moment"),
    [
        # Two working days after Friday 10:00: Monday, Tuesday.
        ([], bj(3, 10)),
        # With Monday off: Tuesday, Wednesday.
        ([(3, 9)], bj(3, 11)),
    ],
)
def test_reopening_is_allowed_only_within_the_window(world, settings, days_off, last_moment):
    settings.DEMAND_REOPEN_WORKING_DAYS = 2
    for month, day in days_off:
        holiday(month, day)
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))
    demand = act(world, demand, "resolve", bj(3, 6), note="Done.")
    assert services.reopen_deadline(demand) == last_moment
    before = Demand.objects.values().get(pk=demand.pk), DemandUpdate.objects.count()

    with pytest.raises(ValidationError) as exc:
        act(world, demand, "reopen", last_moment + datetime.timedelta(minutes=1), actor=world.rep)

    assert exc.value.code == "reopen_window"
    assert (Demand.objects.values().get(pk=demand.pk), DemandUpdate.objects.count()) == before

    demand = act(world, demand, "reopen", last_moment, note="Still missing.", actor=world.rep)
    assert demand.status == Status.IN_PROGRESS


def test_reopening_restarts_the_resolve_clock_from_the_reopening(world):
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))
    demand = act(world, demand, "hold", bj(3, 3), note="Documents.")
    demand = act(world, demand, "resume", bj(3, 4), actor=world.rep)
    demand = act(world, demand, "resolve", bj(3, 6), note="Done.")
    assert demand.held_days == 1

    demand = act(world, demand, "reopen", bj(3, 10), note="Not solved.", actor=world.rep)

    assert demand.clock_started_at == bj(3, 10)
    assert (demand.resolved_at, demand.rating_due_at) == (None, None)
    # A fresh 20 working days from Tuesday 10 March; the earlier hold no longer counts here.
    assert demand.held_days == 0
    assert demand.held_days_total == 1
    assert (demand.resolve_by, demand.due_at, demand.warn_at) == (bj(4, 7), bj(4, 7), bj(4, 3))
    # Acknowledgement was not undone.
    assert demand.acknowledged_at == bj(3, 2, 11)


def test_reopening_uses_the_policy_that_applies_today(world):
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))
    demand = act(world, demand, "resolve", bj(3, 6), note="Done.")
    SLAPolicy.objects.filter(priority="normal", category="").update(resolve_days=5, warning_days=1)

    demand = act(world, demand, "reopen", bj(3, 10), note="Not solved.", actor=world.rep)

    # Five working days from Tuesday 10 March under the policy as it now stands.
    assert (demand.resolve_by, demand.warn_at) == (bj(3, 17), bj(3, 16))


@pytest.mark.parametrize("action", ["reject", "withdraw"])
def test_ending_a_demand_on_hold_ends_the_hold(world, action):
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))
    demand = act(world, demand, "hold", bj(3, 3), note="Documents.")
    actor = world.rep if action == "withdraw" else None
    demand = act(world, demand, action, bj(3, 5), note="Ended.", actor=actor)
    assert (demand.on_hold_since, demand.due_at, demand.closed_at) == (None, None, bj(3, 5))


# --- Routing: a new priority brings new deadlines ----------------------------------------------------


def test_a_priority_change_recomputes_the_deadlines_and_resets_the_escalation(world):
    demand = raise_demand(world)
    services.demand_deadlines_sweep(now=bj(3, 5, 11))  # an hour past acknowledge-by
    demand.refresh_from_db()
    assert demand.escalation_level == Rung.OWNER

    services.demand_route(
        demand=demand,
        actor=world.staff,
        department=world.dept,
        owner=world.staff,
        priority="low",
        at=bj(3, 5, 12),
    )
    demand.refresh_from_db()

    assert demand.sla_policy == SLAPolicy.objects.get(priority="low", category="")
    # Low: 5 and 40 working days from the submission, warned 3 before.
    assert deadlines(demand) == {
        "acknowledge_by": bj(3, 9),
        "resolve_by": bj(4, 27),
        "due_at": bj(3, 9),
        "warn_at": bj(3, 4),
    }
    assert demand.escalation_level == Rung.NONE


def test_a_priority_change_while_resolving_keeps_the_days_on_hold(world):
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))
    demand = act(world, demand, "hold", bj(3, 3), note="Documents.")
    demand = act(world, demand, "resume", bj(3, 6), actor=world.rep)
    assert demand.held_days == 3

    services.demand_route(
        demand=demand,
        actor=world.staff,
        department=world.dept,
        owner=world.staff,
        priority="high",
        at=bj(3, 6, 11),
    )
    demand.refresh_from_db()

    # High: 10 working days from the submission, plus the 3 on hold.
    assert (demand.resolve_by, demand.due_at, demand.warn_at) == (bj(3, 19), bj(3, 19), bj(3, 18))
    # Acknowledged on time already: that deadline stays what it was under the old priority.
    assert demand.acknowledge_by == bj(3, 5)


def test_a_priority_change_while_on_hold_leaves_the_clock_stopped(world):
    demand = act(world, raise_demand(world), "accept", bj(3, 2, 11))
    demand = act(world, demand, "hold", bj(3, 3), note="Documents.")

    services.demand_route(
        demand=demand,
        actor=world.staff,
        department=world.dept,
        owner=world.staff,
        priority="urgent",
        at=bj(3, 4),
    )
    demand.refresh_from_db()

    assert demand.resolve_by == bj(3, 9)
    assert (demand.due_at, demand.warn_at) == (None, None)
    # Resuming on Friday adds the three working days on hold to urgent's five.
    demand = act(world, demand, "resume", bj(3, 6), actor=world.rep)
    assert demand.resolve_by == demand.due_at == bj(3, 12)
