"""The ownership chart: the SVG holds every JV and stake the table lists, the menus and the rows
stay in the viewer's scope, the filters narrow to the JVs a shareholder holds."""

import re

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def second_member(portfolio):
    """A second member company of the group, holding 10% of ``other`` beside the first."""
    member = f.PartyFactory(name="集团子公司", name_en="Group Subsidiary", kind="group", country="CN")
    f.ShareholdingFactory(jv=portfolio["other"], party=member, percentage=10)
    from ventures.models import Shareholding

    Shareholding.objects.filter(pk=portfolio["holdings"]["other_partner"].pk).update(percentage=60)
    return member


def _svg(response) -> str:
    html = response.content.decode()
    return html[html.index("<svg") : html.index("</svg>")]


def test_the_svg_holds_each_jv_and_each_stake(portfolio, second_member, hq_client):
    response = hq_client.get(reverse("portfolio:ownership"))
    assert response.status_code == 200
    svg = _svg(response)
    for key in ("own", "other"):
        assert f'data-node="jv-{portfolio[key].pk}"' in svg
        assert str(portfolio[key]) in svg
    for party in (portfolio["group"], second_member, portfolio["own_partner"], portfolio["other_partner"]):
        assert f'data-node="party-{party.pk}"' in svg
    stakes = dict(re.findall(r'data-stake="([^"]+)">([\d.]+)%<', svg))
    group, member = portfolio["group"].pk, second_member.pk
    own, other = portfolio["own"].pk, portfolio["other"].pk
    assert stakes == {
        f"party-{group} jv-{own}": "40",
        f"party-{group} jv-{other}": "30",
        f"party-{member} jv-{other}": "10",
        f"jv-{own} party-{portfolio['own_partner'].pk}": "60",
        f"jv-{other} party-{portfolio['other_partner'].pk}": "60",
    }
    # The same stakes as a table.
    assert len(response.context["holdings"]) == 5
    chart = response.context["chart"]
    assert [n.label for n in chart["members"]] == ["Group Co", "Group Subsidiary"]
    assert len(chart["ventures"]) == 2 and len(chart["partners"]) == 2


def test_filter_by_member_company_and_by_partner(portfolio, second_member, hq_client):
    url = reverse("portfolio:ownership")
    by_member = hq_client.get(url, {"member": second_member.pk})
    # The JV the subsidiary holds, with all its shareholders.
    assert {h.jv for h in by_member.context["holdings"]} == {portfolio["other"]}
    assert len(by_member.context["holdings"]) == 3
    by_partner = hq_client.get(url, {"partner": portfolio["own_partner"].pk})
    assert {h.jv for h in by_partner.context["holdings"]} == {portfolio["own"]}
    both = hq_client.get(url, {"member": second_member.pk, "partner": portfolio["own_partner"].pk})
    assert both.context["holdings"] == []
    assert "No stakes recorded for this choice." in both.content.decode()
    # A menu offers member companies in one, partners in the other.
    form = by_member.context["filter"].form
    assert list(form.fields["member"].queryset) == [portfolio["group"], second_member]
    assert set(form.fields["partner"].queryset) == {portfolio["own_partner"], portfolio["other_partner"]}


def test_a_party_that_is_no_choice_is_an_error_on_the_field(portfolio, hq_client):
    response = hq_client.get(reverse("portfolio:ownership"), {"member": portfolio["own_partner"].pk})
    assert response.status_code == 200
    assert "member" in response.context["filter"].form.errors
    assert 'data-testid="filter-errors"' in response.content.decode()
    # Nothing narrowed: the whole chart still shows.
    assert len(response.context["holdings"]) == 4


def test_the_live_filter_answers_with_the_results_only(portfolio, hq_client):
    response = hq_client.get(
        reverse("portfolio:ownership"), {"partner": portfolio["other_partner"].pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<svg" in html and "<html" not in html
    assert str(portfolio["own"]) not in html


def test_a_party_holding_no_stake_is_no_choice(portfolio, hq_client):
    idle = f.PartyFactory(name="闲置公司", kind="group")
    form = hq_client.get(reverse("portfolio:ownership")).context["filter"].form
    assert idle not in form.fields["member"].queryset


def test_who_reads_the_ownership_chart(portfolio, leader, client_as):
    url = reverse("portfolio:ownership")
    assert client_as(leader).get(url).status_code == 200
    assert client_as(portfolio["rep"]).get(url).status_code == 403
    assert client_as(None).get(url).status_code == 302


def test_the_ownership_chart_in_chinese(portfolio, hq, client):
    client.force_login(hq)
    response = client.get(reverse("portfolio:ownership"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    svg = _svg(response)
    assert "集团公司" in svg and "本方合资公司" in svg and "Own Venture" not in svg


def test_the_ownership_query_budget(portfolio, hq_client, django_assert_max_num_queries):
    # The user with their roles, the bell: 2. The two menus, the stakes with JV and party: 3. One of
    # slack: 8. More JVs and stakes add rows, not queries.
    with django_assert_max_num_queries(6) as before:
        hq_client.get(reverse("portfolio:ownership"))
    for _n in range(3):
        venture = f.JointVentureFactory()
        f.ShareholdingFactory(jv=venture, party=portfolio["group"], percentage=50)
        f.ShareholdingFactory(jv=venture, party=f.PartyFactory(), percentage=50)
    with django_assert_max_num_queries(len(before)):
        assert len(hq_client.get(reverse("portfolio:ownership")).context["holdings"]) == 10
