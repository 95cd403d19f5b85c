"""The campaign on real Celery workers (the Redis broker, PostgreSQL): the daily task published
several times and run by two workers at once opens each JV's research exactly once and tells each
person once."""

import pytest
from django.utils import timezone

from core.roles import Role
from notifications.models import Notification
from research.models import AnnualResearch, DataReturn
from research.tasks import research_daily_task
from tests import factories as f
from tests.notifications.test_workers import (  # noqa: F401  (fixtures)
    broker,
    live_services,
    wait_until,
    workers,
)

pytestmark = pytest.mark.workers


def test_two_workers_running_the_campaign_at_once_open_each_research_once(workers, broker):  # noqa: F811
    ventures = []
    for _ in range(40):
        jv = f.JointVentureFactory(liaison=f.make_user(Role.HQ_STAFF))
        f.make_representative_user(jv)
        ventures.append(jv)
    workers.start("w1")
    workers.start("w2")
    workers.wait_ready("w1", "w2")
    for _ in range(4):
        research_daily_task.apply_async()
    wait_until(
        lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0, "the tasks to finish", workers
    )
    wait_until(lambda: AnnualResearch.objects.count() == 40, "every research to open", workers)

    year = timezone.localdate().year
    assert sorted(AnnualResearch.objects.filter(year=year).values_list("jv_id", flat=True)) == [
        v.pk for v in ventures
    ]
    assert DataReturn.objects.count() == 40
    # The lead and the representative of each JV are told of the opening once each, however many
    # runs there were (the same runs' reminders aside).
    opened = Notification.objects.filter(kind__in=["research.opened", "research.return_requested"])
    assert opened.count() == 80
    assert sorted(opened.values_list("recipient_id", flat=True)) == sorted(
        [v.liaison_id for v in ventures] + [v.appointments.get().representative.user_id for v in ventures]
    )
