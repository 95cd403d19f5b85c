"""Seed China's holidays and worked weekend days from the ``holidays`` package.

Rows an admin entered are never touched; package rows of the refreshed years are replaced by what
the package says now.
"""

import holidays
from django.db import transaction

from core.models import CalendarDay


def package_days(years: list[int]) -> dict:
    """{date: (kind, name)} for ``years`` from the holidays package (Chinese names)."""
    china = holidays.China(years=years, language="zh_CN")
    days = {day: (CalendarDay.Kind.HOLIDAY, str(name)) for day, name in china.items() if day.year in years}
    for day in china.weekend_workdays:
        if day.year in years:
            days[day] = (CalendarDay.Kind.WORKDAY, "调休上班")
    return days


def calendar_refresh(*, years: list[int]) -> dict[str, int]:
    """Bring the package rows of ``years`` in line with the package; return counts."""
    wanted = package_days(years)
    with transaction.atomic():
        existing = {
            row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year__in=years)
        }
        created = updated = removed = kept = 0
        for day, (kind, name) in sorted(wanted.items()):
            row = existing.get(day)
            if row is None:
                CalendarDay.objects.create(date=day, kind=kind, name=name, source=CalendarDay.Source.PACKAGE)
                created += 1
            elif row.source == CalendarDay.Source.ADMIN:
                kept += 1
            elif (row.kind, row.name) != (kind, name):
                row.kind, row.name = kind, name
                row.save(update_fields=["kind", "name", "updated_at"])
                updated += 1
        stale = [
            row.pk
            for day, row in existing.items()
            if row.source == CalendarDay.Source.PACKAGE and day not in wanted
        ]
        removed = CalendarDay.objects.filter(pk__in=stale).delete()[0]
    return {"created": created, "updated": updated, "removed": removed, "kept_admin": kept}


def calendar_seed_if_empty() -> dict[str, int] | None:
    """On a fresh install (no calendar row at all) seed last, this and next year; else do nothing."""
    from django.utils import timezone

    if CalendarDay.objects.exists():
        return None
    this = timezone.localdate().year
    return calendar_refresh(years=[this - 1, this, this + 1])


def calendar_year_status(year: int) -> dict[str, int]:
    """How many days off and worked weekend days the calendar holds for ``year``.

    China's official schedule for the next year (with its make-up working days, 调休) is published
    each autumn; until an admin enters it or the holidays package has it, deadlines counted into that
    year treat those weekends as days off.
    """
    rows = CalendarDay.objects.filter(date__year=year)
    return {
        "holidays": rows.filter(kind=CalendarDay.Kind.HOLIDAY).count(),
        "workdays": rows.filter(kind=CalendarDay.Kind.WORKDAY).count(),
    }
