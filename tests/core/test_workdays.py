"""China's working days: real dates from the holiday package, and properties of the arithmetic.

The calendar is seeded by ``calendar_refresh`` from the ``holidays`` package, as in production.
The property tests compare with an oracle built from the package directly (not from the
database), so a seeding mistake, a window too small or a time-zone slip shows up as a difference.
"""

import datetime
import zoneinfo

import holidays
import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.holiday_seed import calendar_refresh
from core.models import CalendarDay
from core.tasks import calendar_refresh_task
from core.workdays import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    subtract_working_days,
    working_days_between,
)

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
D = datetime.date

SEEDED_YEARS = [2024, 2025, 2026, 2027]
_PACKAGE = holidays.China(years=SEEDED_YEARS)
OFF = {day for day in _PACKAGE if day.year in SEEDED_YEARS}
WORKED_WEEKENDS = sorted(day for day in _PACKAGE.weekend_workdays if day.year in SEEDED_YEARS)

PROPERTY = settings(
    deadline=None,
    database=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
any_date = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))
any_n = st.integers(min_value=0, max_value=40)


def beijing(day: datetime.date, hour: int = 17, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BEIJING)


def oracle_working(day: datetime.date) -> bool:
    """A working day by the package itself: a worked weekend, or a weekday that is no holiday."""
    return day in WORKED_WEEKENDS or (day.weekday() < 5 and day not in OFF)


def oracle_add(day: datetime.date, n: int) -> datetime.date:
    current = day
    while n == 0 and not oracle_working(current):
        current += datetime.timedelta(days=1)
    while n:
        current += datetime.timedelta(days=1)
        n -= oracle_working(current)
    return current


@pytest.fixture
def seeded(db):
    calendar_refresh(years=[2025, 2026])


@pytest.fixture
def seeded_wide(db):
    calendar_refresh(years=SEEDED_YEARS)


# --- Examples with real dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 26), True),  # Friday before the National Day week
        (D(2025, 9, 27), False),  # an ordinary Saturday
        (D(2025, 9, 28), True),  # Sunday worked instead (调休)
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 6), False),  # Mid-Autumn Festival, a Monday
        (D(2025, 10, 8), False),  # a Wednesday given off for the worked Saturday
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday worked instead
        (D(2025, 10, 12), False),
        (D(2026, 1, 4), True),  # Sunday worked after New Year
        (D(2026, 2, 18), False),  # Spring Festival
    ],
)
def test_is_working_day_follows_the_official_schedule(seeded, day, working):
    assert is_working_day(day) is working


def test_one_working_day_after_the_eve_of_national_day_is_after_the_golden_week(seeded):
    deadline = add_working_days(beijing(D(2025, 9, 30), 17), 1)
    assert deadline == beijing(D(2025, 10, 9), 17)
    # The result is in Beijing time with the time of day kept.
    assert deadline.tzinfo == BEIJING
    assert (deadline.hour, deadline.minute) == (17, 0)


def test_a_worked_saturday_counts(seeded):
    # Thursday 9 October + 1 is Friday, + 2 is the worked Saturday 11 October, + 3 is Monday.
    start = beijing(D(2025, 10, 9), 9, 30)
    assert [add_working_days(start, n).date() for n in (1, 2, 3)] == [
        D(2025, 10, 10),
        D(2025, 10, 11),
        D(2025, 10, 13),
    ]
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 13)) == 3


def test_a_worked_sunday_counts(seeded):
    # Friday 26 September + 1 is the worked Sunday 28 September, + 2 is Monday 29.
    assert add_working_days(beijing(D(2025, 9, 26)), 1).date() == D(2025, 9, 28)
    assert add_working_days(beijing(D(2025, 9, 26)), 2).date() == D(2025, 9, 29)


def test_across_the_new_year_into_a_worked_sunday(seeded):
    # 1 and 2 January 2026 are off, 3 January is a Saturday, 4 January a worked Sunday.
    assert add_working_days(beijing(D(2025, 12, 31), 10, 15), 1) == beijing(D(2026, 1, 4), 10, 15)
    assert working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 2


def test_time_of_day_is_kept_to_the_minute(seeded):
    moment = datetime.datetime(2025, 6, 3, 8, 47, 13, tzinfo=BEIJING)
    assert add_working_days(moment, 5) == datetime.datetime(2025, 6, 10, 8, 47, 13, tzinfo=BEIJING)


def test_a_utc_moment_is_counted_on_its_beijing_date(seeded):
    # 20:00 UTC on 30 September is 04:00 on 1 October in Beijing: already the holiday.
    moment = datetime.datetime(2025, 9, 30, 20, 0, tzinfo=UTC)
    assert add_working_days(moment, 1) == beijing(D(2025, 10, 9), 4)
    assert add_working_days(moment, 0) == beijing(D(2025, 10, 9), 4)
    # Eight hours earlier it is still 30 September in Beijing, a working day.
    earlier = datetime.datetime(2025, 9, 30, 8, 0, tzinfo=UTC)
    assert add_working_days(earlier, 0) == beijing(D(2025, 9, 30), 16)
    assert add_working_days(earlier, 1) == beijing(D(2025, 10, 9), 16)


def test_a_naive_moment_is_refused(seeded):
    with pytest.raises(ValueError):
        add_working_days(datetime.datetime(2025, 9, 30, 17, 0), 1)


def test_zero_days_on_a_holiday_moves_to_the_next_working_day(seeded):
    assert add_working_days(beijing(D(2025, 10, 1), 11), 0) == beijing(D(2025, 10, 9), 11)
    # On a working day, zero days is the moment itself.
    assert add_working_days(beijing(D(2025, 10, 9), 11), 0) == beijing(D(2025, 10, 9), 11)


def test_negative_days_are_refused(seeded):
    with pytest.raises(ValueError):
        add_working_days(beijing(D(2025, 10, 9)), -1)


def test_subtract_over_a_holiday(seeded):
    # Five working days before a board meeting on Friday 10 October 2025: 9, then 30 and 29
    # September, the worked Sunday 28 September, then Friday 26 September.
    meeting = beijing(D(2025, 10, 10), 14, 30)
    assert subtract_working_days(meeting, 1) == beijing(D(2025, 10, 9), 14, 30)
    assert subtract_working_days(meeting, 2) == beijing(D(2025, 9, 30), 14, 30)
    assert subtract_working_days(meeting, 4) == beijing(D(2025, 9, 28), 14, 30)
    assert subtract_working_days(meeting, 5) == beijing(D(2025, 9, 26), 14, 30)


def test_working_days_between_is_half_open_and_signed(seeded):
    # (30 Sep, 9 Oct]: only 9 October works.
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert working_days_between(D(2025, 10, 9), D(2025, 9, 30)) == -1
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 1)) == 0
    # The whole golden week off.
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0


def test_an_admin_correction_is_used_at_once(seeded):
    """Next year's schedule is entered by hand in autumn: the arithmetic follows the table."""
    CalendarDay.objects.create(date=D(2026, 12, 31), kind=CalendarDay.Kind.HOLIDAY, source="admin")
    CalendarDay.objects.create(date=D(2027, 1, 2), kind=CalendarDay.Kind.WORKDAY, source="admin")
    # Wednesday 30 December 2026 + 1: 31 December is now off, and 2027 is not seeded in this
    # test, so 1 January 2027 is a plain Friday; the Saturday after it is now worked.
    assert add_working_days(beijing(D(2026, 12, 30)), 1).date() == D(2027, 1, 1)
    assert add_working_days(beijing(D(2026, 12, 30)), 2).date() == D(2027, 1, 2)


def test_a_calendar_refuses_days_outside_its_window(db):
    calendar = WorkingCalendar(D(2025, 1, 1), D(2025, 1, 31))
    assert calendar.is_working_day(D(2025, 1, 2))
    with pytest.raises(ValueError):
        calendar.is_working_day(D(2025, 2, 1))


def test_a_calendar_loads_its_window_in_one_query(seeded, django_assert_num_queries):
    calendar = WorkingCalendar(D(2025, 1, 1), D(2025, 12, 31))
    with django_assert_num_queries(1):
        # 2025 has 261 weekdays; 18 are days off (the Dragon Boat Festival falls on a Saturday)
        # and 5 weekend days are worked.
        assert calendar.count(D(2024, 12, 31), D(2025, 12, 31)) == 261 - 18 + 5
        assert calendar.add(D(2025, 9, 30), 1) == D(2025, 10, 9)
        assert not calendar.is_working_day(D(2025, 10, 1))


@pytest.mark.parametrize("n", [1, 40])
def test_add_working_days_costs_one_query(seeded, django_assert_num_queries, n):
    with django_assert_num_queries(1):
        add_working_days(beijing(D(2025, 9, 30)), n)


# --- Properties ----------------------------------------------------------------------------------
#
# For d a working day: working_days_between(d, add(d, n)) == n for every n >= 0.
# For d a day off: add(d, 0) and add(d, 1) are both the next working day, so the count is
# max(n, 1): n working days counted from a Saturday start on Monday, and "zero days" moves a
# deadline off the day off.


@PROPERTY
@given(day=any_date, n=any_n)
def test_adding_then_counting_gives_back_n(seeded_wide, day, n):
    result = add_working_days(beijing(day), n).date()
    expected = n if is_working_day(day) else max(n, 1)
    assert working_days_between(day, result) == expected
    assert working_days_between(result, day) == -expected


@PROPERTY
@given(day=any_date, n=any_n)
def test_a_result_never_falls_on_a_day_off(seeded_wide, day, n):
    added = add_working_days(beijing(day), n).date()
    assert is_working_day(added)
    assert oracle_working(added)
    if n:
        subtracted = subtract_working_days(beijing(day), n).date()
        assert is_working_day(subtracted)
        assert oracle_working(subtracted)


@PROPERTY
@given(day=any_date, n=any_n)
def test_the_arithmetic_agrees_with_the_package(seeded_wide, day, n):
    """Worked weekends count and holidays do not, exactly as the package says."""
    assert is_working_day(day) is oracle_working(day)
    assert add_working_days(beijing(day), n).date() == oracle_add(day, n)


@pytest.mark.parametrize("worked", WORKED_WEEKENDS, ids=str)
def test_every_worked_weekend_day_counts(seeded_wide, worked):
    assert worked.weekday() >= 5
    before = worked - datetime.timedelta(days=1)
    assert is_working_day(worked)
    assert add_working_days(beijing(before), 1).date() == worked
    assert working_days_between(before, worked) == 1


def test_the_oracle_knows_worked_weekends():
    """The control for the tests above: the package really lists worked weekend days."""
    assert D(2025, 9, 28) in WORKED_WEEKENDS
    assert D(2025, 10, 11) in WORKED_WEEKENDS
    assert len(WORKED_WEEKENDS) >= 15


year_end = st.builds(
    lambda year, day: D(year, 12, day),
    st.sampled_from([2024, 2025, 2026]),
    st.integers(min_value=10, max_value=31),
)


@PROPERTY
@given(day=year_end, n=st.integers(min_value=1, max_value=40))
def test_year_boundaries(seeded_wide, day, n):
    result = add_working_days(beijing(day), n).date()
    assert result == oracle_add(day, n)
    assert working_days_between(day, result) == n
    assert subtract_working_days(beijing(result), n).date() <= day


@PROPERTY
@given(day=any_date, n=st.integers(min_value=1, max_value=40))
def test_subtract_then_add_round_trips_from_a_working_day(seeded_wide, day, n):
    moment = add_working_days(beijing(day, 9, 5), 0)  # the working day on or after ``day``
    assert add_working_days(subtract_working_days(moment, n), n) == moment
    assert subtract_working_days(add_working_days(moment, n), n) == moment


@PROPERTY
@given(day=any_date, n=st.integers(min_value=0, max_value=39))
def test_more_days_never_come_earlier(seeded_wide, day, n):
    this, following = add_working_days(beijing(day), n), add_working_days(beijing(day), n + 1)
    if n == 0 and not is_working_day(day):
        assert this == following
    else:
        assert this < following


@PROPERTY
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(2024, 1, 1),
        max_value=datetime.datetime(2027, 12, 31),
        timezones=st.just(UTC),
    ),
    n=any_n,
)
def test_a_moment_in_any_zone_is_counted_in_beijing(seeded_wide, moment, n):
    local = moment.astimezone(BEIJING)
    result = add_working_days(moment, n)
    assert result == add_working_days(local, n)
    assert result.tzinfo == BEIJING
    assert result.time() == local.time()
    assert result.date() == oracle_add(local.date(), n)


# --- Seeding from the package --------------------------------------------------------------------


def _rows():
    return list(CalendarDay.objects.order_by("date").values())


def test_calendar_refresh_seeds_holidays_and_worked_weekends(db):
    counts = calendar_refresh(years=[2025])
    days = dict(CalendarDay.objects.values_list("date", "kind"))
    assert days[D(2025, 10, 1)] == CalendarDay.Kind.HOLIDAY
    assert days[D(2025, 9, 28)] == CalendarDay.Kind.WORKDAY
    assert days[D(2025, 10, 11)] == CalendarDay.Kind.WORKDAY
    assert set(CalendarDay.objects.values_list("source", flat=True)) == {CalendarDay.Source.PACKAGE}
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"
    assert counts == {"created": len(days), "updated": 0, "removed": 0, "kept_admin": 0}
    assert all(day.year == 2025 for day in days)


def test_calendar_refresh_is_idempotent(db):
    calendar_refresh(years=[2025, 2026])
    before = _rows()
    assert calendar_refresh(years=[2025, 2026]) == {
        "created": 0,
        "updated": 0,
        "removed": 0,
        "kept_admin": 0,
    }
    assert _rows() == before


def test_calendar_refresh_never_overwrites_an_admins_row(db):
    # An admin says 1 October 2025 is worked (as if the schedule changed) and adds a day the
    # package does not know.
    CalendarDay.objects.create(
        date=D(2025, 10, 1), kind=CalendarDay.Kind.WORKDAY, name="管理员", source=CalendarDay.Source.ADMIN
    )
    CalendarDay.objects.create(
        date=D(2025, 12, 31), kind=CalendarDay.Kind.HOLIDAY, name="管理员", source=CalendarDay.Source.ADMIN
    )
    counts = calendar_refresh(years=[2025])
    assert counts["kept_admin"] == 1
    admin_rows = CalendarDay.objects.filter(source=CalendarDay.Source.ADMIN)
    assert set(admin_rows.values_list("date", "kind", "name")) == {
        (D(2025, 10, 1), CalendarDay.Kind.WORKDAY, "管理员"),
        (D(2025, 12, 31), CalendarDay.Kind.HOLIDAY, "管理员"),
    }
    assert is_working_day(D(2025, 10, 1))
    assert not is_working_day(D(2025, 12, 31))


def test_calendar_refresh_replaces_changed_and_removes_stale_package_rows(db):
    calendar_refresh(years=[2025])
    # What an older package version might have said: a wrong name, and a day it no longer lists.
    CalendarDay.objects.filter(date=D(2025, 10, 1)).update(name="旧名")
    CalendarDay.objects.create(date=D(2025, 3, 3), kind=CalendarDay.Kind.HOLIDAY, source="package")
    # A package row of a year not being refreshed stays.
    CalendarDay.objects.create(date=D(2023, 3, 3), kind=CalendarDay.Kind.HOLIDAY, source="package")
    counts = calendar_refresh(years=[2025])
    assert (counts["created"], counts["updated"], counts["removed"]) == (0, 1, 1)
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"
    assert not CalendarDay.objects.filter(date=D(2025, 3, 3)).exists()
    assert CalendarDay.objects.filter(date=D(2023, 3, 3)).exists()


def test_calendar_refresh_command(db, capsys):
    call_command("calendar_refresh", "2025", "2026")
    out = capsys.readouterr().out
    assert out.startswith("calendar 2025-2026: created ")
    assert CalendarDay.objects.filter(date__year=2026).exists()
    assert not CalendarDay.objects.exclude(date__year__in=[2025, 2026]).exists()


def test_the_weekly_task_refreshes_last_this_and_next_year(db):
    from django.utils import timezone

    this = timezone.localdate().year
    calendar_refresh_task()
    years = {day.year for day in CalendarDay.objects.dates("date", "year")}
    # The package knows holidays for any year, so each of the three has rows.
    assert years == {this - 1, this, this + 1}


def test_an_admin_edit_in_the_admin_is_stored_as_the_admins(seeded, admin_user, client):
    """Editing a seeded day in the Django admin makes it the admin's, so a refresh keeps it."""
    client.force_login(admin_user)
    row = CalendarDay.objects.get(date=D(2025, 10, 8))
    assert row.source == CalendarDay.Source.PACKAGE
    url = reverse("admin:core_calendarday_change", args=[row.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"date": "2025-10-08", "kind": "workday", "name": "改为上班", "source": "package"}
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    row.refresh_from_db()
    assert (row.kind, row.name, row.source) == ("workday", "改为上班", CalendarDay.Source.ADMIN)

    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2026-12-31", "kind": "holiday", "name": "新增", "source": "package"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=D(2026, 12, 31)).source == CalendarDay.Source.ADMIN

    calendar_refresh(years=[2025, 2026])
    assert CalendarDay.objects.get(date=D(2025, 10, 8)).kind == CalendarDay.Kind.WORKDAY
    assert CalendarDay.objects.filter(date=D(2026, 12, 31)).exists()
    assert is_working_day(D(2025, 10, 8))
