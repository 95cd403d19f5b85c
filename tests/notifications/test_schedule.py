"""The beat schedule under faults: a missed daily run is made up the same day, a worker outage
leaves no pile of every-minute tasks, and Redis never hands a running task to a second worker.

Each daily job is idempotent (every notification has a unique key): its own app proves a second
run tells nobody twice (tests/representatives/test_reports.py, test_sweeps.py,
tests/research/test_campaign.py, tests/engagements/test_sweeps.py). Here the schedule itself.
"""

import datetime
import zoneinfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from jvportal.celery import app
from notifications.models import Delivery, EmailStatus, Notification
from notifications.services import digest_cutoff, notify, preferences_set, send_digests
from notifications.tasks import notifications_digest_task
from representatives import notices
from representatives.services import appointment_terms_sweep
from representatives.tasks import appointment_terms_sweep_task
from tests import factories as f

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
MADE = notices.APPOINTMENT_MADE.code
DAILY = [
    "representatives-terms-sweep",
    "representatives-reports-daily",
    "research-daily",
    "engagements-daily",
]


def _interval(schedule) -> datetime.timedelta:
    """The time between two runs of a beat entry (for a crontab: from one firing to the next)."""
    if isinstance(schedule, int | float):
        return datetime.timedelta(seconds=schedule)
    if isinstance(schedule, datetime.timedelta):
        return schedule
    runs = _runs_on(schedule, datetime.date(2026, 1, 5), hours=8 * 24)  # from a Monday, over a week
    return runs[1] - runs[0]


def _runs_on(schedule: crontab, day: datetime.date, *, hours: int = 24) -> list[datetime.datetime]:
    """Every minute of ``hours`` from ``day``'s midnight (Beijing) at which ``schedule`` fires."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=BEIJING)
    minutes = (start + datetime.timedelta(minutes=m) for m in range(hours * 60))
    return [
        t
        for t in minutes
        if t.minute in schedule.minute
        and t.hour in schedule.hour
        and t.isoweekday() % 7 in schedule.day_of_week
        and t.day in schedule.day_of_month
        and t.month in schedule.month_of_year
    ]


def test_redis_hands_a_message_to_another_worker_only_after_the_hard_time_limit():
    options = app.conf.broker_transport_options
    assert options["visibility_timeout"] > app.conf.task_time_limit > app.conf.task_soft_time_limit
    assert app.conf.task_acks_late  # why the visibility timeout matters at all


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_frequent_entries_expire_before_a_pile_can_form(name):
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    interval = _interval(entry["schedule"])
    if interval > datetime.timedelta(hours=1):
        return  # daily and weekly entries: a late run is still wanted (and idempotent)
    expires = entry.get("options", {}).get("expires")
    assert expires is not None, f"{name} runs every {interval} without `expires`"
    # Dropped before the next-but-one run: at most one stale message per entry survives an outage.
    assert 0 < expires < 2 * interval.total_seconds()
    assert expires <= interval.total_seconds()


@pytest.mark.parametrize("name", DAILY)
def test_each_daily_sweep_runs_three_times_a_working_day(name):
    schedule = settings.CELERY_BEAT_SCHEDULE[name]["schedule"]
    runs = _runs_on(schedule, datetime.date(2026, 3, 10))
    assert [t.hour for t in runs] == [8, 12, 16]


def test_a_missed_morning_run_is_made_up_at_noon_exactly_once(db):
    """The broker was down at 08:00: beat could not publish the terms sweep. The 12:00 run tells
    everyone the 08:00 run would have told; the 16:00 run (and tomorrow's) tells nobody again."""
    today = timezone.localdate()
    ends = today + datetime.timedelta(days=30)
    started = today - datetime.timedelta(days=3 * 365)
    for _ in range(3):
        f.AppointmentFactory(
            representative=f.RepresentativeFactory(user=f.make_user(None)), start_date=started, term_end=ends
        )
    schedule = settings.CELERY_BEAT_SCHEDULE["representatives-terms-sweep"]["schedule"]
    runs = _runs_on(schedule, today)
    assert len(runs) == 3
    missed, *published = runs
    assert missed.hour == 8  # never reached a worker
    created = [appointment_terms_sweep_task()["created"] for _ in published]
    assert created == [3, 0]
    assert Notification.objects.count() == 3
    # The next morning's run, still within the warning window, adds nothing either.
    assert appointment_terms_sweep(today=today + datetime.timedelta(days=1))["created"] == 0
    assert Notification.objects.count() == 3


def _waiting_digest(username: str, created_at: datetime.datetime) -> Notification:
    user = f.make_user(None, username=username)
    preferences_set(user=user, deliveries={MADE: Delivery.DIGEST})
    notify(recipient=user, kind=MADE, key=f"made:{username}", params={"start": "2025-10-09"})
    Notification.objects.filter(key=f"made:{username}").update(created_at=created_at)
    return Notification.objects.get(key=f"made:{username}")


def test_the_digest_runs_three_times_a_morning_and_noon_and_afternoon():
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-digest"]["schedule"]
    assert [(t.hour, t.minute) for t in _runs_on(schedule, datetime.date(2026, 3, 10))] == [
        (7, 30),
        (11, 30),
        (15, 30),
    ]


def test_a_missed_morning_digest_goes_at_noon_once_and_later_rows_wait_for_tomorrow(db):
    def at(day, hour, minute=0):
        return datetime.datetime(2026, 3, day, hour, minute, tzinfo=BEIJING)

    overnight = _waiting_digest("overnight", at(9, 20))
    morning = _waiting_digest("morning", at(10, 9))
    assert digest_cutoff(at(10, 6)) == at(9, 7, 30)  # before 07:30: yesterday's digest time
    # 07:30 never reached a worker; the 11:30 run sends what was waiting at 07:30, once.
    assert send_digests(now=at(10, 11, 30), created_before=digest_cutoff(at(10, 11, 30))) == 1
    assert [m.to for m in mail.outbox] == [["overnight@example.com"]]
    assert send_digests(now=at(10, 15, 30), created_before=digest_cutoff(at(10, 15, 30))) == 0
    overnight.refresh_from_db()
    morning.refresh_from_db()
    assert (overnight.email_status, morning.email_status) == (EmailStatus.SENT, EmailStatus.DIGEST)
    # The next morning's digest takes the row that came after yesterday's digest time.
    assert send_digests(now=at(11, 7, 30), created_before=digest_cutoff(at(11, 7, 30))) == 1
    assert [m.to for m in mail.outbox][1:] == [["morning@example.com"]]


def test_the_digest_task_sends_only_what_waited_by_the_digests_time(db):
    _waiting_digest("yesterday", timezone.now() - datetime.timedelta(days=1, minutes=1))
    _waiting_digest("just_now", timezone.now())
    assert notifications_digest_task() == 1
    assert notifications_digest_task() == 0
    assert [m.to for m in mail.outbox] == [["yesterday@example.com"]]
