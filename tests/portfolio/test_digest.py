"""Leadership's weekly digest: one message per leadership member and week, whatever runs twice;
its figures are the week's."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from core.roles import Role
from core.workdays import local_zone
from demands.choices import OPEN_STATUSES
from demands.models import Demand
from notifications.models import Notification
from portfolio import notices
from portfolio.services import leadership_weekly_digest, week_of
from portfolio.tasks import leadership_weekly_digest_task
from representatives.choices import InstructionState
from representatives.models import Meeting, Proposal
from tests import factories as f

# A Monday, 07:45 in Beijing: when beat sends it.
MONDAY = datetime.datetime(2026, 11, 30, 7, 45, tzinfo=local_zone())


def _digests():
    return Notification.objects.filter(kind=notices.WEEKLY.code)


def test_the_week_is_the_seven_days_before_this_monday():
    start, end, week = week_of(MONDAY)
    assert (start, end, week) == (
        datetime.datetime(2026, 11, 23, tzinfo=local_zone()),
        datetime.datetime(2026, 11, 30, tzinfo=local_zone()),
        "2026-W49",
    )
    # Later in the same week (a rerun on Wednesday), the same week; across a year end, ISO's year.
    assert week_of(MONDAY + datetime.timedelta(days=2))[2] == "2026-W49"
    assert week_of(datetime.datetime(2027, 1, 1, 9, tzinfo=local_zone()))[2] == "2026-W53"


def test_one_digest_per_leader_and_week_however_often_it_runs(portfolio, leader):
    second = f.make_user(Role.LEADERSHIP, username="leader2")
    f.make_user(Role.LEADERSHIP, username="retired", is_active=False)
    f.make_user(Role.HQ_STAFF, username="staff")
    assert leadership_weekly_digest(now=MONDAY) == 2
    assert leadership_weekly_digest(now=MONDAY + datetime.timedelta(hours=3)) == 0
    assert leadership_weekly_digest_task() in (0, 2)  # today's week: a week of its own
    this_week = _digests().filter(key__startswith="leadership-weekly:2026-W49:")
    assert sorted(this_week.values_list("recipient__username", flat=True)) == sorted(
        [leader.username, second.username]
    )
    assert this_week.get(recipient=leader).key == f"leadership-weekly:2026-W49:{leader.pk}"
    # The next Monday is a new week.
    assert leadership_weekly_digest(now=MONDAY + datetime.timedelta(days=7)) == 2


def _line(body: str, label: str) -> int:
    (line,) = [line for line in body.splitlines() if line.startswith(f"{label}: ")]
    return int(line.split(": ", 1)[1])


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet=True)


def test_the_digest_says_what_the_week_brought(demo):
    leader = User.objects.get(username="leader")
    hq = User.objects.get(username="hq")
    rep = User.objects.filter(groups__name=Role.REPRESENTATIVE).first()
    venture = rep.representative_profile.appointments.first().jv
    now = timezone.now()
    start, end, _week = week_of(now)
    before = Demand.objects.filter(submitted_at__gte=start, submitted_at__lt=end).count()
    f.make_demand(venture, rep, title="本周需求一", at=start + datetime.timedelta(hours=10))
    f.make_demand(venture, rep, title="本周需求二", at=start + datetime.timedelta(days=2, hours=10))
    f.make_demand(venture, rep, title="上周需求", at=start - datetime.timedelta(hours=10))
    assert hq  # HQ gets no digest: checked below

    leadership_weekly_digest(now=now)
    digest = _digests().get(recipient=leader)
    body = digest.body("en")
    assert _line(body, "New demands raised") == before + 2
    assert (
        _line(body, "Demands resolved")
        == Demand.objects.filter(resolved_at__gte=start, resolved_at__lt=end).count()
    )
    assert (
        _line(body, "Demands overdue now")
        == Demand.objects.filter(due_at__lt=now, status__in=OPEN_STATUSES).count()
    )
    awaiting = Proposal.objects.filter(instruction_state=InstructionState.AWAITING_APPROVAL)
    assert _line(body, "Instructions awaiting your approval") == awaiting.count() >= 1
    for proposal in awaiting:
        assert proposal.title in body
    ahead = Meeting.objects.filter(meeting_at__gt=now)
    assert _line(body, "Meetings ahead") >= 1
    assert ahead.order_by("meeting_at").first().title in body
    assert not _digests().filter(recipient=hq).exists()
    # The same message in Chinese, for a reader who reads Chinese.
    chinese = digest.body("zh-hans")
    assert "New demands" not in chinese and str(before + 2) in chinese
    assert digest.subject("en").startswith("The portfolio's week to ")
    assert digest.url == "/portfolio/"
