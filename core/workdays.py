"""China's working days: add working days to a moment, count them, test a date. Asia/Shanghai.

Monday to Friday are working days, except the public holidays in ``CalendarDay``; a weekend
day listed there as a working day (调休) is worked. Every deadline in the portal is computed here.

A ``WorkingCalendar`` loads the exceptions of a date window in one query and is cheap to reuse
(a sweep over many items builds one); the module-level functions build one per call.
"""

import datetime
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.utils import timezone

# A span of this many calendar days always contains more working days than any Chinese holiday
# season removes; used to size the window of exceptions loaded for an addition.
_SPAN_FACTOR = 2
_SPAN_MARGIN = 30


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class WorkingCalendar:
    """The exceptions between ``start`` and ``end`` (inclusive), loaded once."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start = start
        self.end = end

    @cached_property
    def exceptions(self) -> dict[datetime.date, bool]:
        from core.models import CalendarDay

        rows = CalendarDay.objects.filter(date__range=(self.start, self.end)).values_list("date", "kind")
        return {day: kind == CalendarDay.Kind.WORKDAY for day, kind in rows}

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def is_working_day(self, day: datetime.date) -> bool:
        if not self.covers(day):
            raise ValueError(f"{day} is outside the loaded window {self.start}..{self.end}")
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``day`` (n >= 0; for 0, ``day`` or the next working day)."""
        if n < 0:
            raise ValueError("n must not be negative")
        current = day
        if n == 0:
            while not self.is_working_day(current):
                current += datetime.timedelta(days=1)
            return current
        remaining = n
        while remaining:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def subtract(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day before ``day`` (n >= 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        current = day
        remaining = n
        while remaining:
            current -= datetime.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def count(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in the half-open span (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.count(end, start)
        total = 0
        current = start
        while current < end:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                total += 1
        return total


def _window_for(day: datetime.date, n: int) -> WorkingCalendar:
    span = datetime.timedelta(days=abs(n) * _SPAN_FACTOR + _SPAN_MARGIN)
    return WorkingCalendar(day - span, day + span)


def local_date(moment: datetime.datetime) -> datetime.date:
    """The calendar day ``moment`` falls on in Beijing time."""
    return timezone.localtime(moment, local_zone()).date()


def local_minute(moment: datetime.datetime) -> str:
    """``moment`` as Beijing time to the minute ("2026-03-02 17:30"), as notifications and messages
    quote deadlines to people in either language."""
    return timezone.localtime(moment, local_zone()).strftime("%Y-%m-%d %H:%M")


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(moment: datetime.datetime, n: int) -> datetime.datetime:
    """``moment`` plus ``n`` working days, keeping the time of day in Beijing time.

    A result can only fall on a working day; with ``n == 0`` a moment on a day off moves to the
    next working day at the same time.
    """
    zone = local_zone()
    local = timezone.localtime(moment, zone)
    day = _window_for(local.date(), n).add(local.date(), n)
    return datetime.datetime.combine(day, local.time(), tzinfo=zone)


def subtract_working_days(moment: datetime.datetime, n: int) -> datetime.datetime:
    """``moment`` minus ``n`` working days (a deadline counted back from a meeting)."""
    zone = local_zone()
    local = timezone.localtime(moment, zone)
    day = _window_for(local.date(), n).subtract(local.date(), n)
    return datetime.datetime.combine(day, local.time(), tzinfo=zone)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]: ``working_days_between(d, add(d, n)) == n``."""
    low, high = min(start, end), max(start, end)
    return WorkingCalendar(low, high).count(start, end)
