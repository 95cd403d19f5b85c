"""The demo portfolio: the group, two member companies, eight JVs with foreign partners, three years of figures.

Partner company names follow the reference customer's symposium report; the people are invented.
"""

import datetime
from decimal import Decimal

from .choices import Currency, Industry, PartyKind, ReservedMatter, StrategicTier, VentureStatus
from .models import AnnualIndicators, JointVenture, Party, Shareholding
from .validators import uscc_check_character

PARTIES = [
    # key, name, English name, kind, country
    (
        "group",
        "天津百利机电控股集团有限公司",
        "Tianjin Baili Mechanical & Electrical Holding Group",
        PartyKind.GROUP,
        "CN",
    ),
    (
        "equipment",
        "天津百利装备制造有限公司",
        "Tianjin Baili Equipment Manufacturing Co., Ltd.",
        PartyKind.GROUP,
        "CN",
    ),
    ("electric", "天津百利电气有限公司", "Tianjin Baili Electric Co., Ltd.", PartyKind.GROUP, "CN"),
    ("otis", "奥的斯电梯公司", "Otis Elevator Company", PartyKind.FOREIGN, "US"),
    ("siemens", "西门子股份公司", "Siemens AG", PartyKind.FOREIGN, "DE"),
    ("prysmian", "普睿司曼股份有限公司", "Prysmian S.p.A.", PartyKind.FOREIGN, "IT"),
    ("lincoln", "林肯电气公司", "Lincoln Electric Company", PartyKind.FOREIGN, "US"),
    ("nordwind", "北风复合材料有限公司", "Nordwind Composites GmbH", PartyKind.FOREIGN, "DE"),
    ("schneider", "施耐德电气", "Schneider Electric SE", PartyKind.FOREIGN, "FR"),
    ("aichi", "爱知新光株式会社", "Aichi Shinko Co., Ltd.", PartyKind.FOREIGN, "JP"),
    ("abb", "ABB有限公司", "ABB Ltd", PartyKind.FOREIGN, "CH"),
]

RESERVED_DEFAULT = [
    ReservedMatter.CAPITAL_CHANGE,
    ReservedMatter.PROFIT_DISTRIBUTION,
    ReservedMatter.MAJOR_INVESTMENT,
    ReservedMatter.SENIOR_APPOINTMENT,
    ReservedMatter.RELATED_PARTY,
]

VENTURES = [
    # key, name, English, industry, status, tier, established, capital, currency, district, dept,
    # headcount, products, [(party, pct, subscribed)], base revenue (10k CNY)
    (
        "otis",
        "天津奥的斯电梯有限公司",
        "Otis Elevator (Tianjin) Co., Ltd.",
        Industry.ELEVATORS,
        VentureStatus.OPERATING,
        StrategicTier.CORE,
        datetime.date(1984, 6, 18),
        "60000000",
        Currency.USD,
        "西青区",
        "jv",
        2600,
        "乘客电梯、自动扶梯及维保服务",
        [("otis", "60", "36000000"), ("equipment", "40", "24000000")],
        820000,
    ),
    (
        "siemens",
        "天津西门子开关有限公司",
        "Siemens Switchgear (Tianjin) Co., Ltd.",
        Industry.SWITCHGEAR,
        VentureStatus.OPERATING,
        StrategicTier.CORE,
        datetime.date(1996, 3, 8),
        "280000000",
        Currency.CNY,
        "北辰区",
        "jv",
        900,
        "中压开关柜、断路器",
        [("siemens", "51", "142800000"), ("electric", "49", "137200000")],
        310000,
    ),
    (
        "prysmian",
        "普睿司曼（天津）电缆有限公司",
        "Prysmian Cables (Tianjin) Co., Ltd.",
        Industry.CABLES,
        VentureStatus.OPERATING,
        StrategicTier.IMPORTANT,
        datetime.date(2004, 9, 1),
        "30000000",
        Currency.EUR,
        "滨海新区",
        "jv",
        650,
        "高压电力电缆、光缆",
        [("prysmian", "67", "20100000"), ("group", "33", "9900000")],
        260000,
    ),
    (
        "daqiao",
        "天津大桥林肯焊材有限公司",
        "Daqiao Lincoln Welding Materials (Tianjin) Co., Ltd.",
        Industry.WELDING,
        VentureStatus.OPERATING,
        StrategicTier.IMPORTANT,
        datetime.date(2008, 5, 20),
        "150000000",
        Currency.CNY,
        "津南区",
        "strategy",
        480,
        "焊丝、焊条、焊剂",
        [("lincoln", "50", "75000000"), ("equipment", "50", "75000000")],
        140000,
    ),
    (
        "blade",
        "天津东方风电叶片有限公司",
        "Dongfang Wind Blades (Tianjin) Co., Ltd.",
        Industry.WIND,
        VentureStatus.OPERATING,
        StrategicTier.IMPORTANT,
        datetime.date(2010, 11, 11),
        "200000000",
        Currency.CNY,
        "滨海新区",
        "strategy",
        720,
        "兆瓦级风电叶片",
        [("nordwind", "45", "90000000"), ("group", "40", "80000000"), ("equipment", "15", "30000000")],
        190000,
    ),
    (
        "shensteel",
        "天津申钢电气有限公司",
        "Shensteel Electric (Tianjin) Co., Ltd.",
        Industry.SWITCHGEAR,
        VentureStatus.RESTRUCTURING,
        StrategicTier.GENERAL,
        datetime.date(2001, 4, 2),
        "80000000",
        Currency.CNY,
        "东丽区",
        "jv",
        310,
        "低压配电设备",
        [("schneider", "55", "44000000"), ("electric", "45", "36000000")],
        52000,
    ),
    (
        "aixin",
        "艾新（天津）精密机械有限公司",
        "Aixin (Tianjin) Precision Machinery Co., Ltd.",
        Industry.MACHINERY,
        VentureStatus.OPERATING,
        StrategicTier.GENERAL,
        datetime.date(2012, 7, 16),
        "1200000000",
        Currency.JPY,
        "武清区",
        "strategy",
        260,
        "精密减速机、轴承组件",
        [("aichi", "70", "840000000"), ("equipment", "30", "360000000")],
        46000,
    ),
    (
        "abb",
        "天津百利ABB电机有限公司",
        "Baili ABB Motors (Tianjin) Co., Ltd.",
        Industry.MOTORS,
        VentureStatus.PREPARING,
        StrategicTier.IMPORTANT,
        None,
        "100000000",
        Currency.CNY,
        "滨海新区",
        "jv",
        None,
        "高效电机（筹建中）",
        [("abb", "50", "50000000"), ("electric", "50", "50000000")],
        None,
    ),
]

DEMO_YEARS = (2023, 2024, 2025)


def demo_uscc(index: int) -> str:
    """A well-formed, valid code for the demo: Tianjin, enterprise, a made-up organisation code."""
    first17 = f"91120116MA0{index:02d}{(index * 7919) % 10000:04d}"
    return first17 + uscc_check_character(first17)


def seed(ctx: dict) -> None:
    parties = {}
    for key, name, name_en, kind, country in PARTIES:
        parties[key], _ = Party.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "kind": kind, "country": country}
        )
    ventures = {}
    departments = ctx["departments"]
    liaison = ctx["users"].get("hq")
    for index, row in enumerate(VENTURES, start=1):
        (
            key,
            name,
            name_en,
            industry,
            status,
            tier,
            established,
            capital,
            currency,
            district,
            dept,
            headcount,
            products,
            holdings,
            revenue,
        ) = row
        venture, created = JointVenture.objects.get_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "uscc": demo_uscc(index),
                "industry": industry,
                "status": status,
                "strategic_tier": tier,
                "established_on": established,
                "registered_capital": Decimal(capital),
                "currency": currency,
                "district": district,
                "department": departments[dept],
                "liaison": liaison,
                "headcount": headcount,
                "main_products": products,
                "reserved_matters": sorted(RESERVED_DEFAULT),
            },
        )
        ventures[key] = venture
        if created:
            for party_key, pct, subscribed in holdings:
                Shareholding.objects.create(
                    jv=venture,
                    party=parties[party_key],
                    percentage=Decimal(pct),
                    subscribed_capital=Decimal(subscribed),
                )
            if revenue:
                for offset, year in enumerate(DEMO_YEARS):
                    growth = (
                        Decimal(1)
                        + Decimal(offset) * Decimal("0.06")
                        - (Decimal("0.1") if key == "shensteel" else 0)
                    )
                    rev = (Decimal(revenue) * growth).quantize(Decimal("0.01"))
                    margin = Decimal("-0.03") if key == "shensteel" and year == 2025 else Decimal("0.08")
                    profit = (rev * margin).quantize(Decimal("0.01"))
                    group_pct = (
                        sum(Decimal(p) for k, p, _s in holdings if parties[k].kind == PartyKind.GROUP) / 100
                    )
                    dividends = max(profit * Decimal("0.4") * group_pct, Decimal(0)).quantize(Decimal("0.01"))
                    AnnualIndicators.objects.create(
                        jv=venture,
                        year=year,
                        revenue=rev,
                        net_profit=profit,
                        tax_paid=(rev * Decimal("0.05")).quantize(Decimal("0.01")),
                        dividends_declared=dividends,
                        dividends_received=dividends
                        if year < 2025
                        else (dividends / 2).quantize(Decimal("0.01")),
                        new_investment=(rev * Decimal("0.03")).quantize(Decimal("0.01")),
                        headcount=headcount,
                    )
    ctx["parties"] = parties
    ctx["ventures"] = ventures
