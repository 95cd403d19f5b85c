"""The deadline sweep (warnings, then the escalation ladder) and the auto-close sweep.

The sweeps are called with an explicit ``now`` to walk a demand through its deadlines, and each
moment is swept three times: a beat that fires twice, or two workers, must tell each person and
record each rung once. The Celery tasks are called directly, twice, at the real time.

The demand of most tests: normal priority (acknowledge within 3 working days, warned 2 before,
escalation every 3 working days), raised Monday 2 March 2026 at 10:00 in Beijing and owned by
``staff``. So: warned from Tuesday 3 March 10:00, due Thursday 5 March 10:00; the owner is told
past that, the department head past Tuesday 10 March 10:00, leadership past Friday 13 March 10:00.
"""

import datetime
import zoneinfo
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import CalendarDay
from core.roles import Role
from demands import services
from demands.choices import Rung, Status, UpdateKind, Visibility
from demands.models import Demand, DemandUpdate, RoutingRule
from demands.tasks import demand_autoclose_sweep_task, demand_deadlines_sweep_task
from notifications.models import Notification
from notifications.services import send_pending
from tests import factories as f

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
WARNING = "demands.deadline_warning"
ESCALATED = "demands.escalated"
APPLY_ASYNC = "notifications.tasks.notifications_send_task.apply_async"


def bj(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


RAISED = bj(3, 2)
WARN_FROM = bj(3, 3)
DUE = bj(3, 5)
HEAD_AFTER = bj(3, 10)
LEADERSHIP_AFTER = bj(3, 13)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def world(db, leader):
    dept = f.DepartmentFactory(code="invest", name="投资部", name_en="Investment")
    head = f.make_user(Role.HQ_STAFF, username="head", department=dept)
    dept.head = head
    dept.save(update_fields=["head"])
    staff = f.make_user(Role.HQ_STAFF, username="staff", department=dept)
    liaison = f.make_user(Role.HQ_STAFF, username="liaison")
    jv = f.JointVentureFactory(
        name="本方合资公司", name_en="Own Venture Co., Ltd.", department=dept, liaison=liaison
    )
    rule = RoutingRule.objects.create(category="market", department=dept, owner=staff)
    f.make_user(Role.LEADERSHIP, username="leader2")
    f.make_user(Role.LEADERSHIP, username="retired", is_active=False)
    return SimpleNamespace(
        dept=dept,
        head=head,
        staff=staff,
        liaison=liaison,
        jv=jv,
        rule=rule,
        leader=leader,
        rep=f.make_representative_user(jv, username="rep"),
    )


def raise_demand(w, at=RAISED, **data):
    return f.make_demand(w.jv, w.rep, at=at, **data)


def sweep(now, times: int = 3) -> dict:
    """Sweep ``times`` times at ``now``; return the first run's counts."""
    results = [services.demand_deadlines_sweep(now=now) for _ in range(times)]
    # Every later run creates nothing; it reads only the demands whose next step has come (none,
    # or those still at that very moment), never those at the top of the ladder (nothing more to
    # tell about them until their deadline moves).
    later = services.demand_deadlines_sweep(now=now)["due"]
    assert later <= results[0]["due"]
    assert all(r == {"due": later, "created": 0} for r in results[1:]), results
    return results[0]


def escalations(demand=None) -> list[tuple[str, str]]:
    """(recipient, rung as the reader sees it) of every escalation notification."""
    rows = Notification.objects.filter(kind=ESCALATED)
    if demand is not None:
        rows = rows.filter(target_id=demand.pk)
    return sorted((n.recipient.username, n.params["rung"]["en"]) for n in rows.select_related("recipient"))


def warnings() -> list[tuple[str, str]]:
    return sorted(
        (n.recipient.username, n.params["due"])
        for n in Notification.objects.filter(kind=WARNING).select_related("recipient")
    )


def rungs_recorded(demand) -> list[int]:
    entries = demand.updates.filter(kind=UpdateKind.ESCALATION).order_by("pk")
    return [e.params["rung"] for e in entries]


def level(demand) -> int:
    return Demand.objects.values_list("escalation_level", flat=True).get(pk=demand.pk)


# --- Warnings -----------------------------------------------------------------------------------------


def test_nothing_is_due_before_the_warning_time(world):
    raise_demand(world)
    Notification.objects.all().delete()

    assert sweep(WARN_FROM - MINUTE) == {"due": 0, "created": 0}
    assert not Notification.objects.exists()


def test_the_owner_is_warned_once_before_the_deadline(world):
    demand = raise_demand(world)

    assert sweep(WARN_FROM) == {"due": 1, "created": 1}
    warning = Notification.objects.get(kind=WARNING)
    assert warning.recipient == world.staff
    assert (warning.target, warning.url) == (demand, demand.get_absolute_url())
    assert warning.params["due"] == "2026-03-05 10:00"
    assert warning.params["phase"]["en"] == "acknowledged"
    subject = warning.subject("en")
    for part in (demand.reference, "Own Venture Co., Ltd.", "acknowledged by 2026-03-05 10:00"):
        assert part in subject
    rows = list(Notification.objects.filter(kind=WARNING).values_list("pk", "key"))

    # Told, the demand is not read again before its next step (the first rung, once the deadline
    # has passed): a run in between reads nothing; one at the deadline itself reads it and tells
    # nothing new.
    for now, read in ((bj(3, 4), 0), (DUE, 1)):
        assert sweep(now) == {"due": read, "created": 0}
    assert list(Notification.objects.filter(kind=WARNING).values_list("pk", "key")) == rows
    assert level(demand) == Rung.NONE
    assert rungs_recorded(demand) == []


def test_a_first_sweep_at_the_deadline_itself_still_warns(world):
    raise_demand(world)

    assert sweep(DUE) == {"due": 1, "created": 1}
    assert warnings() == [("staff", "2026-03-05 10:00")]
    assert escalations() == []


def _no_owner(w):
    w.rule.delete()


def _no_owner_no_head(w):
    w.rule.delete()
    w.dept.head = None
    w.dept.save(update_fields=["head"])


def _no_owner_head_gone(w):
    w.rule.delete()
    w.head.is_active = False
    w.head.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    ("setup", "first"),
    [
        (lambda w: None, "staff"),
        (_no_owner, "head"),
        (_no_owner_no_head, "liaison"),
        (_no_owner_head_gone, "liaison"),
    ],
    ids=["owner", "department-head", "liaison", "liaison-when-head-inactive"],
)
def test_the_first_rung_is_the_owner_else_the_head_else_the_liaison(world, setup, first):
    setup(world)
    raise_demand(world)

    sweep(WARN_FROM)
    sweep(DUE + MINUTE)

    assert warnings() == [(first, "2026-03-05 10:00")]
    assert escalations() == [(first, "Owner")]


# --- The escalation ladder ----------------------------------------------------------------------------


def test_each_rung_is_told_and_recorded_once_however_often_the_sweep_runs(world):
    demand = raise_demand(world)
    sweep(WARN_FROM)

    # At the deadline itself: still a warning, no escalation.
    assert sweep(DUE) == {"due": 1, "created": 0}
    assert (escalations(), level(demand)) == ([], Rung.NONE)

    assert sweep(DUE + MINUTE) == {"due": 1, "created": 1}
    assert escalations() == [("staff", "Owner")]
    assert (rungs_recorded(demand), level(demand)) == ([1], Rung.OWNER)

    # Three working days later, to the minute: not yet the head's turn.
    assert sweep(HEAD_AFTER) == {"due": 1, "created": 0}
    assert level(demand) == Rung.OWNER

    assert sweep(HEAD_AFTER + MINUTE) == {"due": 1, "created": 1}
    assert escalations() == [("head", "Department head"), ("staff", "Owner")]
    assert (rungs_recorded(demand), level(demand)) == ([1, 2], Rung.DEPARTMENT_HEAD)

    assert sweep(LEADERSHIP_AFTER) == {"due": 1, "created": 0}
    # Every active member of leadership; not the one who left.
    assert sweep(LEADERSHIP_AFTER + MINUTE) == {"due": 1, "created": 2}
    assert escalations() == [
        ("head", "Department head"),
        ("leader", "Leadership"),
        ("leader2", "Leadership"),
        ("staff", "Owner"),
    ]
    assert (rungs_recorded(demand), level(demand)) == ([1, 2, 3], Rung.LEADERSHIP)

    # The ladder has no more rungs.
    # Weeks later nothing more is said, and the demand at the top of the ladder is not even read.
    assert sweep(bj(4, 30)) == {"due": 0, "created": 0}
    assert rungs_recorded(demand) == [1, 2, 3]
    assert Notification.objects.filter(kind__in=[WARNING, ESCALATED]).count() == 5


def test_an_escalation_is_an_internal_entry_on_the_timeline(world):
    demand = raise_demand(world)
    now = DUE + datetime.timedelta(hours=2)

    sweep(now)

    entry = demand.updates.get(kind=UpdateKind.ESCALATION)
    assert (entry.author, entry.created_at, entry.visibility) == (None, now, Visibility.INTERNAL)
    assert entry.params == {"rung": 1, "phase": "acknowledge"}
    subject = Notification.objects.get(kind=ESCALATED).subject("en")
    for part in (demand.reference, "Own Venture Co., Ltd.", "acknowledged", "2026-03-05 10:00", "Owner"):
        assert part in subject


def test_a_sweep_that_was_down_catches_up_every_rung_at_once(world):
    demand = raise_demand(world)

    assert sweep(LEADERSHIP_AFTER + datetime.timedelta(hours=1)) == {"due": 1, "created": 4}

    assert escalations() == [
        ("head", "Department head"),
        ("leader", "Leadership"),
        ("leader2", "Leadership"),
        ("staff", "Owner"),
    ]
    assert (rungs_recorded(demand), level(demand)) == ([1, 2, 3], Rung.LEADERSHIP)
    # It skipped the warning: the deadline had passed.
    assert warnings() == []


@pytest.mark.parametrize(
    ("calendar", "not_yet", "head_told"),
    [
        # Monday 9 March off: Friday, Tuesday, Wednesday.
        ([((3, 9), CalendarDay.Kind.HOLIDAY)], bj(3, 10, 12), bj(3, 11, 10, 1)),
        # Saturday 7 March worked: Friday, Saturday, Monday.
        ([((3, 7), CalendarDay.Kind.WORKDAY)], bj(3, 9, 10), bj(3, 9, 10, 1)),
    ],
    ids=["holiday", "worked-weekend"],
)
def test_the_interval_between_rungs_counts_working_days(world, calendar, not_yet, head_told):
    demand = raise_demand(world)
    for (month, day), kind in calendar:
        CalendarDay.objects.create(date=datetime.date(2026, month, day), kind=kind)

    sweep(not_yet)
    assert level(demand) == Rung.OWNER
    sweep(head_told)
    assert level(demand) == Rung.DEPARTMENT_HEAD
    assert escalations() == [("head", "Department head"), ("staff", "Owner")]


def test_without_a_department_head_the_rung_is_recorded_and_nobody_is_told(world):
    world.dept.head = None
    world.dept.save(update_fields=["head"])
    demand = raise_demand(world)

    sweep(HEAD_AFTER + MINUTE)

    assert escalations() == [("staff", "Owner")]
    assert (rungs_recorded(demand), level(demand)) == ([1, 2], Rung.DEPARTMENT_HEAD)


def test_a_moved_deadline_starts_a_new_ladder(world):
    demand = raise_demand(world)
    sweep(DUE + datetime.timedelta(hours=1))
    assert level(demand) == Rung.OWNER

    # Low priority: acknowledge by Monday 9 March, warned from Wednesday 4 March.
    services.demand_route(
        demand=demand,
        actor=world.head,
        department=world.dept,
        owner=world.staff,
        priority="low",
        at=DUE + datetime.timedelta(hours=2),
    )
    assert level(demand) == Rung.NONE

    assert sweep(DUE + datetime.timedelta(hours=3)) == {"due": 1, "created": 1}
    assert warnings() == [("staff", "2026-03-09 10:00")]

    assert sweep(bj(3, 9, 10, 1)) == {"due": 1, "created": 1}
    assert sorted(
        (n.params["rung"]["en"], n.params["due"]) for n in Notification.objects.filter(kind=ESCALATED)
    ) == [("Owner", "2026-03-05 10:00"), ("Owner", "2026-03-09 10:00")]
    assert (rungs_recorded(demand), level(demand)) == ([1, 1], Rung.OWNER)


def test_accepting_starts_the_ladder_of_the_resolve_deadline(world):
    demand = raise_demand(world)
    sweep(LEADERSHIP_AFTER + MINUTE)
    assert level(demand) == Rung.LEADERSHIP

    services.demand_transition(demand=demand, action="accept", actor=world.staff, at=bj(3, 16))
    assert level(demand) == Rung.NONE

    # Resolve by Monday 30 March, warned from Thursday 26 March.
    assert sweep(bj(3, 25)) == {"due": 0, "created": 0}
    assert sweep(bj(3, 26)) == {"due": 1, "created": 1}
    assert sweep(bj(3, 30, 10, 1)) == {"due": 1, "created": 1}
    late = Notification.objects.filter(kind=ESCALATED, params__due="2026-03-30 10:00").get()
    assert (late.recipient, late.params["phase"]["en"]) == (world.staff, "resolved")
    assert demand.updates.filter(kind=UpdateKind.ESCALATION).order_by("pk").last().params == {
        "rung": 1,
        "phase": "resolve",
    }


@pytest.mark.parametrize(
    "steps",
    [
        ["accept", "hold"],
        ["accept", "resolve"],
        ["accept", "resolve", "rate"],
        ["reject"],
        ["withdraw"],
    ],
    ids=["on-hold", "resolved", "closed", "rejected", "withdrawn"],
)
def test_demands_whose_clock_is_stopped_are_ignored(world, steps):
    demand = raise_demand(world)
    for step in steps:
        if step == "rate":
            services.demand_rate(demand=demand, actor=world.rep, satisfaction=3, at=bj(3, 2, 12))
        else:
            actor = world.rep if step == "withdraw" else world.staff
            services.demand_transition(demand=demand, action=step, actor=actor, note="Note.", at=bj(3, 2, 11))
    before = Notification.objects.count()

    for now in (WARN_FROM, DUE + MINUTE, bj(4, 30)):
        assert sweep(now) == {"due": 0, "created": 0}

    assert Notification.objects.count() == before
    assert rungs_recorded(demand) == []
    assert level(demand) == Rung.NONE


def test_only_demands_whose_time_has_come_are_swept(world):
    late = raise_demand(world)
    fresh = raise_demand(world, at=bj(3, 5))

    assert sweep(DUE + MINUTE) == {"due": 1, "created": 1}
    assert escalations(late) == [("staff", "Owner")]
    assert not Notification.objects.filter(kind__in=[WARNING, ESCALATED], target_id=fresh.pk).exists()


def test_the_sender_is_nudged_after_commit_and_each_person_gets_one_email(
    world, django_capture_on_commit_callbacks
):
    raise_demand(world)
    mail.outbox.clear()

    with mock.patch(APPLY_ASYNC) as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.demand_deadlines_sweep(now=DUE + MINUTE)
            assert not apply_async.called
        assert (len(callbacks), apply_async.call_count) == (1, 1)

        # A second run creates nothing, so there is nothing to nudge for.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.demand_deadlines_sweep(now=DUE + MINUTE)
        assert (callbacks, apply_async.call_count) == ([], 1)

    send_pending()
    send_pending()
    overdue = [m for m in mail.outbox if "Overdue" in m.subject]
    assert [m.to for m in overdue] == [["staff@example.com"]]


# --- Query budget -------------------------------------------------------------------------------------


def _raise_many(w, n):
    for _ in range(n):
        raise_demand(w)


def _swept_queries(now) -> tuple[dict, int]:
    """Sweep once inside a savepoint that is rolled back; return the counts and the queries made."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            result = services.demand_deadlines_sweep(now=now)
        transaction.set_rollback(True)
    return result, len(captured.captured_queries)


# The sweep reads leadership (1), one batch of due demands with their JV, liaison, department, head,
# owner and policy joined (1), the working-day calendar once (1), and the empty next batch (1);
# notify_many adds a savepoint, the existing keys, the preferences and one insert (5 with the
# release); recording the rungs adds a savepoint, one locking read of the climbed demands'
# deadlines, one insert of timeline entries and one update per rung (7 with the release).
# Nothing depends on how many demands are due.
SWEEP_BUDGET = 16


@pytest.mark.parametrize(
    ("now", "many", "created_each"),
    [
        # Rung 1 only: one notification per demand.
        (DUE + MINUTE, 30, 1),
        # Every rung at once: owner, head and two leaders per demand. SQLite takes 999
        # parameters a statement, so Django splits an insert of more than 71 notifications;
        # 15 demands (60 rows) stay within one, as PostgreSQL always does.
        (LEADERSHIP_AFTER + MINUTE, 15, 4),
    ],
    ids=["owner-rung", "every-rung"],
)
def test_the_sweep_makes_the_same_queries_for_3_or_many_due_demands(
    world, django_assert_max_num_queries, now, many, created_each
):
    _raise_many(world, 3)
    few_result, few_queries = _swept_queries(now)
    assert few_result == {"due": 3, "created": 3 * created_each}

    _raise_many(world, many - 3)
    with django_assert_max_num_queries(SWEEP_BUDGET) as captured:
        result = services.demand_deadlines_sweep(now=now)

    assert result == {"due": many, "created": many * created_each}
    assert len(captured.captured_queries) == few_queries


# --- Auto-close ---------------------------------------------------------------------------------------


@pytest.fixture
def resolved(world):
    """Resolved Monday 2 March at 12:00: closes unrated after 10 working days, Monday 16 March 12:00."""
    demand = raise_demand(world)
    services.demand_transition(demand=demand, action="accept", actor=world.staff, at=bj(3, 2, 11))
    services.demand_transition(
        demand=demand, action="resolve", actor=world.staff, note="Done.", at=bj(3, 2, 12)
    )
    demand.refresh_from_db()
    assert demand.rating_due_at == bj(3, 16, 12)
    return demand


def test_a_resolved_demand_stays_open_for_a_rating_until_its_time(world, resolved):
    assert services.demand_autoclose_sweep(now=bj(3, 16, 11, 59)) == {"due": 0, "closed": 0}
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_an_unrated_demand_closes_on_its_own_once(world, resolved):
    now = bj(3, 16, 12)
    version = resolved.version

    assert services.demand_autoclose_sweep(now=now) == {"due": 1, "closed": 1}
    assert services.demand_autoclose_sweep(now=now) == {"due": 0, "closed": 0}
    assert services.demand_autoclose_sweep(now=bj(4, 30)) == {"due": 0, "closed": 0}

    resolved.refresh_from_db()
    assert (resolved.status, resolved.closed_at, resolved.rating_due_at) == (Status.CLOSED, now, None)
    assert (resolved.satisfaction, resolved.rated_by) == (None, None)
    assert resolved.version == version + 1
    entry = resolved.updates.get(kind=UpdateKind.STATUS, to_status=Status.CLOSED)
    assert (entry.author, entry.created_at, entry.from_status, entry.params) == (
        None,
        now,
        Status.RESOLVED,
        {"automatic": True},
    )
    assert resolved.history.first().history_user is None


def test_a_rated_or_reopened_demand_is_not_closed_by_the_sweep(world, resolved):
    rated = raise_demand(world)
    services.demand_transition(demand=rated, action="accept", actor=world.staff, at=bj(3, 2, 11))
    services.demand_transition(
        demand=rated, action="resolve", actor=world.staff, note="Done.", at=bj(3, 2, 12)
    )
    services.demand_rate(demand=rated, actor=world.rep, satisfaction=5, at=bj(3, 3))
    services.demand_transition(
        demand=resolved, action="reopen", actor=world.rep, note="Not yet.", at=bj(3, 3)
    )

    assert services.demand_autoclose_sweep(now=bj(4, 30)) == {"due": 0, "closed": 0}

    resolved.refresh_from_db()
    rated.refresh_from_db()
    assert (resolved.status, rated.status, rated.closed_at) == (Status.IN_PROGRESS, Status.CLOSED, bj(3, 3))


def _resolve_many(world, n: int) -> list[Demand]:
    made = []
    for _ in range(n):
        demand = raise_demand(world)
        services.demand_transition(demand=demand, action="accept", actor=world.staff, at=bj(3, 2, 11))
        made.append(
            services.demand_transition(
                demand=demand, action="resolve", actor=world.staff, note="Done.", at=bj(3, 2, 12)
            )
        )
    return made


def _trail(demand: Demand) -> tuple:
    """What a close leaves on a demand: its row, its history, its timeline."""
    demand.refresh_from_db()
    history = [(h.history_type, h.status, h.version, h.history_user_id) for h in demand.history.all()]
    entries = list(
        demand.updates.order_by("pk").values_list("kind", "author", "from_status", "to_status", "params")
    )
    return demand.status, demand.closed_at, demand.rating_due_at, demand.version, history, entries


def test_the_autoclose_sweep_closes_each_demand_as_one_close_by_hand_would(world):
    """The batch writes, per demand, the rows the per-demand transaction wrote: the new version,
    one history entry naming nobody, one automatic status entry; and no notification."""
    now = bj(3, 16, 12)
    [first] = _resolve_many(world, 1)
    notifications = Notification.objects.count()
    assert services.demand_autoclose_sweep(now=now) == {"due": 1, "closed": 1}
    swept = _trail(first)
    assert Notification.objects.count() == notifications
    [second] = _resolve_many(world, 1)

    # The reference: the same close as one save with history, as the sweep did it demand by demand.
    with transaction.atomic():
        locked = Demand.objects.select_for_update().get(pk=second.pk)
        locked.status, locked.closed_at, locked.rating_due_at = Status.CLOSED, now, None
        services.save_versioned(locked, actor=None, fields=["status", "closed_at", "rating_due_at"])
        services._entry(
            locked,
            kind=UpdateKind.STATUS,
            actor=None,
            at=now,
            from_status=Status.RESOLVED,
            to_status=Status.CLOSED,
            params={"automatic": True},
        )
    assert swept == _trail(second)
    assert swept[0] == Status.CLOSED and swept[4][0][:2] == ("~", Status.CLOSED)


def test_the_autoclose_sweep_makes_the_same_queries_per_batch(world):
    """One batch of 2 or three batches of 2 (out of 6): the same statements in each batch."""
    now = bj(3, 16, 12)
    _resolve_many(world, 6)
    with CaptureQueriesContext(connection) as captured:
        assert services.demand_autoclose_sweep(now=now, batch_size=2) == {"due": 6, "closed": 6}
    batches = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    batches = [q for q in batches if not q.startswith(("BEGIN", "COMMIT"))]
    # Per batch: the read, the lock, the update, the history copied by one INSERT ... SELECT, the
    # timeline insert; then the read that finds nothing more.
    assert len(batches) == 3 * 5 + 1, batches
    assert Demand.objects.filter(status=Status.CLOSED).count() == 6


def test_a_demand_rated_while_the_autoclose_sweep_works_stays_rated(world, resolved, monkeypatch):
    now = bj(3, 16, 12)

    def rate():
        services.demand_rate(demand=resolved, actor=world.rep, satisfaction=4, at=bj(3, 16, 11))

    between_read_and_telling(monkeypatch, rate)
    assert services.demand_autoclose_sweep(now=now) == {"due": 1, "closed": 0}
    resolved.refresh_from_db()
    assert (resolved.status, resolved.satisfaction, resolved.closed_at) == (Status.CLOSED, 4, bj(3, 16, 11))
    assert not resolved.updates.filter(params__automatic=True).exists()


# --- The Celery tasks, called directly and twice ------------------------------------------------------


def test_the_deadline_task_tells_each_rung_once(world):
    # Raised two months ago: by now past every rung.
    demand = raise_demand(world, at=timezone.now() - datetime.timedelta(days=60))

    first = demand_deadlines_sweep_task()
    second = demand_deadlines_sweep_task()

    # The second run skips the demand: it is at the top of the ladder.
    assert (first, second) == ({"due": 1, "created": 4}, {"due": 0, "created": 0})
    assert len(escalations(demand)) == 4
    assert rungs_recorded(demand) == [1, 2, 3]


def test_the_autoclose_task_closes_once(world):
    demand = raise_demand(world, at=timezone.now() - datetime.timedelta(days=60))
    services.demand_transition(
        demand=demand, action="accept", actor=world.staff, at=timezone.now() - datetime.timedelta(days=59)
    )
    services.demand_transition(
        demand=demand,
        action="resolve",
        actor=world.staff,
        note="Done.",
        at=timezone.now() - datetime.timedelta(days=50),
    )

    assert demand_autoclose_sweep_task() == {"due": 1, "closed": 1}
    assert demand_autoclose_sweep_task() == {"due": 0, "closed": 0}

    demand.refresh_from_db()
    assert demand.status == Status.CLOSED
    assert DemandUpdate.objects.filter(demand=demand, params__automatic=True).count() == 1


def between_read_and_telling(monkeypatch, act):
    """Run ``act`` after the sweep has read its batch and before it re-checks and tells anyone."""
    from notifications import sweeps

    original = sweeps._tell_if_still_due

    def racing(batch, specs, recheck):
        act()
        return original(batch, specs, recheck)

    monkeypatch.setattr(sweeps, "_tell_if_still_due", racing)


def test_a_deadline_met_while_the_sweep_works_is_neither_told_nor_recorded(world, monkeypatch):
    """The sweep read the demand as overdue; the owner accepted it before the sweep said anything."""
    demand = raise_demand(world)
    late = LEADERSHIP_AFTER + MINUTE

    def accept():
        services.demand_transition(demand=demand, action="accept", actor=world.staff, at=late)

    between_read_and_telling(monkeypatch, accept)
    assert services.demand_deadlines_sweep(now=late)["created"] == 0
    assert not Notification.objects.filter(kind__in=[WARNING, ESCALATED]).exists()
    assert not DemandUpdate.objects.filter(demand=demand, kind=UpdateKind.ESCALATION).exists()

    # The control: without the accept, the same steps tell every rung.
    monkeypatch.undo()
    other = raise_demand(world)
    assert services.demand_deadlines_sweep(now=late)["created"] > 0
    assert DemandUpdate.objects.filter(demand=other, kind=UpdateKind.ESCALATION).count() == 3
