"""Leadership's weekly digest: each Monday morning one message per leadership member, once a week."""

import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.audience import leadership
from core.workdays import local_zone
from notifications.kinds import in_each_language
from notifications.models import Notification
from notifications.services import NotificationSpec, notify_many

from . import notices
from .selectors import digest_figures


def week_of(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime, str]:
    """The seven days that end at the start of this week (Monday 00:00 Beijing time), and this
    week's ISO label (``2026-W49``): the digest sent this Monday covers last week."""
    local = timezone.localtime(now, local_zone())
    monday = (local - datetime.timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    year, week, _day = monday.isocalendar()
    return monday - datetime.timedelta(days=7), monday, f"{year}-W{week:02d}"


def leadership_weekly_digest(*, now: datetime.datetime | None = None) -> int:
    """Tell each active leadership member what the week brought (new, overdue and resolved
    demands, instructions awaiting them, missing reports, meetings ahead). The key names the week
    and the person, so a second run, or a second worker, adds nothing. Returns how many were new."""
    now = now or timezone.now()
    start, end, week = week_of(now)
    week_end = (end - datetime.timedelta(days=1)).date().isoformat()
    leaders = leadership()
    keys = {leader.pk: f"leadership-weekly:{week}:{leader.pk}" for leader in leaders}
    # The reruns later on Monday find most digests made: their figures are not counted again.
    made = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    specs = []
    for leader in leaders:
        if keys[leader.pk] in made:
            continue
        figures = digest_figures(user=leader, start=start, end=end)
        specs.append(
            NotificationSpec(
                recipient=leader,
                kind=notices.WEEKLY.code,
                key=keys[leader.pk],
                params={
                    "week_end": week_end,
                    "summary": in_each_language(
                        lambda f=figures: render_to_string(
                            "portfolio/email/weekly_digest.txt", {"f": f}
                        ).strip()
                    ),
                },
                url=reverse("portfolio:portfolio"),
            )
        )
    return notify_many(specs)
