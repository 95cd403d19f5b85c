"""The daily job on real Celery workers (the Redis broker, PostgreSQL): published several times and
run by two workers at once, each person is told of each commitment and each lapse exactly once."""

import datetime

import pytest
from django.utils import timezone

from core.roles import Role
from engagements import defaults, services
from engagements.tasks import engagements_daily_task
from notifications.models import Notification
from tests import factories as f
from tests.notifications.test_workers import (  # noqa: F401  (fixtures)
    broker,
    live_services,
    wait_until,
    workers,
)

pytestmark = pytest.mark.workers


def test_two_workers_running_the_daily_job_at_once_tell_each_person_once(workers, broker):  # noqa: F811
    defaults.ensure()
    today = timezone.localdate()
    hq = f.make_user(Role.HQ_STAFF)
    leader = f.make_user(Role.LEADERSHIP)
    owners = []
    for i in range(30):
        jv = f.JointVentureFactory(liaison=f.make_user(Role.HQ_STAFF), strategic_tier="core")
        engagement = services.engagement_create(
            actor=hq,
            data={
                "kind": "jv_visit",
                "status": "held",
                "title": f"访问{i}",
                "starts_on": today - datetime.timedelta(days=200),
            },
            ventures=[jv],
            attendees=[leader],
        )
        owner = f.make_user(Role.HQ_STAFF)
        services.commitment_add(
            engagement=engagement, actor=hq, data={"jv": jv, "text": "x", "owner": owner, "due_date": today}
        )
        owners.append(owner)
    Notification.objects.all().delete()
    workers.start("w1")
    workers.start("w2")
    workers.wait_ready("w1", "w2")
    for _ in range(4):
        engagements_daily_task.apply_async()
    wait_until(
        lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0, "the tasks to finish", workers
    )
    due = Notification.objects.filter(kind="engagements.commitment_due")
    wait_until(lambda: due.count() == 30, "every owner to be told", workers)
    assert sorted(due.values_list("recipient_id", flat=True)) == sorted(o.pk for o in owners)
    # Each JV's liaison (the department heads are unset) hears of the lapse once.
    lapsed = Notification.objects.filter(kind="engagements.contact_lapsed")
    assert lapsed.count() == 30
    assert lapsed.values("recipient_id").distinct().count() == 30
