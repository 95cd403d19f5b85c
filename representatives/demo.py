"""Six demo representatives with appointments; one sits on two boards, one left a JV."""

import datetime

from .choices import SeatRole
from .models import Appointment, Representative
from .services import appointment_terms_sweep

REPRESENTATIVES = [
    # username, name, English name, employer key, position
    ("rep", "李明", "Li Ming", "equipment", "装备公司副总经理"),
    ("rep2", "张伟", "Zhang Wei", "group", "集团投资管理部副部长"),
    ("rep3", "陈静", "Chen Jing", "equipment", "装备公司财务总监"),
    ("rep4", "杨帆", "Yang Fan", "group", "集团战略发展部部长"),
    ("rep5", "黄磊", "Huang Lei", "electric", "电气公司总经理助理"),
    ("rep6", "周婷", "Zhou Ting", "electric", "电气公司副总经理"),
]

APPOINTMENTS = [
    # username, venture key, role, start, term end, end
    ("rep", "otis", SeatRole.DIRECTOR, datetime.date(2023, 6, 1), datetime.date(2026, 12, 31), None),
    ("rep", "siemens", SeatRole.VICE_CHAIRMAN, datetime.date(2024, 3, 15), datetime.date(2027, 3, 14), None),
    ("rep2", "prysmian", SeatRole.CHAIRMAN, datetime.date(2022, 9, 1), datetime.date(2025, 8, 31), None),
    (
        "rep2",
        "shensteel",
        SeatRole.DIRECTOR,
        datetime.date(2019, 4, 1),
        datetime.date(2022, 3, 31),
        datetime.date(2024, 6, 30),
    ),
    ("rep3", "daqiao", SeatRole.SUPERVISOR, datetime.date(2024, 1, 1), datetime.date(2026, 12, 31), None),
    ("rep3", "otis", SeatRole.CFO, datetime.date(2025, 1, 1), datetime.date(2027, 12, 31), None),
    ("rep4", "blade", SeatRole.CHAIRMAN, datetime.date(2023, 11, 1), datetime.date(2026, 10, 31), None),
    (
        "rep5",
        "shensteel",
        SeatRole.GENERAL_MANAGER,
        datetime.date(2024, 7, 1),
        datetime.date(2027, 6, 30),
        None,
    ),
    (
        "rep6",
        "aixin",
        SeatRole.EQUITY_REPRESENTATIVE,
        datetime.date(2025, 2, 1),
        datetime.date(2028, 1, 31),
        None,
    ),
    ("rep6", "siemens", SeatRole.SUPERVISOR, datetime.date(2024, 3, 15), datetime.date(2027, 3, 14), None),
]


def seed(ctx: dict) -> None:
    users = ctx["users"]
    parties = ctx["parties"]
    ventures = ctx["ventures"]
    people = {}
    for username, name, name_en, employer, position in REPRESENTATIVES:
        people[username], _ = Representative.objects.get_or_create(
            user=users[username],
            defaults={
                "name": name,
                "name_en": name_en,
                "employer": parties[employer],
                "position": position,
                "email": f"{username}@example.com",
            },
        )
    for username, venture, role, start, term_end, end in APPOINTMENTS:
        Appointment.objects.get_or_create(
            representative=people[username],
            jv=ventures[venture],
            role=role,
            start_date=start,
            defaults={"term_end": term_end, "end_date": end},
        )
    # Today's reminders, as the daily sweep would send them (idempotent by key).
    appointment_terms_sweep()
