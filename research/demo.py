"""Demo research: last year's campaign complete for most operating JVs, with findings and
recommendations (two turned into demands); this year's campaign open with data returns in every
state, one of them late. Told through the services, relative to today. Idempotent: a JV's research
of a year that exists is left as it is."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.workdays import local_zone
from demands import services as demand_services
from ventures.models import AnnualIndicators

from . import services
from .choices import FigureChoice
from .models import AnnualResearch

OPERATING = ("otis", "siemens", "prysmian", "daqiao", "blade", "aixin")
# Who looks after each JV at HQ (its department's head) and who answers for it.
HQ = {"otis": "hq", "siemens": "hq", "prysmian": "hq", "daqiao": "hq2", "blade": "hq2", "aixin": "hq"}
REPS = {
    "otis": "rep",
    "siemens": "rep",
    "prysmian": "rep2",
    "daqiao": "rep3",
    "blade": "rep4",
    "aixin": "rep6",
}

LAST_YEAR = {
    "otis": (
        "电梯存量更新需求旺盛，维保业务收入占比升至三成；外方同意将部分研发测试放在天津。",
        "高端扶梯核心部件仍依赖进口，交付周期偏长。",
        [
            ("支持合资公司参与老旧小区加装电梯项目，对接住建部门。", True),
            ("推动扶梯驱动主机国产化配套，纳入集团供应链名录。", False),
        ],
    ),
    "siemens": (
        "中压开关柜订单饱满，数字化工厂改造完成一期。",
        "熟练技工流失率偏高。",
        [("与集团职教中心合办订单班，定向培养装配技工。", False)],
    ),
    "prysmian": (
        "海缆项目带动收入增长，外方追加高压电缆生产线投资意向。",
        "新增用地指标尚未落实。",
        [("协调滨海新区落实二期用地指标。", True)],
    ),
    "daqiao": (
        "焊材出口保持增长，环保改造按期完成。",
        "原材料价格波动压缩利润。",
        [("研究套期保值方案，集团财务公司提供支持。", False)],
    ),
    "blade": (
        "大兆瓦叶片量产，订单排至次年三季度。",
        "叶片运输受限于道路条件。",
        [("协调交通部门规划叶片运输通道。", False)],
    ),
}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=local_zone())


def _figures(jv, year: int, change: dict | None = None) -> dict:
    """The JV's recorded figures for ``year`` (the demo's indicators), as its data return gives them."""
    row = AnnualIndicators.objects.filter(jv=jv, year=year).first()
    figures = (
        {name: getattr(row, name) for name in AnnualIndicators.FIGURE_FIELDS}
        if row
        else {
            "revenue": Decimal("50000"),
            "net_profit": Decimal("3000"),
            "tax_paid": Decimal("2500"),
            "dividends_declared": Decimal("800"),
            "dividends_received": Decimal("800"),
            "new_investment": Decimal("1200"),
            "headcount": 500,
        }
    )
    return {**figures, **(change or {})}


def _wishes(key: str) -> list:
    return {
        "otis": [
            (
                "加装电梯项目的政策支持",
                "希望集团协调区住建委，将合资公司纳入老旧小区加装电梯推荐名录。",
                "policy",
            )
        ],
        "siemens": [("技工培训资源", "希望与集团职教中心合作开设订单班。", "talent")],
        "prysmian": [("二期用地", "二期高压电缆项目需新增用地约50亩。", "land")],
        "daqiao": [("出口信用保险", "希望集团协调出口信用保险额度。", "financing")],
    }.get(key, [])


def _extra(key: str) -> dict:
    extra = {
        "plans": "稳步扩大主营业务，推进数字化和绿色低碳改造。",
        "investment_intentions": "计划新增技术改造投资。",
        "difficulties": "原材料价格和人工成本上升。",
    }
    extra["_wishes"] = _wishes(key)
    return extra


def _clean(extra: dict) -> dict:
    return {k: v for k, v in extra.items() if not k.startswith("_")}


def _last_year(users, ventures, today):
    year = today.year - 1
    for key in OPERATING:
        jv = ventures[key]
        if AnnualResearch.objects.filter(jv=jv, year=year).exists():
            continue
        hq = users[HQ[key]]
        research = services.research_open(jv=jv, year=year, actor=None, at=_at(datetime.date(year, 1, 15), 6))
        extra = _extra(key)
        data_return = services.data_return_update(
            data_return=research.data_return,
            actor=users[REPS[key]],
            data={**_figures(jv, year - 1), **_clean(extra)},
            wishes=[{"title": t, "description": d, "category": c} for t, d, c in extra["_wishes"]],
            expected_version=research.data_return.version,
        )
        data_return = services.data_return_submit(
            data_return=data_return,
            actor=users[REPS[key]],
            expected_version=data_return.version,
            at=_at(datetime.date(year, 3, 20)),
        )
        data_return = services.data_return_accept(
            data_return=data_return,
            actor=hq,
            expected_version=data_return.version,
            at=_at(datetime.date(year, 3, 28)),
        )
        research.refresh_from_db()
        research = services.research_transition(
            research=research,
            action="start",
            actor=hq,
            expected_version=research.version,
            at=_at(datetime.date(year, 4, 1)),
        )
        if key == "aixin":
            continue  # started late: still in progress a year on would be odd; it stays in progress
        findings, problems, recommendations = LAST_YEAR[key]
        research = services.research_update(
            research=research,
            actor=hq,
            data={"findings": findings, "problems": problems, "scope": "经营情况、发展规划、合作诉求。"},
            team=[hq],
            expected_version=research.version,
        )
        for text, to_demand in recommendations:
            recommendation = services.recommendation_add(
                research=research,
                actor=hq,
                data={"text": text, "owner": hq, "due_date": datetime.date(year, 12, 31)},
            )
            if to_demand:
                services.recommendation_to_demand(
                    recommendation=recommendation,
                    actor=hq,
                    data={"title": text[:60], "category": "policy" if key == "otis" else "land"},
                    at=_at(datetime.date(year, 6, 20)),
                )
        research.refresh_from_db()
        research = services.research_transition(
            research=research,
            action="submit",
            actor=hq,
            expected_version=research.version,
            at=_at(datetime.date(year, 6, 25)),
        )
        if key == "blade":
            continue  # awaits leadership's acceptance
        research = services.research_transition(
            research=research,
            action="accept",
            actor=users["leader"],
            comment="同意。",
            expected_version=research.version,
            at=_at(datetime.date(year, 7, 5)),
        )
        services.research_share_summary(
            research=research,
            actor=hq,
            summary=f"{year}年度调研已完成。{findings}",
            expected_version=research.version,
            at=_at(datetime.date(year, 7, 10)),
        )


def _this_year(users, ventures, today):
    year = today.year
    opened = _at(datetime.date(year, 1, 15), 6)
    stories = {
        "otis": "accepted",
        "siemens": "submitted",
        "prysmian": "returned",
        "daqiao": "started",
        "blade": "late",
        "aixin": "untouched",
    }
    for key, story in stories.items():
        jv = ventures[key]
        if AnnualResearch.objects.filter(jv=jv, year=year).exists():
            continue
        hq, rep = users[HQ[key]], users[REPS[key]]
        research = services.research_open(jv=jv, year=year, actor=None, at=opened)
        # The demo tells this year's campaign relative to today: data returns due in ten days (one
        # of them past due), the research six weeks on.
        due = today + datetime.timedelta(days=-6 if story == "late" else 10)
        research.data_return.due_date = due
        research.data_return.save(update_fields=["due_date"])
        AnnualResearch.objects.filter(pk=research.pk).update(due_date=today + datetime.timedelta(days=45))
        research.refresh_from_db()
        if story == "untouched":
            continue
        extra = _extra(key)
        if story in ("started", "late"):
            figures = {"revenue": _figures(jv, year - 1)["revenue"]} if story == "started" else {}
            services.data_return_update(
                data_return=research.data_return,
                actor=rep,
                data={**figures, "plans": extra["plans"]} if story == "started" else {},
                expected_version=research.data_return.version,
            )
            continue
        # A figure the JV reports differently from what HQ recorded: HQ chooses on acceptance.
        change = {"headcount": (_figures(jv, year - 1)["headcount"] or 0) + 12} if key == "otis" else None
        data_return = services.data_return_update(
            data_return=research.data_return,
            actor=rep,
            data={**_figures(jv, year - 1, change), **_clean(extra)},
            wishes=[{"title": t, "description": d, "category": c} for t, d, c in extra["_wishes"]],
            expected_version=research.data_return.version,
        )
        data_return = services.data_return_submit(
            data_return=data_return,
            actor=rep,
            expected_version=data_return.version,
            at=timezone.now() - datetime.timedelta(days=3),
        )
        if story == "returned":
            services.data_return_return(
                data_return=data_return,
                actor=hq,
                comments="投资意向请补充金额和时间安排。",
                expected_version=data_return.version,
            )
        elif story == "accepted":
            data_return = services.data_return_accept(
                data_return=data_return,
                actor=hq,
                choices={"headcount": FigureChoice.RETURNED},
                expected_version=data_return.version,
            )
            research = services.research_transition(
                research=research, action="start", actor=hq, expected_version=research.version
            )
            wish = data_return.wishes.first()
            if wish is not None:
                services.wish_to_demand(wish=wish, actor=rep)


def seed(ctx: dict) -> None:
    users, ventures = ctx["users"], ctx["ventures"]
    today = timezone.localdate()
    _last_year(users, ventures, today)
    _this_year(users, ventures, today)
    # What the daily jobs would have said by now, the demands' included: the demands made from
    # recommendations and wishes came after the demands' own story ran its sweeps.
    services.research_reminders_sweep(today=today)
    demand_services.demand_deadlines_sweep(now=timezone.now())
