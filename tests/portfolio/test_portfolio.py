"""The portfolio page: every figure is the count (or the total) of the list its link opens, for
the same user; the JVs' figures by year compute the group's share exactly."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from portfolio import selectors
from tests import factories as f
from tests.downloads import csv_rows


class _FigureLinks(HTMLParser):
    """Every ``<a data-testid="figure">``: its href and its text."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("data-testid") == "figure":
            self._href, self._text = attrs["href"], ""

    def handle_data(self, data):
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None


def _figure_links(html: str) -> list[tuple[str, str]]:
    parser = _FigureLinks()
    parser.feed(html)
    return parser.links


def _listed(response) -> int:
    context = response.context
    return context["paginator"].count if context.get("paginator") else len(context["object_list"])


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet=True)


@pytest.mark.parametrize("username", ["leader", "hq"])
def test_every_figure_on_the_page_is_the_count_of_the_list_it_opens(demo, client, username):
    client.force_login(User.objects.get(username=username))
    page = client.get(reverse("portfolio:portfolio"))
    assert page.status_code == 200
    links = _figure_links(page.content.decode())
    # The approval, five demand figures, three governance, research accepted and total, the JVs'
    # total and the breakdowns by status (5), tier (3) and the industries that have JVs.
    assert len(links) >= 20, links
    mismatches = []
    for href, text in links:
        response = client.get(href)
        assert response.status_code == 200, href
        if _listed(response) != int(text):
            mismatches.append(f"{href}: page says {text}, list has {_listed(response)}")
    assert not mismatches, "\n".join(mismatches)
    # The demo gives most figures something to count: a test of zeros would prove little.
    assert sum(int(text) for _href, text in links) > 40


@pytest.mark.parametrize("username", ["leader", "hq"])
def test_each_years_money_is_the_total_of_its_figures_list(demo, client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    rows = selectors.money_by_year(user=user)
    assert len(rows) == 3 and rows[0]["share_revenue"] > 0
    for row in rows:
        listed = client.get(row["url"])
        totals = listed.context["totals"]
        for key in ("share_revenue", "share_net_profit", "share_tax", "declared", "received", "owed"):
            assert totals[key] == row[key], (row["year"], key)
        assert listed.context["paginator"].count == totals["ventures"]


def test_the_group_share_is_the_figure_times_the_group_stake(portfolio, hq_client):
    own = portfolio["own"]
    f.AnnualIndicatorsFactory(
        jv=own,
        year=2025,
        revenue=Decimal("1000.50"),
        net_profit=Decimal("-200"),
        tax_paid=Decimal("30"),
        dividends_declared=Decimal("80"),
        dividends_received=Decimal("50"),
    )
    response = hq_client.get(reverse("portfolio:figures"), {"year": 2025})
    (row,) = response.context["rows"]
    assert row.group_stake == Decimal("40")
    assert row.revenue_share == Decimal("400.20")
    assert row.net_profit_share == Decimal("-80")
    assert row.tax_share == Decimal("12")
    assert row.receivable == Decimal("30")
    assert response.context["totals"]["share_revenue"] == Decimal("400.20")
    rows = csv_rows(hq_client.get(reverse("portfolio:figures_export", args=["csv"]), {"year": 2025}))
    assert len(rows) == 2 and rows[1][0] == str(own)


def test_leadership_lands_on_the_portfolio_and_hq_on_the_home_page(portfolio, leader, hq, client_as):
    assert "figures" in client_as(leader).get(reverse("home")).context
    home = client_as(hq).get(reverse("home"))
    assert "summary" in home.context and "figures" not in home.context
    assert reverse("portfolio:portfolio") in home.content.decode()  # the top bar's link


def test_a_representative_has_no_portfolio_and_no_link_to_it(portfolio, client_as):
    client = client_as(portfolio["rep"])
    assert client.get(reverse("portfolio:portfolio")).status_code == 403
    assert client.get(reverse("portfolio:figures")).status_code == 403
    assert client.get(reverse("portfolio:figures_export", args=["xlsx"])).status_code == 403
    assert reverse("portfolio:portfolio") not in client.get(reverse("home")).content.decode()


def test_the_portfolio_query_budget_does_not_grow_with_the_portfolio(
    demo, client, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="leader"))
    # The user with their roles, the bell: 2. The JV list (its partner-country menu), its total and
    # three breakdowns: 5. The money by year (the figures list's year menu, the sums): 2. Five
    # demand counts, the approval, three governance counts: 9. The research year, the research
    # list's own year and its year menu, its two counts: 5. The contact targets and the JVs past
    # them: 2. The menu of scorecards: 1. One of slack: 29.
    with django_assert_max_num_queries(27) as before:
        client.get(reverse("portfolio:portfolio"))
    venture = f.JointVentureFactory()
    f.AnnualIndicatorsFactory(jv=venture, year=2025)
    f.make_demand(venture, User.objects.get(username="hq"))
    with django_assert_max_num_queries(len(before)):
        client.get(reverse("portfolio:portfolio"))


def test_the_figures_list_query_budget(demo, client, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="hq"))
    # The user with their roles, the bell; the filter's years; the page's count, its rows (JV joined),
    # the totals: 8, and one of slack.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("portfolio:figures"))
    assert response.context["paginator"].count > 10


def test_the_charts_carry_the_figures_of_the_tables(demo, client):
    client.force_login(User.objects.get(username="leader"))
    response = client.get(reverse("portfolio:portfolio"))
    charts = response.context["charts"]
    by_status = response.context["figures"]["ventures"]["by_status"]
    assert charts["chart-status"]["datasets"][0]["data"] == [x.value for x in by_status]
    html = response.content.decode()
    for key in charts:
        assert re.search(rf'<script id="{key}" type="application/json">', html), key
        assert f'data-chart="{key}"' in html


def test_the_portfolio_links_to_every_scorecard_the_ownership_chart_and_the_report(
    portfolio, leader, client_as
):
    html = client_as(leader).get(reverse("portfolio:portfolio")).content.decode()
    for venture in (portfolio["own"], portfolio["other"]):
        assert reverse("portfolio:scorecard", args=[venture.pk]) in html
    assert reverse("portfolio:ownership") in html
    assert reverse("portfolio:annual_report_latest") in html
