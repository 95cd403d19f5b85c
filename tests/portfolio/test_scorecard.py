"""A JV's scorecard: every figure asserted against rows built here, the workbook one sheet per
section, the query budget flat in years and rows, and who may read it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from core.workdays import local_zone
from demands.models import Demand
from portfolio import scorecard
from portfolio.scorecard import Change
from representatives.models import Meeting, Proposal, Report
from research import services as research_services
from research.models import AnnualResearch
from tests import factories as f
from tests.downloads import xlsx_workbook


def _at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=local_zone())


def _indicators(venture, year, **figures):
    return f.AnnualIndicatorsFactory(
        jv=venture, year=year, **{k: Decimal(str(v)) for k, v in figures.items()}
    )


@pytest.fixture
def card(db, hq):
    """A JV with three years of indicators (2022 to 2024) and, in 2023 and 2024, demands, meetings
    and votes, quarterly reports and research."""
    venture = f.JointVentureFactory(name="记分卡合资公司", name_en="Scorecard Venture Co.")
    group = f.PartyFactory(kind="group")
    f.ShareholdingFactory(jv=venture, party=group, percentage=40)
    common = {"new_investment": 10}
    _indicators(
        venture,
        2022,
        revenue=800,
        net_profit=50,
        tax_paid=40,
        dividends_declared=20,
        dividends_received=20,
        **common,
    )
    _indicators(
        venture,
        2023,
        revenue=1000,
        net_profit=-20,
        tax_paid=50,
        dividends_declared=30,
        dividends_received=10,
        new_investment=0,
    )
    _indicators(
        venture,
        2024,
        revenue="1100.50",
        net_profit=30,
        tax_paid=50,
        dividends_declared=40,
        dividends_received=0,
        new_investment=5,
    )
    from ventures.models import AnnualIndicators

    AnnualIndicators.objects.filter(jv=venture, year=2024).update(headcount=95)

    # Demands: two raised in 2023 (one resolved in time that year, one resolved late in 2024), two
    # raised in 2024 and still open (one escalated).
    def demand(raised, *, resolved=None, resolve_by=None, escalated=False):
        made = f.make_demand(venture, hq, at=raised)
        changes = {}
        if resolved:
            changes = {
                "status": "resolved",
                "resolution": "已解决",
                "resolved_at": resolved,
                "resolve_by": resolve_by,
                "due_at": None,
            }
        if escalated:
            changes["escalation_level"] = 1
        Demand.objects.filter(pk=made.pk).update(**changes)

    demand(_at(2023, 3, 1), resolved=_at(2023, 4, 1), resolve_by=_at(2023, 5, 1))
    demand(_at(2023, 6, 1), resolved=_at(2024, 2, 1), resolve_by=_at(2023, 12, 1))
    demand(_at(2024, 3, 1), escalated=True)
    demand(_at(2024, 5, 1))

    rep_user = f.make_representative_user(venture, username="card_rep")
    profile = rep_user.representative_profile
    appointment = profile.appointments.get()

    def meeting(when, status):
        return Meeting.objects.create(
            jv=venture,
            kind="board",
            title=f"会议 {when:%Y-%m-%d}",
            meeting_at=when,
            representative=profile,
            status=status,
            instruction_due_at=when - datetime.timedelta(days=3),
            instruction_warn_at=when - datetime.timedelta(days=5),
            registered_by=hq,
        )

    def proposal(meeting, number, decision, vote, *, deviates=False):
        Proposal.objects.create(
            meeting=meeting,
            number=number,
            title=f"议案 {number}",
            decision=decision,
            instruction_state="issued" if decision == "hq" else "not_needed",
            instruction_vote="for" if decision == "hq" else "",
            vote_cast=vote,
            deviates=deviates,
            deviation_explanation="理由" if deviates else "",
        )

    held_2023 = meeting(_at(2023, 5, 10), "held")
    meeting(_at(2023, 9, 10), "cancelled")
    held_2024 = meeting(_at(2024, 6, 10), "held")
    proposal(held_2023, 1, "hq", "for")
    proposal(held_2023, 2, "representative", "abstain")
    proposal(held_2024, 1, "hq", "against", deviates=True)
    proposal(held_2024, 2, "hq", "absent")

    def report(year, quarter, due, submitted):
        Report.objects.create(
            appointment=appointment,
            kind="quarterly",
            year=year,
            quarter=quarter,
            due_date=due,
            status="submitted" if submitted else "draft",
            submitted_at=submitted,
            first_submitted_at=submitted,
        )

    report(2023, 1, datetime.date(2023, 4, 15), _at(2023, 4, 10))
    report(2023, 2, datetime.date(2023, 7, 15), _at(2023, 7, 20))
    report(2024, 1, datetime.date(2024, 4, 15), None)
    # Submitted late in the evening of its due day, Beijing time: still on time.
    report(2024, 2, datetime.date(2024, 7, 15), _at(2024, 7, 15, hour=23))
    # Without a due date: not counted.
    Report.objects.create(
        appointment=appointment, kind="major", major_class="record", year=2024, title="重大事项"
    )

    research_hq = f.make_user(Role.HQ_STAFF, username="card_research")
    research = research_services.research_open(jv=venture, year=2024, actor=research_hq)
    AnnualResearch.objects.filter(pk=research.pk).update(status="accepted")
    return venture


def _sections(response):
    return {section.key: section for section in response.context["sections"]}


def test_the_scorecard_figures_year_over_year(card, hq_client):
    response = hq_client.get(reverse("portfolio:scorecard", args=[card.pk]))
    assert response.status_code == 200
    assert response.context["years"] == [2024, 2023, 2022]
    sections = _sections(response)
    assert list(sections) == [
        "indicators",
        "dividends",
        "demands",
        "meetings",
        "reports",
        "research",
        "engagements",
    ]

    indicators = sections["indicators"].rows
    assert [row[0] for row in indicators] == [2024, 2023, 2022]
    revenue, profit, tax, investment, headcount = indicators[0][1:]
    assert revenue == Change(Decimal("1100.50"), Decimal("100.50"), Decimal("10.1"))
    # From a loss of 20 to a profit of 30: up 50, that is 250% of the loss.
    assert profit == Change(Decimal("30"), Decimal("50"), Decimal("250.0"))
    assert tax == Change(Decimal("50"), Decimal("0"), Decimal("0.0"))
    # From nothing, a change without a percentage.
    assert investment == Change(Decimal("5"), Decimal("5"), None)
    assert headcount == Change(95, -5, Decimal("-5.0"))
    assert indicators[1][1] == Change(Decimal("1000"), Decimal("200"), Decimal("25.0"))
    assert indicators[1][2] == Change(Decimal("-20"), Decimal("-70"), Decimal("-140.0"))
    # The oldest year shown has no year before it recorded.
    assert indicators[2][1] == Change(Decimal("800"))

    assert sections["dividends"].rows == [
        [2024, Decimal("40"), Decimal("0"), Decimal("40")],
        [2023, Decimal("30"), Decimal("10"), Decimal("20")],
        [2022, Decimal("20"), Decimal("20"), Decimal("0")],
    ]
    # Raised, escalated and open, resolved, resolved within the SLA, its share.
    assert sections["demands"].rows == [
        [2024, 2, 1, 1, 0, Decimal("0.0")],
        [2023, 2, 0, 1, 1, Decimal("100.0")],
        [2022, 0, 0, 0, 0, None],
    ]
    # Held, cancelled, instructions issued, for, against, abstain, absent, differing.
    assert sections["meetings"].rows == [
        [2024, 1, 0, 2, 0, 1, 0, 1, 1],
        [2023, 1, 1, 1, 1, 0, 1, 0, 0],
        [2022, 0, 0, 0, 0, 0, 0, 0, 0],
    ]
    # Due, on time, late, missing.
    assert sections["reports"].rows == [[2024, 2, 1, 0, 1], [2023, 2, 1, 1, 0], [2022, 0, 0, 0, 0]]
    assert [row[1] for row in sections["research"].rows] == ["Accepted", None, None]

    html = response.content.decode()
    assert "1,100.50" in html and "+100.50 (+10.1%)" in html and "-5 (-5%)" in html
    assert reverse("portfolio:scorecard_export", args=[card.pk]) in html
    assert 'data-testid="print"' in html


def test_the_scorecard_shows_five_years_the_oldest_with_its_change(db, hq_client):
    venture = f.JointVentureFactory()
    for year in range(2017, 2025):
        _indicators(venture, year, revenue=100 * (year - 2016))
    response = hq_client.get(reverse("portfolio:scorecard", args=[venture.pk]))
    assert response.context["years"] == [2024, 2023, 2022, 2021, 2020]
    oldest = _sections(response)["indicators"].rows[-1]
    assert oldest[1] == Change(Decimal("400"), Decimal("100"), Decimal("33.3"))


def test_a_venture_without_indicators_has_an_empty_scorecard(db, hq_client):
    venture = f.JointVentureFactory()
    response = hq_client.get(reverse("portfolio:scorecard", args=[venture.pk]))
    assert response.status_code == 200 and response.context["years"] == []
    assert reverse("portfolio:scorecard_export", args=[venture.pk]) not in response.content.decode()


def test_the_workbook_has_one_sheet_per_section(card, hq_client):
    response = hq_client.get(reverse("portfolio:scorecard_export", args=[card.pk]))
    assert response.status_code == 200
    workbook = xlsx_workbook(response)
    assert workbook.sheetnames == [
        "Indicators",
        "Dividends",
        "Demands",
        "Meetings and the group's votes",
        "Reports filed on time",
        "Annual research",
        "High-level engagements",
    ]
    rows = [list(r) for r in workbook["Indicators"].iter_rows(values_only=True)]
    assert rows[0][:4] == ["Year", "Revenue", "Revenue, change", "Revenue, change (%)"]
    assert rows[1][:4] == [2024, 1100.5, 100.5, 10.1]
    assert rows[3][:4] == [2022, 800, None, None]
    demands = [list(r) for r in workbook["Demands"].iter_rows(values_only=True)]
    assert demands[2] == [2023, 2, 0, 1, 1, 100]
    research = [list(r) for r in workbook["Annual research"].iter_rows(values_only=True)]
    assert research[1] == [2024, "Accepted"]


def test_the_scorecard_in_chinese(card, hq, client):
    client.force_login(hq)
    response = client.get(reverse("portfolio:scorecard", args=[card.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert "记分卡：" in html and "已审定" in html and "与表决指示不一致的表决" in html


def test_the_scorecard_query_budget_does_not_grow_with_years_or_rows(
    card, hq_client, hq, django_assert_max_num_queries
):
    url = reverse("portfolio:scorecard", args=[card.pk])
    # The user with their roles, the bell: 2. The JV, its indicators: 2. Demands raised and resolved
    # by year: 2. Meetings and votes by year: 2. The reports, the research: 2. Engagements held
    # and their commitments by year: 2. One of slack: 15.
    with django_assert_max_num_queries(13) as before:
        hq_client.get(url)
    _indicators(card, 2021, revenue=700)
    _indicators(card, 2020, revenue=600)
    f.make_demand(card, hq, at=_at(2021, 5, 1))
    f.make_demand(card, hq, at=_at(2020, 5, 1))
    with django_assert_max_num_queries(len(before)):
        response = hq_client.get(url)
    assert response.context["years"] == [2024, 2023, 2022, 2021, 2020]
    with django_assert_max_num_queries(len(before)):
        assert hq_client.get(reverse("portfolio:scorecard_export", args=[card.pk])).status_code == 200


def test_who_reads_the_scorecard(portfolio, leader, hq, client_as):
    own = portfolio["own"]
    url = reverse("portfolio:scorecard", args=[own.pk])
    assert client_as(leader).get(url).status_code == 200
    assert client_as(hq).get(reverse("portfolio:scorecard", args=[999999])).status_code == 404
    rep = client_as(portfolio["rep"])
    assert rep.get(url).status_code == 403
    assert rep.get(reverse("portfolio:scorecard_export", args=[own.pk])).status_code == 403
    assert url not in rep.get(own.get_absolute_url()).content.decode()
    assert client_as(None).get(url).status_code == 302


def test_the_jv_page_and_the_figures_list_link_to_the_scorecard(portfolio, hq_client):
    own = portfolio["own"]
    url = reverse("portfolio:scorecard", args=[own.pk])
    assert url in hq_client.get(own.get_absolute_url()).content.decode()
    assert url in hq_client.get(reverse("portfolio:figures")).content.decode()


def test_a_registered_section_joins_the_page_and_the_workbook(card, hq_client, monkeypatch):
    def engagements(venture, years, user, **kwargs):
        return scorecard.Section("engagements", "Engagements", ["Year", "Visits"], [[y, 0] for y in years])

    monkeypatch.setattr(scorecard, "_SECTIONS", [*scorecard._SECTIONS])
    scorecard.register(engagements)
    response = hq_client.get(reverse("portfolio:scorecard", args=[card.pk]))
    assert list(_sections(response))[-1] == "engagements"
    workbook = xlsx_workbook(hq_client.get(reverse("portfolio:scorecard_export", args=[card.pk])))
    assert workbook.sheetnames[-1] == "Engagements"


def test_the_scorecard_counts_the_jvs_engagements_and_their_commitments(portfolio, hq_client):
    from tests.engagements.builders import engagement_world

    made = engagement_world(portfolio)
    own = portfolio["own"]
    years = {made["own"].starts_on.year, made["symposium"].starts_on.year}
    for year in years:
        f.AnnualIndicatorsFactory(jv=own, year=year)
    sections = _sections(hq_client.get(reverse("portfolio:scorecard", args=[own.pk])))
    rows = {row[0]: row[1:] for row in sections["engagements"].rows}
    # The JV's visit and the symposium it spoke at, both held with a leader; the commitment made
    # for this JV at each (the other JV's are not this JV's). The planned visit is not counted.
    counted = [rows[year] for year in sorted(years)]
    assert [sum(column) for column in zip(*counted, strict=True)] == [2, 2, 2, 0]
