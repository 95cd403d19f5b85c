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
