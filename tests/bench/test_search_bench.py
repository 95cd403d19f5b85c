"""Benchmark of the search box at 100,000 demands: `make bench` (excluded from `make test`).

200 JVs and 100,000 demands with Chinese titles and descriptions (words drawn at random, so a
phrase occurs in a known share of them), a few Latin words among them. Each query runs through
``core.search.search`` (every kind of record, as the results page asks) for HQ and for a
representative of 5 JVs; prints p50 and p95 of the latency and the queries per search, and the
plan of the demands query (on PostgreSQL: the GIN trigram indexes, or a sequential scan for two
characters). Timings are printed, never asserted.
"""

import datetime
import random
import statistics
import time

import pytest
from django.db import connection
from django.utils import timezone

from core import search
from core.roles import Role, roles_of
from demands.choices import Status
from demands.models import Demand
from tests import factories as f
from tests.bench.test_sweep_bench import QueryLog

pytestmark = pytest.mark.bench

DEMANDS = 100_000
VENTURES = 200
RUNS = 30

# Words of a demand, none of which contains a planted phrase.
WORDS = tuple(
    "市场 拓展 政策 支持 科研 资源 融资 担保 土地 审批 人才 服务 产能 订单 出口 认证 设备 技改 "  # noqa: SIM905
    "数字化 转型 供应链 协同 税收 优惠 资质 复审 联合 实验室 高校 合作 项目 申报 园区 配套 物流 "
    "能源 价格 环保 验收 消防 用工 培训 住房 子女 入学 海关 通关 专利 标准 检测 示范 应用 推广".split()
)
# Phrases planted at known rates: (phrase, one demand in how many).
PLANTED = {"加装电梯": 100, "Siemens": 500, "氢能储运": 10_000}


def _text(rng, words: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(words))


def _make_world():
    rng = random.Random(14)
    department = f.DepartmentFactory()
    raiser = f.make_user(Role.REPRESENTATIVE, username="bench-search-raiser")
    ventures = f.JointVentureFactory._meta.model.objects.bulk_create(
        [f.JointVentureFactory.build(department=department) for _ in range(VENTURES)]
    )
    now = timezone.now()
    rows = []
    for i in range(DEMANDS):
        title, description = _text(rng, 4), _text(rng, 30)
        for phrase, every in PLANTED.items():
            # Offset 3: the demands land in JV 3, one of the representative's five.
            if i % every == 3:
                description = f"{description[:20]}{phrase}{description[20:]}"
                if i % (every * 2) == 3:
                    title = f"{phrase}{title}"
        rows.append(
            Demand(
                jv=ventures[i % VENTURES],
                title=title,
                description=description,
                category="market",
                raised_by=raiser,
                department=department,
                status=Status.SUBMITTED,
                submitted_at=now - datetime.timedelta(minutes=i),
                acknowledge_by=now + datetime.timedelta(days=3),
                resolve_by=now + datetime.timedelta(days=30),
            )
        )
    Demand.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    hq = f.make_user(Role.HQ_STAFF, username="bench-search-hq")
    rep = f.make_representative_user(*ventures[:5], username="bench-search-rep")
    # Roles are read once per request and kept on the user, as the page does before searching.
    roles_of(hq), roles_of(rep)
    return hq, rep


def _plan(text: str, user) -> str:
    provider = search.provider("demands")
    queryset = search.ranked(provider.queryset(user), provider.match(text, user), text, then=provider.then)
    return queryset[: search.PER_KIND + 1].explain()


def _uses(plan: str) -> str:
    """How PostgreSQL reads the demands: the indexes it scans, or a sequential scan."""
    words = plan.replace("(", " ").split()
    used = sorted(
        {words[i + 1] for i, w in enumerate(words[:-1]) if w in ("using", "on") and "_" in words[i + 1]}
    )
    used = [
        name
        for name in used
        if name != "demands_demand" and not name.startswith(("ventures_", "representatives_", "auth_"))
    ]
    if "Seq Scan on demands_demand" in plan:
        used.append("seq scan")
    return ", ".join(used) or "-"


def test_search_at_100000_demands(transactional_db):
    started = time.perf_counter()
    hq, rep = _make_world()
    print(
        f"\nsearch bench: {DEMANDS:,} demands in {VENTURES} JVs built in {time.perf_counter() - started:.1f} s"
    )
    print(f"database: {connection.vendor}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            print(f"ctype: {cursor.fetchone()[0]}")
            cursor.execute("SELECT show_trgm('合资公司'), show_trgm('电梯')")
            trigrams = cursor.fetchone()
            print(f"show_trgm('合资公司') = {trigrams[0]}; show_trgm('电梯') = {trigrams[1]}")
    by_pk = Demand.objects.order_by("pk")
    # The 50,001st demand is in JV 0 (the representative's); the 50,101st in JV 100 (not theirs).
    own, other = by_pk[DEMANDS // 2].reference, by_pk[DEMANDS // 2 + 100].reference
    # Labels in ASCII, so that the columns line up.
    queries = {
        "Chinese, 4 chars, 1% of rows": "加装电梯",
        "Chinese, 4 chars, 10 rows": "氢能储运",
        "Latin word, 0.2% of rows": "siemens",
        f"reference {own} (rep's JV)": own,
        f"reference {other} (other JV)": other,
        "Chinese, 2 chars, 1% of rows": "电梯",
        "Chinese, 2 chars, most rows": "市场",
        "Chinese, 4 chars, no match": "量子纠缠",
    }
    print(f"{'query':32} {'user':4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'demand hits':>11}  plan")
    for label, text in queries.items():
        for name, user in (("hq", hq), ("rep", rep)):
            times = []
            log = QueryLog()
            for run in range(RUNS):
                begun = time.perf_counter()
                if run == 0:
                    with connection.execute_wrapper(log):
                        results = search.search(user, text)
                else:
                    results = search.search(user, text)
                times.append((time.perf_counter() - begun) * 1000)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            demands = next((len(g.hits) for g in results.groups if g.code == "demands"), 0)
            plan = _uses(_plan(text, user)) if connection.vendor == "postgresql" else "-"
            print(f"{label:32} {name:4} {p50:8.1f} {p95:8.1f} {len(log.queries):8} {demands:11}  {plan}")
            # Every search asks one query per kind, whatever it finds.
            assert len(log.queries) == len(search.providers())
