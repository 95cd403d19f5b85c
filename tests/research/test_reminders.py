"""The reminders: data returns due in 14 days, on the day, overdue (the JV's representatives, then
the lead); research due in 30 and 7 days, on the day, overdue (the lead, then the department head,
then leadership). Each step once per person, re-checked under a lock before anyone is told."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from notifications import sweeps
from notifications.models import Notification
from research import notices, services
from research.models import AnnualResearch, DataReturn
from tests import factories as f
from tests.research.builders import figures

DUE = datetime.date(2026, 3, 31)  # the data return's due date
RESEARCH_DUE = datetime.date(2026, 6, 30)
D = datetime.timedelta


@pytest.fixture
def world(db, leader):
    head = f.make_user(Role.HQ_STAFF, username="head")
    lead = f.make_user(Role.HQ_STAFF, username="lead")
    jv = f.JointVentureFactory(department=f.DepartmentFactory(head=head), liaison=lead)
    rep = f.make_representative_user(jv, username="rep")
    research = services.research_open(jv=jv, year=2026, actor=lead)
    Notification.objects.all().delete()  # the opening's own notices
    return {"jv": jv, "rep": rep, "lead": lead, "head": head, "leader": leader, "research": research}


def sweep(today):
    return services.research_reminders_sweep(today=today)


def told(kind=None):
    rows = Notification.objects.order_by("recipient__username", "key")
    if kind is not None:
        rows = rows.filter(kind=kind.code)
    return [(n.recipient.username, n.key.split(":")[3]) for n in rows]


def test_nothing_is_said_before_the_first_step(world):
    assert sweep(DUE - D(days=15))["created"] == 0


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - D(days=14), [("rep", "soon14")]),
        (DUE - D(days=3), [("rep", "soon14")]),
        (DUE, [("rep", "today")]),
        (DUE + D(days=1), [("lead", "overdue"), ("rep", "overdue")]),
    ],
)
def test_each_data_return_step_once(world, today, expected):
    sweep(today)
    sweep(today)
    assert sorted(told(notices.RETURN_DUE) + told(notices.RETURN_OVERDUE)) == sorted(expected)


def test_the_steps_accumulate_over_the_days(world):
    for day in (DUE - D(days=20), DUE - D(days=14), DUE - D(days=7), DUE, DUE + D(days=1), DUE + D(days=9)):
        sweep(day)
    assert sorted(told(notices.RETURN_DUE) + told(notices.RETURN_OVERDUE)) == [
        ("lead", "overdue"),
        ("rep", "overdue"),
        ("rep", "soon14"),
        ("rep", "today"),
    ]


def test_a_submitted_data_return_is_not_reminded(world):
    data_return = world["research"].data_return
    data_return = services.data_return_update(
        data_return=data_return, actor=world["rep"], data=figures(), expected_version=data_return.version
    )
    services.data_return_submit(
        data_return=data_return, actor=world["rep"], expected_version=data_return.version
    )
    sweep(DUE + D(days=1))
    assert told(notices.RETURN_OVERDUE) == []


def test_a_data_return_submitted_while_the_sweep_works_is_not_reminded(world, monkeypatch):
    original = sweeps._tell_if_still_due

    def submitted_meanwhile(batch, specs, recheck):
        if batch and isinstance(batch[0], DataReturn):
            data_return = DataReturn.objects.get(pk=batch[0].pk)
            data_return = services.data_return_update(
                data_return=data_return,
                actor=world["rep"],
                data=figures(),
                expected_version=data_return.version,
            )
            services.data_return_submit(
                data_return=data_return, actor=world["rep"], expected_version=data_return.version
            )
        return original(batch, specs, recheck)

    monkeypatch.setattr(sweeps, "_tell_if_still_due", submitted_meanwhile)
    sweep(DUE + D(days=1))
    assert told(notices.RETURN_OVERDUE) == []
    # The control: another JV's late return is reminded by the same run.
    monkeypatch.undo()
    other_jv = f.JointVentureFactory()
    f.make_representative_user(other_jv, username="other")
    services.research_open(jv=other_jv, year=2026, actor=world["lead"])
    sweep(DUE + D(days=1))
    assert ("other", "overdue") in told(notices.RETURN_OVERDUE)


def test_a_moved_due_date_gets_its_own_reminders(world):
    sweep(DUE)
    DataReturn.objects.filter(research=world["research"]).update(due_date=DUE + D(days=30))
    sweep(DUE + D(days=30))
    assert told(notices.RETURN_DUE) == [("rep", "today"), ("rep", "today")]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (RESEARCH_DUE - D(days=30), [("lead", "soon30")]),
        (RESEARCH_DUE - D(days=7), [("lead", "soon7")]),
        (RESEARCH_DUE - D(days=8), [("lead", "soon30")]),
        (RESEARCH_DUE, [("lead", "today")]),
        (RESEARCH_DUE + D(days=1), [("head", "overdue"), ("lead", "overdue")]),
        (RESEARCH_DUE + D(days=14), [("head", "overdue"), ("lead", "overdue"), ("leader", "leadership")]),
    ],
)
def test_each_research_step_once(world, today, expected):
    sweep(today)
    sweep(today)
    assert sorted(told(notices.RESEARCH_DUE) + told(notices.RESEARCH_OVERDUE)) == sorted(expected)


def test_an_accepted_research_is_not_reminded(world):
    AnnualResearch.objects.filter(pk=world["research"].pk).update(status="accepted")
    sweep(RESEARCH_DUE + D(days=20))
    assert told(notices.RESEARCH_OVERDUE) == []


def test_a_research_accepted_while_the_sweep_works_says_nothing(world, monkeypatch):
    original = sweeps._tell_if_still_due

    def accepted_meanwhile(batch, specs, recheck):
        if batch and isinstance(batch[0], AnnualResearch):
            AnnualResearch.objects.filter(pk=batch[0].pk).update(status="accepted")
        return original(batch, specs, recheck)

    monkeypatch.setattr(sweeps, "_tell_if_still_due", accepted_meanwhile)
    sweep(RESEARCH_DUE + D(days=20))
    assert told(notices.RESEARCH_OVERDUE) == []


def test_the_sweep_costs_the_same_queries_for_one_research_or_ten(world):
    def queries():
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            sweep(DUE + D(days=1))
        return len(captured)

    one = queries()
    for _ in range(9):
        jv = f.JointVentureFactory(liaison=f.make_user(Role.HQ_STAFF))
        f.make_representative_user(jv)
        services.research_open(jv=jv, year=2026, actor=world["lead"])
    assert queries() == one
