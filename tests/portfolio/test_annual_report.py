"""The annual portfolio report: each section's figures asserted against rows built here, the
workbook one sheet per section, the same totals as the figures list, a flat query budget, access."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.workdays import local_zone
from demands.models import Demand
from representatives.models import Evaluation, Meeting, Proposal, Report
from tests import factories as f
from tests.downloads import xlsx_workbook


def _at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=local_zone())


@pytest.fixture
def year_2024(portfolio, hq):
    """2024 in the test portfolio: both JVs' figures (``other`` still owes 15 of its dividends),
    three demands, two meetings, two quarterly reports, two evaluations, and one of each a year
    before or after that must not count."""
    own, other = portfolio["own"], portfolio["other"]
    portfolio["indicators"]["other"].dividends_received = Decimal("5")
    portfolio["indicators"]["other"].save()
    f.AnnualIndicatorsFactory(jv=own, year=2023, revenue=Decimal("5000"))

    def demand(jv, raised, *, resolved=None, resolve_by=None, escalated=False):
        made = f.make_demand(jv, hq, at=raised)
        changes = {"escalation_level": 1} if escalated else {}
        if resolved:
            changes.update(
                status="resolved",
                resolution="已解决",
                resolved_at=resolved,
                resolve_by=resolve_by,
                due_at=None,
            )
        Demand.objects.filter(pk=made.pk).update(**changes)

    demand(own, _at(2024, 3, 1), resolved=_at(2024, 4, 1), resolve_by=_at(2024, 5, 1))
    demand(other, _at(2024, 6, 1), escalated=True)
    demand(own, _at(2023, 12, 1), resolved=_at(2024, 1, 15), resolve_by=_at(2024, 1, 10))

    def meeting(jv, profile, when, status):
        return Meeting.objects.create(
            jv=jv,
            kind="board",
            title=f"会议 {when:%Y-%m-%d}",
            meeting_at=when,
            representative=profile,
            status=status,
            instruction_due_at=when - datetime.timedelta(days=3),
            instruction_warn_at=when - datetime.timedelta(days=5),
            registered_by=hq,
        )

    held = meeting(own, portfolio["rep_profile"], _at(2024, 5, 10), "held")
    meeting(other, portfolio["other_rep_profile"], _at(2024, 8, 1), "cancelled")
    before = meeting(own, portfolio["rep_profile"], _at(2023, 5, 10), "held")
    Proposal.objects.create(
        meeting=held,
        number=1,
        title="议案一",
        decision="hq",
        instruction_state="issued",
        instruction_vote="for",
        vote_cast="for",
    )
    Proposal.objects.create(
        meeting=held, number=2, title="议案二", decision="hq", instruction_state="awaiting_approval"
    )
    Proposal.objects.create(
        meeting=before, number=1, title="议案三", decision="representative", vote_cast="against"
    )

    # A third representative who left in 2023: not in post in 2024.
    f.AppointmentFactory(jv=own, start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2023, 6, 30))

    def report(appointment, due, submitted):
        Report.objects.create(
            appointment=appointment,
            kind="quarterly",
            year=2024,
            quarter=1,
            due_date=due,
            status="submitted" if submitted else "draft",
            submitted_at=submitted,
            first_submitted_at=submitted,
        )

    report(portfolio["own_appointment"], datetime.date(2024, 4, 15), _at(2024, 4, 10))
    report(portfolio["other_appointment"], datetime.date(2024, 4, 15), None)

    def evaluation(profile, grade, status):
        Evaluation.objects.create(
            representative=profile,
            year=2024,
            learning=80,
            communication=80,
            role=80,
            proficiency=80,
            grade=grade,
            evaluator=hq,
            evaluated_on=datetime.date(2025, 1, 20),
            status=status,
        )

    evaluation(portfolio["rep_profile"], "excellent", "published")
    evaluation(portfolio["other_rep_profile"], "competent", "draft")
    return portfolio


def _rows(response, key) -> dict:
    (section,) = [s for s in response.context["sections"] if s.key == key]
    return {str(row[0]): row[1] for row in section.rows}


def test_the_report_figures_for_the_year(year_2024, hq_client):
    response = hq_client.get(reverse("portfolio:annual_report", args=[2024]))
    assert response.status_code == 200
    assert [s.key for s in response.context["sections"]] == [
        "figures",
        "ventures",
        "demands",
        "governance",
        "representatives",
    ]
    assert response.context["years"] == [2024, 2023]
    figures = _rows(response, "figures")
    # own holds 40%, other 30%, each with revenue 1000, net profit 100, tax 50, dividends 20.
    assert figures["Joint ventures reporting figures for the year"] == 2
    assert figures["Group's share of revenue"] == Decimal("700")
    assert figures["Group's share of net profit"] == Decimal("70")
    assert figures["Group's share of tax"] == Decimal("35")
    assert figures["Dividends declared"] == Decimal("40")
    assert figures["Dividends received"] == Decimal("25")
    assert figures["Dividends receivable"] == Decimal("15")
    assert figures["Joint ventures: Operating"] == 2

    (ventures,) = [s for s in response.context["sections"] if s.key == "ventures"]
    lines = {row[0]: row for row in ventures.rows}
    other = lines[year_2024["other"]]
    assert other[1] == Decimal("30") and other[5] == Decimal("300") and other[9] == Decimal("15")
    assert len(lines) == 2

    demands = _rows(response, "demands")
    assert demands["Raised in the year"] == 2
    assert demands["Raised, now Resolved"] == 1 and demands["Raised, now Submitted"] == 1
    assert demands["Raised and escalated, still open"] == 1
    # The demand raised in 2023 and resolved late in 2024 counts as resolved in 2024.
    assert demands["Resolved in the year"] == 2
    assert demands["Resolved within the SLA"] == 1
    assert demands["Within the SLA (%)"] == Decimal("50.0")

    governance = _rows(response, "governance")
    assert governance["Meetings: Held, outcome recorded"] == 1
    assert governance["Meetings: Cancelled"] == 1
    assert governance["Meetings: Scheduled"] == 0
    assert governance["Proposals"] == 2
    assert governance["Instructions issued"] == 1
    assert governance["Instructions awaiting leadership approval"] == 1
    assert governance["Voted: For"] == 1 and governance["Voted: Against"] == 0

    people = _rows(response, "representatives")
    assert people["Representatives in post"] == 2 and people["Seats held"] == 2
    assert people["Reports due"] == 2 and people["Filed on time"] == 1
    assert people["Not filed, past due"] == 1 and people["Filed on time (%)"] == Decimal("50.0")
    assert people["Evaluations published"] == 1 and people["Graded: Excellent"] == 1
    assert people["Graded: Competent"] == 0

    html = response.content.decode()
    assert 'data-testid="print"' in html and "700" in html
    assert reverse("portfolio:annual_report_export", args=[2024]) in html


def test_the_report_money_is_the_figures_list_of_the_year(year_2024, hq_client):
    report = _rows(hq_client.get(reverse("portfolio:annual_report", args=[2024])), "figures")
    totals = hq_client.get(reverse("portfolio:figures"), {"year": 2024}).context["totals"]
    assert report["Group's share of revenue"] == totals["share_revenue"]
    assert report["Dividends receivable"] == totals["owed"]


def test_the_workbook_has_one_sheet_per_section(year_2024, hq_client):
    response = hq_client.get(reverse("portfolio:annual_report_export", args=[2024]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-report-2024.xlsx"'
    workbook = xlsx_workbook(response)
    assert workbook.sheetnames == [
        "Portfolio figures",
        "Each joint venture",
        "Demands",
        "Governance",
        "Representatives",
    ]
    figures = {row[0]: row[1] for row in workbook["Portfolio figures"].iter_rows(values_only=True)}
    assert figures["Figure"] == "Number"
    assert figures["Group's share of revenue"] == 700
    assert figures["Dividends receivable"] == 15
    ventures = [list(r) for r in workbook["Each joint venture"].iter_rows(values_only=True)]
    assert ventures[0][:3] == ["Joint venture", "Group stake (%)", "Revenue"]
    assert {row[0] for row in ventures[1:]} == {str(year_2024["own"]), str(year_2024["other"])}
    governance = {row[0]: row[1] for row in workbook["Governance"].iter_rows(values_only=True)}
    assert governance["Instructions issued"] == 1


def test_a_year_without_figures_still_reports_its_demands(year_2024, hq_client):
    response = hq_client.get(reverse("portfolio:annual_report", args=[2025]))
    assert response.status_code == 200
    assert _rows(response, "figures")["Joint ventures reporting figures for the year"] == 0
    assert "No joint venture has figures for this year." in response.content.decode()


def test_the_report_opens_on_the_latest_year(year_2024, hq_client):
    response = hq_client.get(reverse("portfolio:annual_report_latest"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "portfolio:annual_report", args=[2024]
    )
    assert (
        reverse("portfolio:annual_report_latest")
        in hq_client.get(reverse("portfolio:portfolio")).content.decode()
    )


def test_a_year_out_of_range_is_not_found(portfolio, hq_client):
    assert hq_client.get(reverse("portfolio:annual_report", args=[1900])).status_code == 404


def test_the_report_in_chinese(year_2024, hq, client):
    client.force_login(hq)
    response = client.get(reverse("portfolio:annual_report", args=[2024]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "2024年度合资企业总览报告" in html and "集团应占营业收入" in html


def test_who_reads_the_report(portfolio, leader, client_as):
    for name, args in [("portfolio:annual_report", [2024]), ("portfolio:annual_report_export", [2024])]:
        url = reverse(name, args=args)
        assert client_as(leader).get(url).status_code == 200
        assert client_as(portfolio["rep"]).get(url).status_code == 403
        assert client_as(None).get(url).status_code == 302
    assert client_as(portfolio["rep"]).get(reverse("portfolio:annual_report_latest")).status_code == 403


def test_the_report_query_budget_does_not_grow_with_the_portfolio(
    year_2024, hq, hq_client, django_assert_max_num_queries
):
    url = reverse("portfolio:annual_report", args=[2024])
    # The user with their roles, the bell: 2. The year menu: 1. The totals, the JVs by status, the
    # lines: 3. Demands by status and the SLA: 2. Meetings by status, the votes: 2. In post, the
    # reports, the grades: 3. One of slack: 16.
    with django_assert_max_num_queries(14) as before:
        hq_client.get(url)
    for _n in range(3):
        venture = f.JointVentureFactory()
        f.AnnualIndicatorsFactory(jv=venture, year=2024)
        f.make_demand(venture, hq, at=_at(2024, 7, 1))
    with django_assert_max_num_queries(len(before)):
        response = hq_client.get(url)
    assert _rows(response, "figures")["Joint ventures reporting figures for the year"] == 5
