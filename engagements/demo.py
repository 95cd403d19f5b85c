"""Demo engagements: the JV work symposium of 24 May where six JVs spoke, with the group's
commitments (two turned into demands); leadership visits over two years, relative to today; a few
planned for the weeks ahead; Siemens Switchgear, a core JV, left past its contact target. Told
through the services. Idempotent: once the symposium is recorded nothing is added."""

import datetime

from django.utils import timezone

from demands import services as demand_services
from research.models import AnnualResearch

from . import defaults, services
from .models import Engagement, PartnerPerson, Topic

SPEAKERS = ("otis", "shensteel", "aixin", "daqiao", "blade", "prysmian")
SYMPOSIUM_TITLE = "合资企业工作座谈会"
# Invented people of the partners (the companies are the symposium report's).
PEOPLE = {
    "otis": [("Michael Grant", "亚太区总裁")],
    "prysmian": [("Giulia Rossi", "中国区首席执行官")],
    "lincoln": [("David Miller", "全球运营副总裁")],
    "nordwind": [("Jonas Becker", "首席技术官")],
    "schneider": [("Claire Martin", "中国区副总裁")],
    "aichi": [("佐藤健", "常务董事")],
    "siemens": [("Thomas Weber", "中国区董事总经理")],
    "abb": [("Lars Nilsson", "电机事业部总裁")],
}
# The JV's foreign partner, by the ventures demo's keys.
PARTNER = {
    "otis": "otis",
    "siemens": "siemens",
    "prysmian": "prysmian",
    "daqiao": "lincoln",
    "blade": "nordwind",
    "shensteel": "schneider",
    "aixin": "aichi",
    "abb": "abb",
}
# What the group committed at the symposium, for each JV that spoke: (text, owner, days after the
# symposium it is due, category when it became a demand).
SYMPOSIUM_COMMITMENTS = {
    "otis": ("协调区住建委，将合资公司纳入老旧小区加装电梯推荐名录。", "hq", 60, "policy"),
    "shensteel": ("帮助合资公司对接集团内配电项目，扩大本地订单。", "hq", 90, None),
    "aixin": ("推荐合资公司参加市级专精特新企业认定。", "hq2", 120, None),
    "daqiao": ("研究出口信用保险额度方案，集团财务公司牵头。", "hq2", 45, None),
    "blade": ("协调交通部门规划大型叶片运输通道。", "hq2", 150, None),
    "prysmian": ("协调滨海新区落实二期项目用地指标。", "hq", 30, "land"),
}


def _symposium_day(today: datetime.date) -> datetime.date:
    day = datetime.date(today.year, 5, 24)
    return day if day <= today else datetime.date(today.year - 1, 5, 24)


def _people(parties, key):
    people = []
    for name, title in PEOPLE.get(key, []):
        person, _ = PartnerPerson.objects.get_or_create(
            company=parties[key], name=name, defaults={"title": title}
        )
        people.append(person)
    return people


def _topics(*names):
    return list(Topic.objects.filter(name__in=names))


def seed(ctx: dict) -> None:
    # A test database flushed after a transactional test has lost the migration's rows.
    defaults.ensure()
    if Engagement.objects.filter(title=SYMPOSIUM_TITLE).exists():
        return
    users, ventures, parties = ctx["users"], ctx["ventures"], ctx["parties"]
    leader, hq, hq2 = users["leader"], users["hq"], users["hq2"]
    today = timezone.localdate()

    def ago(days):
        return today - datetime.timedelta(days=days)

    day = _symposium_day(today)
    symposium = services.engagement_create(
        actor=hq,
        data={
            "kind": "symposium",
            "status": "held",
            "title": SYMPOSIUM_TITLE,
            "starts_on": day,
            "place": "集团总部三楼报告厅",
            "summary": (
                "集团领导主持座谈会，六家合资企业介绍经营情况和发展诉求。会议强调要多走访、多与外方高层"
                "沟通，及时回应合资企业的发展需求，在市场拓展、政策争取和科研资源对接上提供服务。"
            ),
            "internal_notes": "外方对用地和出口信用保险问题反映强烈，需在三个月内给出明确答复。",
        },
        ventures=[ventures[k] for k in SPEAKERS],
        partners=[parties[PARTNER[k]] for k in SPEAKERS],
        attendees=[leader, hq, hq2],
        partner_attendees=[p for k in SPEAKERS for p in _people(parties, PARTNER[k])],
        topics=_topics("发展机遇", "营商环境", "市场拓展", "政策支持"),
    )
    for key in SPEAKERS:
        text, owner, days, category = SYMPOSIUM_COMMITMENTS[key]
        commitment = services.commitment_add(
            engagement=symposium,
            actor=hq,
            data={
                "jv": ventures[key],
                "committed_by": "group",
                "text": text,
                "owner": users[owner],
                "due_date": day + datetime.timedelta(days=days),
            },
        )
        if category:
            services.commitment_to_demand(
                commitment=commitment, actor=hq, data={"category": category, "priority": "high"}
            )
    # Leadership visits over two years.
    visits = [
        ("otis", "jv_visit", 560, "赵总走访奥的斯电梯（天津）", "天津北辰", ("市场拓展", "投资")),
        ("prysmian", "jv_visit", 400, "赵总调研普睿司曼海缆项目", "滨海新区", ("投资", "政策支持")),
        ("shensteel", "jv_visit", 420, "赵总走访申钢电气", "西青区", ("营商环境",)),
        ("daqiao", "reception", 300, "接待林肯电气全球运营副总裁", "集团总部", ("分红", "市场拓展")),
        ("siemens", "jv_visit", 260, "赵总走访西门子开关", "东丽区", ("人才",)),
        ("abb", "reception", 150, "接待ABB电机事业部总裁", "集团总部", ("投资",)),
        ("otis", "partner_visit", 120, "赵总拜访奥的斯亚太区总部", "上海", ("发展机遇", "科研合作")),
        ("blade", "jv_visit", 90, "赵总走访东方叶片", "滨海新区", ("科研合作",)),
    ]
    made = {}
    for key, kind, days, title, place, topics in visits:
        made[(key, days)] = services.engagement_create(
            actor=hq,
            data={
                "kind": kind,
                "status": "held",
                "title": title,
                "starts_on": ago(days),
                "place": place,
                "summary": "双方回顾合作成果，交流市场形势，外方表示将继续加大在津投资。",
                "internal_notes": "外方关注分红政策的稳定性。",
            },
            ventures=[ventures[key]],
            partners=[parties[PARTNER[key]]],
            attendees=[leader, hq],
            partner_attendees=_people(parties, PARTNER[key]),
            topics=_topics(*topics),
        )
    # A call HQ held without leadership: not high-level contact.
    services.engagement_create(
        actor=hq2,
        data={"kind": "call", "status": "held", "title": "与爱知新光视频沟通", "starts_on": ago(200)},
        ventures=[ventures["aixin"]],
        partners=[parties["aichi"]],
        attendees=[hq2],
    )
    services.commitment_add(
        engagement=made[("otis", 120)],
        actor=hq,
        data={
            "jv": ventures["otis"],
            "committed_by": "partner",
            "text": "外方同意将扶梯研发测试中心落户天津，年内提交方案。",
            "owner": hq,
            "due_date": today + datetime.timedelta(days=45),
        },
    )
    services.commitment_add(
        engagement=made[("prysmian", 400)],
        actor=hq,
        data={
            "jv": ventures["prysmian"],
            "committed_by": "group",
            "text": "集团协助对接市科技局海洋工程专项。",
            "owner": hq,
            "due_date": today - datetime.timedelta(days=20),
        },
    )
    # The blade visit was this year's research visit, where the JV's research exists.
    research = AnnualResearch.objects.filter(jv=ventures["blade"], year=today.year).first()
    if research is not None:
        visit = made[("blade", 90)]
        services.engagement_update(
            engagement=visit, actor=hq, data={"research": research}, expected_version=visit.version
        )
    # Planned: the weeks ahead.
    for key, days, title in (("daqiao", 12, "赵总走访大桥焊材"), ("siemens", 26, "赵总拜访西门子中国区")):
        services.engagement_create(
            actor=hq,
            data={
                "kind": "jv_visit" if key == "daqiao" else "partner_visit",
                "status": "planned",
                "title": title,
                "starts_on": today + datetime.timedelta(days=days),
            },
            ventures=[ventures[key]],
            partners=[parties[PARTNER[key]]],
            attendees=[leader, hq],
        )
    # What the daily jobs would have said by now (the demands made from commitments included).
    services.engagements_daily(today=today)
    demand_services.demand_deadlines_sweep(now=timezone.now())
