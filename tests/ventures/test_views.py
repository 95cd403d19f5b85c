"""The registry's pages as HQ uses them: create, edit and remove, with history, lists and budgets."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from tests import factories as f
from tests.helpers import indicators_post_data, label, rendered_form_data, venture_post_data
from ventures import services
from ventures.models import AnnualIndicators, JointVenture, Party, Shareholding

# One query more where the database cannot cut the parts of a UNION ALL (SQLite).
SQLITE_UNION = int(not connection.features.supports_slicing_ordering_in_compound)


def _engagements(venture, n):
    """``n`` held high-level engagements of the JV, a leader attending each (the engagements
    panel's worst case: a timeline, its attendees, the last contact)."""
    import datetime

    from core.roles import Role
    from engagements import defaults
    from engagements import services as engagement_services

    defaults.ensure()
    actor, leader = f.make_user(Role.HQ_STAFF), f.make_user(Role.LEADERSHIP)
    for i in range(n):
        engagement_services.engagement_create(
            actor=actor,
            data={
                "kind": "jv_visit",
                "status": "held",
                "title": f"访问 {i}",
                "starts_on": datetime.date(2026, 1, 1 + i),
            },
            ventures=[venture],
            attendees=[leader],
        )


def _history_changes(response):
    """Each history entry as (who, action, {field label: (old, new)})."""
    return [
        (str(entry.who), entry.action, {c.label: (c.old, c.new) for c in entry.changes})
        for entry in response.context["history"]
    ]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Joint ventures -----------------------------------------------------------------------------


def test_hq_creates_a_venture(hq_client, hq):
    department = f.DepartmentFactory()
    data = venture_post_data(department, name="天津新电缆有限公司", name_en="Tianjin New Cable")
    response = hq_client.post(reverse("ventures:venture_create"), data)
    venture = JointVenture.objects.get(name="天津新电缆有限公司")
    assert response.status_code == 302
    assert response.url == reverse("ventures:venture_detail", args=[venture.pk])
    assert "The joint venture was created." in _messages(response)
    assert venture.uscc == data["uscc"]
    assert venture.registered_capital == Decimal("5000000.00")
    assert venture.department == department
    assert venture.reserved_matters == ["budget", "capital_change"]
    assert venture.version == 1
    record = venture.history.get()
    assert (record.history_type, record.history_user) == ("+", hq)


def test_hq_edits_a_venture_and_the_page_says_who_changed_what(hq_client, hq, portfolio):
    venture = portfolio["own"]
    url = reverse("ventures:venture_update", args=[venture.pk])
    data = rendered_form_data(hq_client, url, name_en="Renamed Venture Co.", status="liquidating")
    response = hq_client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("ventures:venture_detail", args=[venture.pk])
    venture.refresh_from_db()
    assert (venture.name_en, venture.status, venture.version) == ("Renamed Venture Co.", "liquidating", 2)

    page = hq_client.get(response.url)
    who, action, changes = _history_changes(page)[0]
    assert (who, action) == ("hq", "~")
    # Only the two fields that changed, with their old and new values as people read them.
    assert changes == {
        label(JointVenture, "name_en"): ("Own Venture Co., Ltd.", "Renamed Venture Co."),
        label(JointVenture, "status"): ("Operating", "Liquidating"),
    }
    content = page.content.decode()
    assert "<del>Own Venture Co., Ltd.</del> → Renamed Venture Co." in content
    assert "<del>Operating</del> → Liquidating" in content


def test_saving_an_unchanged_form_neither_records_nor_blocks_anything(hq_client, client, portfolio):
    venture = portfolio["own"]
    url = reverse("ventures:venture_update", args=[venture.pk])
    colleague = f.make_user("hq_staff", username="colleague")
    client.force_login(colleague)
    colleague_data = rendered_form_data(client, url, notes="the colleague's note")
    assert hq_client.post(url, rendered_form_data(hq_client, url)).status_code == 302
    # Nothing changed, so the history has only the creation and the colleague may still save.
    assert venture.history.count() == 1
    response = client.post(url, colleague_data)
    assert response.status_code == 302, response.context["form"].errors


def test_the_detail_page_shows_the_group_total_stake(hq_client):
    venture = f.JointVentureFactory()
    f.ShareholdingFactory(jv=venture, party=f.PartyFactory(kind="group"), percentage=Decimal("30"))
    f.ShareholdingFactory(jv=venture, party=f.PartyFactory(kind="group"), percentage=Decimal("15"))
    f.ShareholdingFactory(jv=venture, percentage=Decimal("50"))
    page = hq_client.get(reverse("ventures:venture_detail", args=[venture.pk]))
    assert page.context["group_stake"] == Decimal("45")
    assert page.context["total_stake"] == Decimal("95")
    content = page.content.decode()
    assert '<span data-testid="group-stake">45%</span>' in content
    assert "5% not recorded" in content


# --- Shareholdings ------------------------------------------------------------------------------


@pytest.fixture
def venture(db):
    jv = f.JointVentureFactory(name="股权合资公司", name_en="Equity Venture")
    f.ShareholdingFactory(
        jv=jv, party=f.PartyFactory(name="集团", name_en="Group", kind="group"), percentage=40
    )
    return jv


def test_hq_adds_edits_and_removes_a_shareholding(hq_client, hq, venture):
    partner = f.PartyFactory(name="外方", name_en="Partner AG")
    detail = reverse("ventures:venture_detail", args=[venture.pk])

    response = hq_client.post(
        reverse("ventures:shareholding_create", args=[venture.pk]),
        {"party": partner.pk, "percentage": "55", "subscribed_capital": "550000", "notes": "initial"},
    )
    assert (response.status_code, response.url) == (302, detail)
    holding = venture.shareholdings.get(party=partner)
    assert (holding.percentage, holding.subscribed_capital) == (Decimal("55"), Decimal("550000"))

    url = reverse("ventures:shareholding_update", args=[venture.pk, holding.pk])
    response = hq_client.post(url, rendered_form_data(hq_client, url, percentage="60"))
    assert (response.status_code, response.url) == (302, detail)
    holding.refresh_from_db()
    assert (holding.percentage, holding.version) == (Decimal("60"), 2)
    who, _action, changes = _history_changes(hq_client.get(detail))[0]
    assert who == "hq"
    assert changes == {label(Shareholding, "percentage"): ("55.000", "60.000")}

    url = reverse("ventures:shareholding_delete", args=[venture.pk, holding.pk])
    confirmation = hq_client.get(url)
    assert confirmation.status_code == 200
    assert "Remove Partner AG's 60% stake from Equity Venture?" in confirmation.content.decode()
    assert venture.shareholdings.filter(pk=holding.pk).exists()
    response = hq_client.post(url)
    assert (response.status_code, response.url) == (302, detail)
    assert not Shareholding.objects.filter(pk=holding.pk).exists()
    assert "The shareholding was removed." in _messages(response)
    record = Shareholding.history.filter(id=holding.pk).latest("history_date")
    assert (record.history_type, record.history_user) == ("-", hq)
    entries = _history_changes(hq_client.get(detail))
    assert entries[0][:2] == ("hq", "-")


def test_a_shareholding_is_reached_only_through_its_venture(hq_client, venture, portfolio):
    """A shareholding's id under another JV's URL is not found, even for HQ."""
    elsewhere = portfolio["holdings"]["other_partner"]
    for name in ("ventures:shareholding_update", "ventures:shareholding_delete"):
        assert hq_client.get(reverse(name, args=[venture.pk, elsewhere.pk])).status_code == 404
    assert (
        hq_client.post(reverse("ventures:shareholding_delete", args=[venture.pk, elsewhere.pk])).status_code
        == 404
    )
    assert Shareholding.objects.filter(pk=elsewhere.pk).exists()


def test_the_party_dropdown_lists_every_shareholder_for_hq(hq_client, venture):
    partner = f.PartyFactory()
    form = hq_client.get(reverse("ventures:shareholding_create", args=[venture.pk])).context["form"]
    assert set(form.fields["party"].queryset) == set(Party.objects.all())
    assert partner in form.fields["party"].queryset


# --- Annual indicators --------------------------------------------------------------------------


def test_hq_adds_edits_and_removes_indicators(hq_client, hq, venture):
    detail = reverse("ventures:venture_detail", args=[venture.pk])
    response = hq_client.post(
        reverse("ventures:indicators_create", args=[venture.pk]), indicators_post_data()
    )
    assert (response.status_code, response.url) == (302, detail)
    row = venture.indicators.get(year=2023)
    assert (row.revenue, row.net_profit, row.headcount) == (Decimal("1200.50"), Decimal("-35.20"), 88)

    url = reverse("ventures:indicators_update", args=[venture.pk, row.pk])
    response = hq_client.post(url, rendered_form_data(hq_client, url, revenue="1300"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revenue == Decimal("1300")
    page = hq_client.get(detail)
    assert page.context["indicators"] == [row]
    assert _history_changes(page)[0] == (
        "hq",
        "~",
        {label(AnnualIndicators, "revenue"): ("1200.50", "1300.00")},
    )

    url = reverse("ventures:indicators_delete", args=[venture.pk, row.pk])
    assert hq_client.get(url).status_code == 200
    assert AnnualIndicators.objects.filter(pk=row.pk).exists()
    response = hq_client.post(url)
    assert (response.status_code, response.url) == (302, detail)
    assert not AnnualIndicators.objects.filter(pk=row.pk).exists()
    assert AnnualIndicators.history.filter(id=row.pk, history_type="-").get().history_user == hq


# --- Parties ------------------------------------------------------------------------------------


def test_hq_creates_and_edits_a_party(hq_client, hq):
    response = hq_client.post(
        reverse("ventures:party_create"),
        {"name": "株式会社新光", "name_en": "Shinko KK", "kind": "foreign", "country": "JP", "notes": ""},
    )
    party = Party.objects.get(name="株式会社新光")
    assert (response.status_code, response.url) == (302, reverse("ventures:party_detail", args=[party.pk]))
    assert (party.kind, party.country.code, party.version) == ("foreign", "JP", 1)

    url = reverse("ventures:party_update", args=[party.pk])
    response = hq_client.post(url, rendered_form_data(hq_client, url, country="KR", notes="moved to Seoul"))
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.country.code, party.notes, party.version) == ("KR", "moved to Seoul", 2)
    page = hq_client.get(reverse("ventures:party_detail", args=[party.pk]))
    who, action, changes = _history_changes(page)[0]
    assert (who, action, changes[label(Party, "country")]) == ("hq", "~", ("Japan", "South Korea"))


def test_a_party_name_is_unique(hq_client):
    f.PartyFactory(name="重复股东")
    response = hq_client.post(
        reverse("ventures:party_create"), {"name": "重复股东", "kind": "foreign", "country": "JP"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Party.objects.filter(name="重复股东").count() == 1


# --- The JV list: search, filters, ordering, pagination --------------------------------------------


@pytest.fixture
def listing(db):
    """Three JVs that differ in everything the list can search, filter and sort by."""
    d1 = f.DepartmentFactory(code="d1")
    d2 = f.DepartmentFactory(code="d2")
    group = f.PartyFactory(name="集团", name_en="Group", kind="group", country="CN")
    group2 = f.PartyFactory(name="集团二", name_en="Group Two", kind="group", country="CN")
    lift = f.JointVentureFactory(
        name="3号电梯合资", name_en="Lift Co", status="operating", industry="elevators", department=d1
    )
    cable = f.JointVentureFactory(
        name="1号电缆合资", name_en="Cable Co", status="liquidating", industry="cables", department=d2
    )
    weld = f.JointVentureFactory(
        name="2号焊材合资", name_en="Weld Co", status="preparing", industry="welding", department=d1
    )
    f.ShareholdingFactory(jv=lift, party=group, percentage=40)
    f.ShareholdingFactory(
        jv=lift, party=f.PartyFactory(name="电梯外方", name_en="Lift GmbH", country="DE"), percentage=60
    )
    f.ShareholdingFactory(jv=cable, party=group, percentage=70)
    f.ShareholdingFactory(
        jv=cable, party=f.PartyFactory(name="耐克森", name_en="Nexans SA", country="FR"), percentage=30
    )
    f.ShareholdingFactory(jv=weld, party=group, percentage=10)
    f.ShareholdingFactory(jv=weld, party=group2, percentage=5)
    f.ShareholdingFactory(
        jv=weld, party=f.PartyFactory(name="神钢", name_en="Kobe KK", country="JP"), percentage=85
    )
    return {"lift": lift, "cable": cable, "weld": weld, "d1": d1, "d2": d2}


def _names(client, **query):
    response = client.get(reverse("ventures:venture_list"), query)
    assert response.status_code == 200
    return [v.name_en for v in response.context["object_list"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Cable Co", "Weld Co", "Lift Co"]),  # by name
        ({"q": "电梯"}, ["Lift Co"]),
        ({"q": "cable"}, ["Cable Co"]),
        ({"q": " weld "}, ["Weld Co"]),
        ({"q": "nexans"}, ["Cable Co"]),
        ({"q": "神钢"}, ["Weld Co"]),
        ({"q": "集团"}, ["Cable Co", "Weld Co", "Lift Co"]),
        ({"q": "nothing like this"}, []),
        ({"status": "liquidating"}, ["Cable Co"]),
        ({"industry": "welding"}, ["Weld Co"]),
        ({"partner_country": "DE"}, ["Lift Co"]),
        ({"partner_country": "JP", "status": "preparing"}, ["Weld Co"]),
        ({"partner_country": "JP", "status": "operating"}, []),
        ({"ordering": "stake"}, ["Weld Co", "Lift Co", "Cable Co"]),
        ({"ordering": "-stake"}, ["Cable Co", "Lift Co", "Weld Co"]),
    ],
)
def test_the_venture_list_searches_filters_and_sorts(query, expected, hq_client, listing):
    assert _names(hq_client, **query) == expected


def test_the_venture_list_searches_by_credit_code(hq_client, listing):
    cable = listing["cable"]
    assert _names(hq_client, q=cable.uscc) == ["Cable Co"]
    assert _names(hq_client, q=cable.uscc[9:].lower()) == ["Cable Co"]


def test_the_venture_list_filters_by_department(hq_client, listing):
    assert _names(hq_client, department=listing["d2"].pk) == ["Cable Co"]
    assert _names(hq_client, department=listing["d1"].pk) == ["Weld Co", "Lift Co"]


def test_the_venture_list_shows_the_group_stake_and_partners(hq_client, listing):
    rows = {v.name_en: v for v in hq_client.get(reverse("ventures:venture_list")).context["object_list"]}
    assert rows["Weld Co"].group_stake == Decimal("15")
    assert [h.party.name_en for h in rows["Cable Co"].foreign_holdings] == ["Nexans SA"]


def test_the_venture_list_is_paginated(hq_client, listing, settings):
    settings.PORTAL_PAGE_SIZE = 2
    first = hq_client.get(reverse("ventures:venture_list"))
    assert [v.name_en for v in first.context["object_list"]] == ["Cable Co", "Weld Co"]
    assert first.context["page_obj"].paginator.num_pages == 2
    second = hq_client.get(reverse("ventures:venture_list"), {"page": 2})
    assert [v.name_en for v in second.context["object_list"]] == ["Lift Co"]
    # A filter carries over to the pages: one match, one page.
    filtered = hq_client.get(reverse("ventures:venture_list"), {"status": "operating"})
    assert filtered.context["page_obj"].paginator.num_pages == 1
    assert hq_client.get(reverse("ventures:venture_list"), {"page": 3}).status_code == 404


def test_the_party_list_searches_and_counts_ventures(hq_client, listing):
    response = hq_client.get(reverse("ventures:party_list"), {"q": "group"})
    rows = {p.name_en: p.venture_count for p in response.context["object_list"]}
    assert rows == {"Group": 3, "Group Two": 1}
    kinds = hq_client.get(reverse("ventures:party_list"), {"kind": "foreign"}).context["object_list"]
    assert {p.name_en for p in kinds} == {"Lift GmbH", "Nexans SA", "Kobe KK"}


# --- Query budgets ------------------------------------------------------------------------------


def _ventures(n):
    group = f.PartyFactory(kind="group")
    for _ in range(n):
        venture = f.JointVentureFactory()
        f.ShareholdingFactory(jv=venture, party=group, percentage=40)
        f.ShareholdingFactory(jv=venture, percentage=30)
        f.ShareholdingFactory(jv=venture, percentage=30)
        f.AnnualIndicatorsFactory(jv=venture)


@pytest.mark.parametrize("n", [5, 30])
def test_venture_list_query_budget(n, hq_client, django_assert_max_num_queries):
    _ventures(n)
    # 7 queries however many JVs (30 fills more than one page): the user with their roles (the
    # session is read from the cache); the partner-country choices and the department choices of
    # the filter form; the page count; the page of JVs (department joined, group stake annotated);
    # the foreign partners of the page (one prefetch); the top bar's bell. One of slack.
    with django_assert_max_num_queries(8):
        response = hq_client.get(reverse("ventures:venture_list"))
    assert len(response.context["object_list"]) == min(n, 25)


@pytest.mark.parametrize("n", [5, 30])
def test_venture_list_query_budget_for_a_representative(n, db, client, django_assert_max_num_queries):
    """A representative's scope is a subquery, not a query per JV."""
    group = f.PartyFactory(kind="group")
    ventures = [f.JointVentureFactory() for _ in range(n)]
    for venture in ventures:
        f.ShareholdingFactory(jv=venture, party=group, percentage=40)
        f.ShareholdingFactory(jv=venture, percentage=60)
    client.force_login(f.make_representative_user(*ventures))
    # The same 7 as HQ's, one of slack.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("ventures:venture_list"))
    assert len(response.context["object_list"]) == min(n, 25)


@pytest.mark.parametrize("n", [1, 10])
def test_venture_detail_query_budget(n, hq_client, hq, django_assert_max_num_queries):
    venture = f.JointVentureFactory(liaison=hq)
    for i in range(n):
        f.ShareholdingFactory(jv=venture, percentage=5)
        f.AnnualIndicatorsFactory(jv=venture, year=2000 + i)
        f.AppointmentFactory(jv=venture)
    _engagements(venture, n)
    for i in range(n):
        venture = services.venture_update(
            venture=venture, actor=hq, data={"notes": f"edit {i}"}, expected_version=venture.version
        )
    # 15 queries however many rows, counted one by one (issue 16's budget): the user with their
    # roles (1; the session is read from the cache); the JV with its department and liaison; its
    # shareholdings (parties joined), indicators, appointments in force (representatives joined)
    # (4); the history of the JV, its shareholdings and its indicators, one query each (3) - the
    # names behind the history's foreign keys come from the rows already loaded (the JV, its
    # department, liaison and partners), a query per model only for a name no longer on the page;
    # the top bar's bell (1); the demands panel: its SLA figures in one aggregate and its open
    # demands (2); the meetings panel: the next five and the last five in one UNION ALL (1); the
    # research panel (1); the engagements panel: the timeline with the last high-level contact and
    # the tier's target as subqueries, and its attendees (2; without engagements the timeline and
    # the standing on its own).
    # SQLite cannot cut the parts of a UNION: the meetings panel is two queries there.
    with django_assert_max_num_queries(15 + SQLITE_UNION):
        response = hq_client.get(reverse("ventures:venture_detail", args=[venture.pk]))
    assert len(response.context["shareholdings"]) == n
    assert len(response.context["appointments"]) == n
    assert len(response.context["history"]) == min(1 + n + 2 * n, 30)


@pytest.mark.parametrize("n", [5, 30])
def test_party_list_query_budget(n, hq_client, django_assert_max_num_queries):
    _ventures(n)
    # 3 queries: the user with their roles; the page count; the page of parties with their JV count
    # annotated. One of slack.
    # +1 since the top bar's bell counts unread notifications (one COUNT per page).
    with django_assert_max_num_queries(5):
        response = hq_client.get(reverse("ventures:party_list"))
    assert len(response.context["object_list"]) == min(2 * n + 1, 25)


@pytest.mark.parametrize("n", [1, 10])
def test_party_detail_query_budget(n, hq_client, hq, django_assert_max_num_queries):
    party = f.PartyFactory()
    for _ in range(n):
        f.ShareholdingFactory(party=party, percentage=10)
    for i in range(n):
        party = services.party_update(
            party=party, actor=hq, data={"notes": str(i)}, expected_version=party.version
        )
    # 3 queries: the user with their roles; the party; its holdings (JVs and departments joined);
    # its history. One of slack.
    # +1 since the top bar's bell counts unread notifications (one COUNT per page).
    with django_assert_max_num_queries(6):
        response = hq_client.get(reverse("ventures:party_detail", args=[party.pk]))
    assert len(response.context["holdings"]) == n


def test_home_query_budget(hq_client, client, django_assert_max_num_queries):
    _ventures(10)
    # 13 queries (issue 16's budget is 15), counted one by one: the user with their roles (1; the
    # session is read from the cache); JVs by
    # status; the latest year with its totals (one query: the sums by year, the newest); the cards
    # (HQ: the JVs, no prefetch) (3); the bell's unread count (1); the demands panel's one
    # aggregate (1); HQ's governance panel (representatives): the first proposals of the
    # instruction queue, the queue's two counts in one aggregate, the reports to review and those
    # overdue in one aggregate (3); the annual research panel: the campaign years, the latest
    # year's counts (2); the engagements panel: the contact targets, the JVs past them (2).
    with django_assert_max_num_queries(13):
        response = hq_client.get(reverse("home"))
    assert response.context["summary"]["total"] == 10


@pytest.mark.parametrize("n", [1, 5])
def test_home_query_budget_for_a_representative(n, db, client, django_assert_max_num_queries):
    group = f.PartyFactory(kind="group")
    ventures = [f.JointVentureFactory() for _ in range(n)]
    for venture in ventures:
        f.ShareholdingFactory(jv=venture, party=group, percentage=40)
        f.AnnualIndicatorsFactory(jv=venture)
        f.AppointmentFactory(jv=venture)
    user = f.make_representative_user(*ventures)
    client.force_login(user)
    # 13 queries however many JVs: the user with their roles (1; the session is read from the
    # cache); JVs by status, the latest year with
    # its totals (2); the cards: the JVs, their foreign partners, the user's seats (3); the bell
    # (1); the representative's panel: their seats with their own record joined (no query of its
    # own for the record), the reports they owe, the votes, the meetings ahead (4); the demands
    # panel (1); the research panel's data returns (1).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("home"))
    assert response.context["summary"]["total"] == n
    assert len(response.context["cards"]) == n


@pytest.mark.parametrize("n", [1, 10])
def test_venture_detail_query_budget_for_a_representative(n, db, client, django_assert_max_num_queries):
    venture = f.JointVentureFactory()
    for i in range(n):
        f.ShareholdingFactory(jv=venture, percentage=5)
        f.AnnualIndicatorsFactory(jv=venture, year=2000 + i)
        f.AppointmentFactory(jv=venture)
    _engagements(venture, n)
    client.force_login(f.make_representative_user(venture))
    # HQ's 15 (above): whether they hold a seat here (the meetings and engagements panels ask) and
    # their own record come from the JV's appointments the page lists (membership().note_seats).
    with django_assert_max_num_queries(15 + SQLITE_UNION):
        response = client.get(reverse("ventures:venture_detail", args=[venture.pk]))
    assert len(response.context["shareholdings"]) == n


def test_an_edit_that_comes_back_without_its_version_never_overwrites(hq_client):
    """An old page or a hand-made request carries no version: refused as stale, visibly."""
    from core.services import CONCURRENT_EDIT_MESSAGE

    venture = f.JointVentureFactory(name_en="Before")
    url = reverse("ventures:venture_update", args=[venture.pk])
    data = rendered_form_data(hq_client, url, name_en="After")
    del data["version"]
    response = hq_client.post(url, data)
    assert response.status_code == 200
    assert str(CONCURRENT_EDIT_MESSAGE) in response.content.decode()
    venture.refresh_from_db()
    assert venture.name_en == "Before"
