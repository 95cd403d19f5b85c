"""The benchmark's dataset: a portfolio at a chosen scale, written with bulk inserts.

At scale 1 (``full``): 1,000 JVs, 100,000 demands, 500,000 timeline entries, 48,000 reports
(4 seats per JV, 12 quarters each), 200,000 notifications, and in proportion representatives and
their appointments, meetings and proposals, evaluations, engagements and commitments, the annual
research with data returns and recommendations, shareholdings and indicators. One JV is clearly
the biggest (5% of the demands, 20 seats, 100 meetings); one demand has the longest timeline
(2,000 entries at scale 1). Deadlines are set relative to the moment of the build, so every sweep
finds work: open demands past and near their deadlines, resolved demands past their rating
window, terms ending in 30 and 90 days, reports due and overdue, meetings whose instructions are
due, research overdue, commitments due.

The builder runs inside Django (``python -m tools.bench build``) on an empty, migrated database.
It writes what it built (counts, the ids the driver opens, a fingerprint) into the table
``bench_dataset`` so that a later run can reuse the database when the fingerprint matches.
Model instances go through ``bulk_create`` in large batches: no signals, no history rows, no
services, which is what makes 1,000,000 rows take minutes rather than hours.
"""

import datetime
import hashlib
import json
import random
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

BATCH = 5_000
PASSWORD = "bench-password-1"
SIZES = {"full": 1.0, "quick": 0.02, "tiny": 0.002}


@dataclass(frozen=True)
class Counts:
    """How many rows of each kind a dataset holds, derived from one scale factor."""

    ventures: int
    demands: int
    timeline: int
    longest_timeline: int
    notifications: int
    departments: int
    hq_staff: int
    representatives: int
    seats_per_venture: int
    meetings_per_venture: int
    proposals_per_meeting: int
    engagements_per_venture: int
    years: int

    @property
    def appointments(self) -> int:
        return self.ventures * self.seats_per_venture + self.biggest_extra_seats

    @property
    def biggest_extra_seats(self) -> int:
        return 16 if self.ventures >= 50 else 2

    @property
    def reports(self) -> int:
        """Quarterly reports: every seat, every quarter of ``years`` years."""
        return self.appointments * 4 * self.years

    @property
    def meetings(self) -> int:
        return self.ventures * self.meetings_per_venture + self.biggest_extra_meetings

    @property
    def biggest_extra_meetings(self) -> int:
        return 95 if self.ventures >= 50 else 5

    @property
    def biggest_demands(self) -> int:
        return max(self.demands // 20, 3 * self.demands // self.ventures)


def counts_for(scale: float) -> Counts:
    """The counts at ``scale`` (1.0: the issue's figures). At least a handful of each."""
    # At least 10: the bench representative sits in 5 of them and must not see them all.
    ventures = max(10, round(1_000 * scale))
    demands = max(50, round(100_000 * scale))
    return Counts(
        ventures=ventures,
        demands=demands,
        timeline=max(demands * 2, round(500_000 * scale)),
        longest_timeline=max(20, round(2_000 * scale)) if scale < 1 else 2_000,
        notifications=max(100, round(200_000 * scale)),
        departments=10 if ventures >= 50 else 3,
        hq_staff=50 if ventures >= 50 else 6,
        representatives=max(3, ventures * 2),
        seats_per_venture=4,
        meetings_per_venture=5,
        proposals_per_meeting=3,
        engagements_per_venture=3,
        years=3,
    )


def source_fingerprint(scale: float) -> str:
    """Changes with the scale, this file, the migrations and the day (deadlines are relative)."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    digest.update(f"{scale}:{datetime.date.today().isoformat()}".encode())
    digest.update(Path(__file__).read_bytes())
    for migration in sorted(root.glob("*/migrations/0*.py")):
        digest.update(migration.name.encode())
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:16]


def _chunks(iterable, size=BATCH):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(model, rows, size=BATCH) -> int:
    """Insert ``rows`` (any iterable) in batches; return how many."""
    n = 0
    for chunk in _chunks(rows, size):
        model.objects.bulk_create(chunk, batch_size=size)
        n += len(chunk)
    return n


def _ids(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


def build(scale: float, *, seed: int = 16) -> dict:
    """Fill the (migrated, empty) default database; return the meta dict stored with it."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Department, User
    from core.roles import Role
    from demands.choices import UpdateKind, Visibility
    from demands.models import Demand, DemandUpdate, SLAPolicy
    from engagements.models import Commitment, Engagement
    from notifications.models import Notification
    from representatives.models import Appointment, Evaluation, Meeting, Proposal, Report, Representative
    from research.models import AnnualResearch, DataReturn, Recommendation
    from ventures.models import AnnualIndicators, JointVenture, Party, Shareholding
    from ventures.validators import uscc_check_character

    rnd = random.Random(seed)
    c = counts_for(scale)
    now = timezone.now()
    today = timezone.localdate()
    this_year = today.year
    password = make_password(PASSWORD)
    groups = {
        name: Group.objects.get(name=name) for name in (Role.HQ_STAFF, Role.LEADERSHIP, Role.REPRESENTATIVE)
    }
    membership = User.groups.through

    with transaction.atomic():
        # --- people ---------------------------------------------------------------------------
        departments = Department.objects.bulk_create(
            [
                Department(code=f"bd{i}", name=f"部门{i}", name_en=f"Department {i}")
                for i in range(c.departments)
            ]
        )
        admin = User.objects.create(
            username="bench-admin",
            password=password,
            is_staff=True,
            is_superuser=True,
            display_name="Bench admin",
            language="en",
        )
        hq_users = User.objects.bulk_create(
            [
                User(
                    username="bench-hq" if i == 0 else f"bench-hq{i}",
                    password=password,
                    display_name=f"总部{i}",
                    email=f"hq{i}@bench.invalid",
                    department=departments[i % c.departments],
                    language="en",
                )
                for i in range(c.hq_staff)
            ]
        )
        leaders = User.objects.bulk_create(
            [
                User(username=f"bench-leader{i}", password=password, display_name=f"领导{i}", language="en")
                for i in range(3)
            ]
        )
        for i, department in enumerate(departments):
            department.head = hq_users[i]
        Department.objects.bulk_update(departments, ["head"])
        rep_users = User.objects.bulk_create(
            [
                User(
                    username="bench-rep" if i == 0 else f"bench-rep{i}",
                    password=password,
                    display_name=f"代表{i}",
                    email=f"rep{i}@bench.invalid",
                    language="en",
                )
                for i in range(c.representatives)
            ],
            batch_size=BATCH,
        )
        membership.objects.bulk_create(
            [membership(user_id=u.pk, group_id=groups[Role.HQ_STAFF].pk) for u in hq_users]
            + [membership(user_id=u.pk, group_id=groups[Role.LEADERSHIP].pk) for u in leaders]
            + [membership(user_id=u.pk, group_id=groups[Role.REPRESENTATIVE].pk) for u in rep_users],
            batch_size=BATCH,
        )

        # --- ventures -------------------------------------------------------------------------
        group_party = Party.objects.create(
            name="集团公司", name_en="Bench Group Co.", kind="group", country="CN"
        )
        partners = Party.objects.bulk_create(
            [
                Party(
                    name=f"外方{i}",
                    name_en=f"Partner {i} GmbH",
                    kind="foreign",
                    country=rnd.choice(["DE", "US", "JP", "FR"]),
                )
                for i in range(c.ventures)
            ],
            batch_size=BATCH,
        )
        industries = ["elevators", "switchgear", "cables", "welding", "wind", "motors", "machinery"]

        def uscc(n):
            first17 = f"91120000{n:09d}"
            return first17 + uscc_check_character(first17)

        ventures = JointVenture.objects.bulk_create(
            [
                JointVenture(
                    name=f"天津合资公司{i:04d}" if i else "天津最大合资公司",
                    name_en=f"Bench Venture {i:04d} Co., Ltd." if i else "Bench Biggest Venture Co., Ltd.",
                    uscc=uscc(i + 1),
                    established_on=datetime.date(1990 + i % 30, 1 + i % 12, 1),
                    registered_capital=Decimal(1_000_000 + i * 1000),
                    industry=industries[i % len(industries)],
                    department=departments[i % c.departments],
                    liaison=hq_users[i % c.hq_staff],
                    strategic_tier=["core", "important", "general"][i % 3],
                    main_products=f"产品 {i}",
                    headcount=100 + i,
                )
                for i in range(c.ventures)
            ],
            batch_size=BATCH,
        )
        biggest = ventures[0]
        _bulk(
            Shareholding,
            (
                Shareholding(jv=jv, party=party, percentage=Decimal(50))
                for jv, p in zip(ventures, partners, strict=True)
                for party in (group_party, p)
            ),
        )
        _bulk(
            AnnualIndicators,
            (
                AnnualIndicators(
                    jv=jv,
                    year=this_year - 1 - y,
                    revenue=Decimal(10_000 + i),
                    net_profit=Decimal(1_000 + i),
                    tax_paid=Decimal(500),
                    dividends_declared=Decimal(200),
                    dividends_received=Decimal(200),
                    new_investment=Decimal(100),
                    headcount=100 + i,
                )
                for i, jv in enumerate(ventures)
                for y in range(c.years)
            ),
        )

        # --- representatives, seats, reports, evaluations ---------------------------------------
        reps = Representative.objects.bulk_create(
            [
                Representative(user=u, name=f"代表{i}", name_en=f"Representative {i}", employer=group_party)
                for i, u in enumerate(rep_users)
            ],
            batch_size=BATCH,
        )
        # The bench representative sits in the biggest JV and four others; every other seat goes
        # round the representatives, two seats each on average.
        seat_roles = ["chairman", "director", "supervisor", "general_manager"]
        start = datetime.date(this_year - c.years, 1, 1)
        appointments = []
        for i, jv in enumerate(ventures):
            for s in range(c.seats_per_venture):
                rep = reps[0] if (s == 0 and i < 5) else reps[(i * c.seats_per_venture + s) % len(reps)]
                # Some terms end in 30 and 90 days (the terms sweep's work), the rest far ahead.
                ends = today + datetime.timedelta(days=[30, 90, 400, 800][(i + s) % 4])
                appointments.append(
                    Appointment(
                        representative=rep, jv=jv, role=seat_roles[s], start_date=start, term_end=ends
                    )
                )
        for extra in range(c.biggest_extra_seats):
            appointments.append(
                Appointment(
                    representative=reps[(extra + 7) % len(reps)],
                    jv=biggest,
                    role="director",
                    start_date=start,
                    term_end=today + datetime.timedelta(days=500),
                )
            )
        appointments = Appointment.objects.bulk_create(appointments, batch_size=BATCH)

        def quarter_due(year, quarter):
            end_month = quarter * 3
            end = datetime.date(year + (end_month == 12), end_month % 12 + 1, 1)
            return end + datetime.timedelta(days=15 - 1)

        def reports():
            for a in appointments:
                for y in range(c.years):
                    year = this_year - c.years + 1 + y
                    for q in range(1, 5):
                        due = quarter_due(year, q)
                        if due > today + datetime.timedelta(days=120):
                            # A future quarter: the report is opened but not written.
                            status = "draft"
                        elif due > today - datetime.timedelta(days=120):
                            # The last quarter or two: some filed, some returned, a third still
                            # owed (overdue once the due date has passed: the reports sweep's work).
                            status = ["draft", "submitted", "returned"][(a.pk + q) % 3]
                        else:
                            status = "acknowledged"
                        filed = datetime.datetime.combine(
                            min(due, today), datetime.time(10), tzinfo=datetime.UTC
                        )
                        yield Report(
                            appointment=a,
                            kind="quarterly",
                            year=year,
                            quarter=q,
                            title=f"{year} Q{q}",
                            body="季度工作报告",
                            due_date=due,
                            status=status,
                            submitted_at=None if status == "draft" else filed,
                            first_submitted_at=None if status == "draft" else filed,
                            acknowledged_at=filed if status == "acknowledged" else None,
                            acknowledged_by=hq_users[0] if status == "acknowledged" else None,
                        )

        n_reports = _bulk(Report, reports())
        _bulk(
            Evaluation,
            (
                Evaluation(
                    representative=r,
                    year=this_year - 1,
                    learning=80,
                    communication=85,
                    role=90,
                    proficiency=75,
                    grade="competent",
                    evaluator=hq_users[0],
                    evaluated_on=datetime.date(this_year, 1, 20),
                    status="published",
                    published_at=now - datetime.timedelta(days=60),
                )
                for r in reps
            ),
        )

        # --- meetings and proposals --------------------------------------------------------------
        seats_by_jv = {}
        for a in appointments:
            seats_by_jv.setdefault(a.jv_id, a.representative_id)

        def meetings():
            for i, jv in enumerate(ventures):
                n = c.meetings_per_venture + (c.biggest_extra_meetings if i == 0 else 0)
                for m in range(n):
                    # Spread over two years back and 60 days ahead; those ahead await instructions.
                    at = now + datetime.timedelta(days=60 - (m * 7 + i) % 790, hours=m % 5)
                    yield Meeting(
                        jv=jv,
                        kind=["board", "shareholders", "supervisors"][m % 3],
                        title=f"第{m}次会议",
                        meeting_at=at,
                        place="天津",
                        representative_id=seats_by_jv[jv.pk],
                        status="scheduled" if at > now else "held",
                        instruction_due_at=at - datetime.timedelta(days=7),
                        instruction_warn_at=at - datetime.timedelta(days=8),
                        registered_by=rep_users[0],
                        outcome_recorded_at=None if at > now else at + datetime.timedelta(days=1),
                    )

        _bulk(Meeting, meetings())
        meeting_rows = list(Meeting.objects.order_by("pk").values_list("pk", "meeting_at"))

        def proposals():
            for pk, at in meeting_rows:
                for n in range(1, c.proposals_per_meeting + 1):
                    upcoming = at > now
                    hq = n == 1
                    yield Proposal(
                        meeting_id=pk,
                        number=n,
                        title=f"议案{n}",
                        matter="major_investment" if hq else "other",
                        decision="hq" if hq else "representative",
                        reserved=hq,
                        instruction_state=("pending" if upcoming else "issued") if hq else "not_needed",
                        instruction_vote="" if (upcoming or not hq) else "for",
                        issued_at=None if (upcoming or not hq) else at - datetime.timedelta(days=8),
                        vote_cast="" if upcoming else "for",
                        outcome="" if upcoming else "passed",
                    )

        _bulk(Proposal, proposals())

        # --- demands and their timelines --------------------------------------------------------
        policies = {p.priority: p for p in SLAPolicy.objects.filter(category="")}
        categories = ["market", "policy", "research", "financing", "land", "talent", "other"]
        priorities = ["urgent", "high", "normal", "normal", "low"]
        # Status mix: 40% open (a third of them overdue), 10% resolved awaiting a rating (half past
        # the rating window), 40% closed, 10% rejected or withdrawn.
        status_cycle = (
            ["submitted"] * 10
            + ["accepted"] * 10
            + ["in_progress"] * 15
            + ["on_hold"] * 5
            + ["resolved"] * 10
            + ["closed"] * 40
            + ["rejected"] * 5
            + ["withdrawn"] * 5
        )
        hq_owner = hq_users[0]

        def demand(i):
            jv = biggest if i < c.biggest_demands else ventures[1 + i % (c.ventures - 1)]
            status = status_cycle[(i * 7) % len(status_cycle)]
            submitted = now - datetime.timedelta(days=(i * 13) % 1000, minutes=i % 1440)
            d = Demand(
                jv=jv,
                title=f"需求 {i}: 市场拓展支持" if i % 2 else f"Demand {i}: access to research",
                description="合资公司提出的发展需求。" * 3,
                category=categories[i % len(categories)],
                priority=priorities[i % len(priorities)],
                raised_by=rep_users[0]
                if jv.pk == biggest.pk or i % 50 == 0
                else rep_users[i % len(rep_users)],
                department_id=jv.department_id,
                owner=hq_owner if i % 10 == 0 else hq_users[i % c.hq_staff],
                status=status,
                sla_policy=policies.get(priorities[i % len(priorities)]),
                submitted_at=submitted,
                clock_started_at=submitted,
                acknowledge_by=submitted + datetime.timedelta(days=3),
                resolve_by=submitted + datetime.timedelta(days=30),
                escalation_level=0,
            )
            if status != "submitted":
                d.acknowledged_at = submitted + datetime.timedelta(days=1)
            if status in ("submitted", "accepted", "in_progress"):
                # A third overdue by up to 20 days, a third due within two days, a third later.
                lag = (i % 3, i % 20)
                due = now + datetime.timedelta(
                    days=[-1 - lag[1], 1, 10 + lag[1]][lag[0]], hours=-1 if lag[0] == 0 else 0
                )
                if status == "submitted":
                    d.acknowledge_by = due
                else:
                    d.resolve_by = due
                d.due_at = due
                d.warn_at = due - datetime.timedelta(days=1)
            if status == "on_hold":
                d.on_hold_since = now - datetime.timedelta(days=3)
            if status in ("resolved", "closed"):
                d.resolution = "已协调解决。"
                d.resolved_at = submitted + datetime.timedelta(days=5 + i % 40)
                if d.resolved_at > now:
                    d.resolved_at = now - datetime.timedelta(hours=1)
            if status == "resolved":
                d.rating_due_at = now + datetime.timedelta(days=(-1 if i % 2 else 5))
            if status == "closed":
                d.closed_at = d.resolved_at + datetime.timedelta(days=2)
                d.satisfaction = 1 + i % 5
                d.rated_by = d.raised_by
            if status == "rejected":
                d.rejection_reason = "不属于支持范围。"
            return d

        _bulk(Demand, (demand(i) for i in range(c.demands)))
        demand_rows = list(Demand.objects.order_by("pk").values_list("pk", "submitted_at", "raised_by_id"))
        # The longest timeline: an open demand of the biggest JV, raised by the bench representative.
        longest = Demand.objects.filter(jv=biggest, status="in_progress").order_by("pk").first()
        kinds = [UpdateKind.COMMENT, UpdateKind.STATUS, UpdateKind.ASSIGNMENT, UpdateKind.COMMENT]

        def entries():
            # The longest timeline, and the rest spread evenly over the other demands.
            per, extra = divmod(c.timeline - c.longest_timeline, len(demand_rows) - 1)
            others = 0
            for pk, submitted, raised_by in demand_rows:
                if pk == longest.pk:
                    count = c.longest_timeline
                else:
                    count = per + (1 if others < extra else 0)
                    others += 1
                for e in range(count):
                    kind = UpdateKind.RAISED if e == 0 else kinds[e % len(kinds)]
                    yield DemandUpdate(
                        demand_id=pk,
                        kind=kind,
                        visibility=Visibility.INTERNAL if e % 5 == 4 else Visibility.SHARED,
                        author_id=raised_by if e % 2 == 0 else hq_owner.pk,
                        created_at=submitted + datetime.timedelta(minutes=e * 17),
                        text="" if kind == UpdateKind.RAISED else f"进展说明 {e}：已联系相关部门。",
                    )

        n_entries = _bulk(DemandUpdate, entries(), size=10_000)

        # --- notifications ------------------------------------------------------------------------
        recipients = (
            [hq_users[0].pk] * 20
            + [rep_users[0].pk] * 5
            + [u.pk for u in hq_users]
            + [u.pk for u in rep_users[: min(len(rep_users), 500)]]
        )

        def notifications():
            for i in range(c.notifications):
                pk, _submitted, _r = demand_rows[i % len(demand_rows)]
                created = now - datetime.timedelta(minutes=i * 3 % (365 * 1440))
                yield Notification(
                    recipient_id=recipients[i % len(recipients)],
                    kind="demands.commented",
                    key=f"bench:{i}",
                    params={
                        "ref": f"D-{pk:05d}",
                        "jv": {"zh-hans": "合资公司", "en": "Venture"},
                        "title": "需求",
                        "author": "总部",
                    },
                    url=f"/demands/{pk}/",
                    created_at=created,
                    read_at=None if i % 10 == 0 else created,
                    email_status="pending" if i % 400 == 0 else "sent",
                    next_attempt_at=created,
                    emailed_at=None if i % 400 == 0 else created,
                )

        n_notifications = _bulk(Notification, notifications(), size=10_000)

        # --- engagements, commitments, research ---------------------------------------------------
        def engagements():
            for i, _jv in enumerate(ventures):
                for e in range(c.engagements_per_venture):
                    starts = today - datetime.timedelta(days=(i * 11 + e * 97) % 700 - 30)
                    yield Engagement(
                        kind=["jv_visit", "meeting", "call"][e % 3],
                        status="planned" if starts > today else "held",
                        title=f"走访 {i}-{e}",
                        starts_on=starts,
                        place="天津",
                        summary="交流情况",
                        recorded_by=hq_users[i % c.hq_staff],
                    )

        _bulk(Engagement, engagements())
        engagement_ids = _ids(Engagement)
        through = Engagement.ventures.through
        _bulk(
            through,
            (
                through(engagement_id=pk, jointventure_id=ventures[n // c.engagements_per_venture].pk)
                for n, pk in enumerate(engagement_ids)
            ),
        )
        attendees = Engagement.attendees.through
        _bulk(
            attendees,
            (
                attendees(engagement_id=pk, user_id=hq_users[n % c.hq_staff].pk)
                for n, pk in enumerate(engagement_ids)
            ),
        )
        _bulk(
            Commitment,
            (
                Commitment(
                    engagement_id=pk,
                    jv_id=ventures[n // c.engagements_per_venture].pk,
                    text=f"承诺事项 {n}-{k}",
                    owner=hq_users[n % c.hq_staff],
                    due_date=today + datetime.timedelta(days=[-3, 0, 7, 30][(n + k) % 4]),
                )
                for n, pk in enumerate(engagement_ids)
                for k in range(2)
            ),
        )

        def researches():
            for i, jv in enumerate(ventures):
                for y in range(c.years):
                    year = this_year - c.years + 1 + y
                    current = year == this_year
                    yield AnnualResearch(
                        jv=jv,
                        year=year,
                        status="in_progress" if current else "accepted",
                        lead=hq_users[i % c.hq_staff],
                        due_date=(today - datetime.timedelta(days=20))
                        if current and i % 4 == 0
                        else datetime.date(year, 11, 30),
                        opened_at=datetime.datetime(year, 1, 10, tzinfo=datetime.UTC),
                        findings="" if current else "调研发现",
                        decided_at=None if current else datetime.datetime(year, 12, 20, tzinfo=datetime.UTC),
                        decided_by=None if current else hq_users[0],
                    )

        _bulk(AnnualResearch, researches())
        research_rows = list(AnnualResearch.objects.order_by("pk").values_list("pk", "year", "status"))
        _bulk(
            DataReturn,
            (
                DataReturn(
                    research_id=pk,
                    status="draft" if status == "in_progress" else "accepted",
                    due_date=datetime.date(year, 6, 30),
                )
                for pk, year, status in research_rows
            ),
        )
        _bulk(
            Recommendation,
            (
                Recommendation(research_id=pk, text="建议加强市场合作", owner=hq_users[0])
                for pk, _y, _s in research_rows
            ),
        )

    meta = {
        "scale": scale,
        "counts": asdict(c),
        "rows": {
            "ventures": len(ventures),
            "demands": len(demand_rows),
            "timeline": n_entries,
            "reports": n_reports,
            "notifications": n_notifications,
            "appointments": len(appointments),
            "meetings": len(meeting_rows),
            "representatives": len(reps),
        },
        "biggest_jv": biggest.pk,
        "longest_demand": longest.pk,
        "users": {
            "hq": "bench-hq",
            "rep": "bench-rep",
            "admin": admin.username,
            "leader": leaders[0].username,
        },
        "password": PASSWORD,
        "search": "市场拓展",
        "built_at": now.isoformat(),
    }
    analyze()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dataset (fingerprint varchar(64), meta text)")
        cursor.execute("DELETE FROM bench_dataset")
        cursor.execute(
            "INSERT INTO bench_dataset (fingerprint, meta) VALUES (%s, %s)",
            [source_fingerprint(scale), json.dumps(meta)],
        )
    return meta


def analyze() -> None:
    """What autovacuum would do after a load this size: fresh planner statistics, and on
    PostgreSQL a VACUUM too. Without it the trigram (GIN) indexes keep the bulk-loaded rows in
    their pending list, which every search then reads through (a search for a word no report
    holds took 22 ms on the reports' title index instead of 0.01 ms), and no page gets an
    index-only scan (the visibility map is empty)."""
    from django.db import connection

    # VACUUM cannot run inside a transaction: a build inside one (the tests') gets the statistics only.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
