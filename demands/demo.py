"""Demo demands in every state, told relative to today so that deadlines are always live.

Each story is raised and moved through the services with backdated times (``at``), so its
timeline, history and notifications are what the portal itself would have written. Seeding twice
adds nothing: a story whose title exists is skipped.
"""

import datetime

from django.utils import timezone

from core.workdays import add_working_days, subtract_working_days

from . import services
from .choices import Category, Priority, Source, Visibility
from .models import Demand, RoutingRule

ROUTING = [
    # category, department code
    (Category.FINANCING, "finance"),
    (Category.RESEARCH, "strategy"),
    (Category.POLICY, "strategy"),
]

# venture, raiser, title, description, category, priority, source, source note, working days ago,
# then the steps: (working days after submission, action, actor, note)
STORIES = [
    (
        "otis",
        "rep",
        "支持参与天津地铁11号线电梯扶梯招标",
        "合资公司希望集团协调轨道交通集团，介绍11号线车站电梯、扶梯招标的技术要求与时间安排，"
        "并支持合资公司以本地化产品参与投标。",
        Category.MARKET,
        Priority.HIGH,
        Source.REPORT,
        "2026年第二季度工作报告",
        60,
        [
            (1, "accept", "hq", "已收到，合资合作部牵头对接。"),
            (2, "start", "hq", ""),
            (3, "comment", "hq", "已与轨道集团物资部约定下周座谈。"),
            (8, "resolve", "hq", "已组织专题对接会，合资公司进入11号线供应商短名单。"),
            (9, "rate", "rep", "5|对接及时，效果很好。"),
        ],
    ),
    (
        "otis",
        "rep",
        "协助办理高新技术企业资格复审",
        "合资公司高新技术企业资格将于年底到期，希望集团协调市科技局，就研发费用归集口径给予指导。",
        Category.POLICY,
        Priority.NORMAL,
        Source.DIRECT,
        "",
        9,
        [],
    ),
    (
        "siemens",
        "rep",
        "与天津大学共建开关设备数字孪生联合实验室",
        "希望集团协调天津大学电气学院，共建数字孪生联合实验室，共享仿真平台与测试资源。",
        Category.RESEARCH,
        Priority.NORMAL,
        Source.ENGAGEMENT,
        "集团领导2026年秋季走访",
        17,
        [
            (2, "accept", "hq2", ""),
            (3, "start", "hq2", "已联系天津大学科技处。"),
            (5, "comment-internal", "hq2", "天大方面要求合资公司出具合作意向书，费用分摊尚需与外方沟通。"),
            (6, "comment", "rep", "外方原则同意，意向书草稿见附件后续提供。"),
        ],
    ),
    (
        "siemens",
        "rep6",
        "5000万元流动资金贷款担保",
        "合资公司因订单增长需补充流动资金，申请集团按持股比例提供5000万元贷款担保。",
        Category.FINANCING,
        Priority.URGENT,
        Source.DIRECT,
        "",
        6,
        [
            (1, "accept", "hq3", ""),
            (2, "hold", "hq3", "请合资公司提供近三年审计报告及外方同比例担保的董事会决议。"),
        ],
    ),
    (
        "prysmian",
        "rep2",
        "二期电缆工厂宝坻用地指标",
        "合资公司计划建设二期海缆配套工厂，需约120亩工业用地指标，希望集团协调宝坻区政府。",
        Category.LAND,
        Priority.HIGH,
        Source.SYMPOSIUM,
        "2026年合资企业工作座谈会",
        22,
        [(1, "accept", "hq", ""), (2, "start", "hq", "已向宝坻区发函。")],
    ),
    (
        "blade",
        "rep4",
        "复合材料工程师人才公寓配额",
        "合资公司新招聘复合材料工程师20名，希望集团协调滨海新区人才公寓配额。",
        Category.TALENT,
        Priority.NORMAL,
        Source.REPORT,
        "2026年第三季度工作报告",
        12,
        [
            (1, "accept", "hq2", ""),
            (2, "start", "hq2", ""),
            (10, "resolve", "hq2", "已协调滨海新区人才办，落实人才公寓15套，其余5套列入明年计划。"),
        ],
    ),
    (
        "aixin",
        "rep6",
        "引荐国家电网采购部门",
        "希望集团引荐国家电网物资采购部门，推介精密机械零部件。",
        Category.MARKET,
        Priority.LOW,
        Source.DIRECT,
        "",
        15,
        [(2, "reject", "hq2", "该事项属合资公司自主经营范围，集团不宜出面引荐；可通过行业协会渠道对接。")],
    ),
    (
        "shensteel",
        "rep5",
        "出口信用保险保费补贴",
        "申请出口信用保险保费补贴政策辅导。",
        Category.FINANCING,
        Priority.NORMAL,
        Source.DIRECT,
        "",
        11,
        [(1, "withdraw", "rep5", "与已提交的政策类需求重复，撤回。")],
    ),
    (
        "daqiao",
        "rep3",
        "一带一路焊接工程项目市场开拓",
        "希望集团协调所属工程公司，在海外项目中优先选用合资公司焊材。",
        Category.MARKET,
        Priority.NORMAL,
        Source.ENGAGEMENT,
        "外方总裁来访",
        45,
        [
            (1, "accept", "hq2", ""),
            (3, "start", "hq2", ""),
            (12, "resolve", "hq2", "已向所属工程公司发出推荐函。"),
            (13, "reopen", "rep3", "推荐函发出后尚无具体项目对接，请继续协调。"),
            (22, "resolve", "hq2", "已促成两个海外项目的焊材供货洽谈。"),
            (23, "rate", "rep3", "3|有进展，但供货尚未落地。"),
        ],
    ),
    (
        "otis",
        "hq",
        "老旧小区加装电梯政策宣贯",
        "在合资企业座谈会上，合资公司提出希望集团协调住建部门，宣贯老旧小区加装电梯补贴政策。",
        Category.POLICY,
        Priority.NORMAL,
        Source.SYMPOSIUM,
        "2026年合资企业工作座谈会",
        0,
        [],
    ),
    (
        "abb",
        "hq",
        "电机能效标准升级技术支持",
        "合资公司需要了解新能效标准的检测要求，希望集团协调研究院提供技术支持。",
        Category.RESEARCH,
        Priority.NORMAL,
        Source.DIRECT,
        "",
        230,
        [
            (1, "accept", "hq2", ""),
            (2, "start", "hq2", ""),
            (15, "resolve", "hq2", "研究院已完成检测方案并培训合资公司技术人员。"),
        ],
    ),
]


def _at(now, days_ago: int, after: int) -> datetime.datetime:
    """``after`` working days after a submission ``days_ago`` working days ago (never in the future)."""
    # At half past nine in the morning: deadlines keep the time of day, so they read like office
    # hours and a second seeding a moment later crosses none of them.
    day = subtract_working_days(now, days_ago)
    start = day.replace(hour=9, minute=30, second=0, microsecond=0)
    return min(add_working_days(start, after), now - datetime.timedelta(minutes=5))


def seed(ctx: dict) -> None:
    users, ventures, departments = ctx["users"], ctx["ventures"], ctx["departments"]
    for category, code in ROUTING:
        RoutingRule.objects.get_or_create(
            category=category, jv=None, defaults={"department": departments[code]}
        )
    now = timezone.now()
    for venture, raiser, title, description, category, priority, source, note, ago, steps in STORIES:
        if Demand.objects.filter(title=title).exists():
            continue
        demand = services.demand_raise(
            actor=users[raiser],
            data={
                "jv": ventures[venture],
                "title": title,
                "description": description,
                "category": category,
                "priority": priority,
                "source": source,
                "source_note": note,
            },
            at=_at(now, ago, 0),
        )
        for after, action, actor, text in steps:
            at = _at(now, ago, after)
            if action.startswith("comment"):
                visibility = Visibility.INTERNAL if action.endswith("internal") else Visibility.SHARED
                services.demand_comment(
                    demand=demand, actor=users[actor], text=text, visibility=visibility, at=at
                )
            elif action == "rate":
                score, comment = text.split("|", 1)
                services.demand_rate(
                    demand=demand, actor=users[actor], satisfaction=int(score), comment=comment, at=at
                )
            else:
                services.demand_transition(demand=demand, action=action, actor=users[actor], note=text, at=at)
    # What the scheduled jobs would have done by now: warnings, escalations, closing unrated ones.
    services.demand_autoclose_sweep(now=now)
    services.demand_deadlines_sweep(now=now)
