"""The filter form refreshes only the results over htmx; column headers sort."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, marker",
    [
        ("/ventures/", 'data-testid="venture-table"'),
        ("/ventures/parties/", 'data-testid="party-table"'),
        ("/representatives/", 'data-testid="representative-table"'),
    ],
)
def test_htmx_request_gets_only_the_results(client, portfolio, hq, url, marker):
    client.force_login(hq)
    full = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full and marker in full
    assert "<html" not in partial and marker in partial
    assert 'data-testid="filter-form"' not in partial


def test_htmx_partial_is_scoped_like_the_page(client, portfolio):
    client.force_login(portfolio["rep"])
    partial = client.get("/ventures/", {"q": "Venture"}, headers={"HX-Request": "true"}).content.decode()
    assert "Own Venture Co., Ltd." in partial
    assert "Hidden Venture Co., Ltd." not in partial


def test_sort_header_orders_by_group_stake_and_toggles(client, hq):
    group = f.PartyFactory(kind="group", country="CN")
    small = f.JointVentureFactory(name="小股比合资", name_en="Small Stake JV")
    large = f.JointVentureFactory(name="大股比合资", name_en="Large Stake JV")
    f.ShareholdingFactory(jv=small, party=group, percentage=10)
    f.ShareholdingFactory(jv=large, party=group, percentage=90)
    client.force_login(hq)
    ascending = client.get("/ventures/", {"ordering": "stake"}).content.decode()
    assert ascending.index("Small Stake JV") < ascending.index("Large Stake JV")
    assert "ordering=-stake" in ascending  # the header now offers the reverse order
    descending = client.get("/ventures/", {"ordering": "-stake"}).content.decode()
    assert descending.index("Large Stake JV") < descending.index("Small Stake JV")


def test_nobody_without_a_role_sees_an_empty_list(client, portfolio):
    client.force_login(f.make_user(None))
    page = client.get("/ventures/").content.decode()
    assert "Own Venture" not in page and "Hidden Venture" not in page
