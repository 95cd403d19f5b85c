"""The demand timeline in pages: newest first, "show earlier" by keyset, in the viewer's scope."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from demands.choices import UpdateKind, Visibility
from demands.models import DemandUpdate
from tests import factories as f

PAGE = 4


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.PORTAL_PAGE_SIZE = PAGE


@pytest.fixture
def demand(portfolio, rep):
    return f.make_demand(portfolio["own"], rep, title="本方需求 Own demand")


def _add_entries(demand, author, n, *, same_moment_in_pairs=True, internal_every=0):
    """``n`` comments after the demand's own entries; two at each moment, so page edges fall
    between entries of one timestamp."""
    start = timezone.now() + datetime.timedelta(minutes=1)
    DemandUpdate.objects.bulk_create(
        DemandUpdate(
            demand=demand,
            kind=UpdateKind.COMMENT,
            author=author,
            text=f"意见 {i}",
            visibility=Visibility.INTERNAL
            if internal_every and i % internal_every == 0
            else Visibility.SHARED,
            created_at=start + datetime.timedelta(seconds=i // 2 if same_moment_in_pairs else i),
        )
        for i in range(n)
    )


def _expected(demand, *, shared_only=False):
    rows = demand.updates.all()
    if shared_only:
        rows = rows.filter(visibility=Visibility.SHARED)
    return list(rows.order_by("-created_at", "-pk").values_list("pk", flat=True))


def _timeline_url(demand, before=None):
    url = reverse("demands:demand_timeline", args=[demand.pk])
    return f"{url}?before={before}" if before is not None else url


def _walk(client, demand, **headers):
    """Every page, first from the demand's page, then by its "show earlier" links."""
    response = client.get(demand.get_absolute_url())
    assert response.status_code == 200
    seen = [e.pk for e in response.context["timeline"]]
    pages = [seen[:]]
    earlier = response.context["timeline_earlier"]
    while earlier:
        html = response.content.decode()
        # The page links to what it will fetch: htmx and the plain link ask the same URL.
        assert f'href="{_timeline_url(demand, earlier)}"' in html
        assert f'hx-get="{_timeline_url(demand, earlier)}"' in html
        response = client.get(_timeline_url(demand, earlier), **headers)
        assert response.status_code == 200
        page = [e.pk for e in response.context["timeline"]]
        pages.append(page)
        seen += page
        earlier = response.context["timeline_earlier"]
    return seen, pages


def test_the_detail_page_shows_the_newest_entries_first(demand, hq, client_as):
    _add_entries(demand, hq, 9)
    response = client_as(hq).get(demand.get_absolute_url())
    entries = response.context["timeline"]
    assert [e.pk for e in entries] == _expected(demand)[:PAGE]
    html = response.content.decode()
    assert html.count('data-testid="timeline-entry"') == PAGE
    assert html.index("意见 8") < html.index("意见 6")
    assert 'data-testid="timeline-earlier"' in html


@pytest.mark.parametrize("htmx", [True, False])
def test_show_earlier_walks_every_entry_once_across_equal_timestamps(htmx, demand, hq, client_as):
    _add_entries(demand, hq, 13)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    seen, pages = _walk(client_as(hq), demand, **headers)
    assert seen == _expected(demand)
    assert all(len(page) == PAGE for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= PAGE


def test_a_short_timeline_has_no_show_earlier(demand, hq, client_as):
    response = client_as(hq).get(demand.get_absolute_url())
    assert len(response.context["timeline"]) == demand.updates.count() <= PAGE
    assert response.context["timeline_earlier"] is None
    assert 'data-testid="timeline-earlier"' not in response.content.decode()


def test_htmx_gets_the_entries_alone_and_a_plain_request_a_page(demand, hq, client_as):
    _add_entries(demand, hq, 9)
    client = client_as(hq)
    anchor = client.get(demand.get_absolute_url()).context["timeline_earlier"]
    partial = client.get(_timeline_url(demand, anchor), HTTP_HX_REQUEST="true")
    page = client.get(_timeline_url(demand, anchor))
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().count('data-testid="timeline-entry"') == PAGE
    assert "<html" in page.content.decode()
    assert 'data-testid="timeline"' in page.content.decode()
    for response in (partial, page):
        assert "HX-Request" in response["Vary"]


def test_a_representative_pages_through_shared_entries_only(demand, hq, rep, client_as):
    _add_entries(demand, hq, 14, internal_every=3)
    seen, _pages = _walk(client_as(rep), demand, HTTP_HX_REQUEST="true")
    assert seen == _expected(demand, shared_only=True)
    assert not DemandUpdate.objects.filter(pk__in=seen, visibility=Visibility.INTERNAL).exists()


def test_the_paging_url_keeps_to_the_viewers_scope(portfolio, demand, hq, rep, client_as):
    other = f.make_demand(portfolio["other"], portfolio["other_rep"], title="他方需求 Hidden")
    _add_entries(other, hq, 6)
    _add_entries(demand, hq, 6, internal_every=2)
    client = client_as(rep)
    other_entry = other.updates.order_by("-pk").first()
    internal = demand.updates.filter(visibility=Visibility.INTERNAL).first()
    # Another JV's demand: 404, with or without a cursor, even one of its own entries.
    assert client.get(_timeline_url(other)).status_code == 404
    assert client.get(_timeline_url(other, other_entry.pk)).status_code == 404
    # The own demand, asked from another demand's entry or an internal one: 404, nothing shown.
    for before in (other_entry.pk, internal.pk, "abc", "9" * 30, "-1"):
        response = client.get(_timeline_url(demand, before), HTTP_HX_REQUEST="true")
        assert response.status_code == 404, before
        assert "意见" not in response.content.decode()
    # HQ reads the internal entry and may page from it.
    assert client_as(hq).get(_timeline_url(demand, internal.pk)).status_code == 200


@pytest.mark.parametrize("n", [3, 60])
def test_a_page_of_earlier_entries_costs_the_same_however_long_the_timeline(
    n, demand, hq, client_as, django_assert_max_num_queries
):
    _add_entries(demand, hq, n)
    client = client_as(hq)
    anchor = demand.updates.order_by("-created_at", "-pk")[1]
    # 6 queries however long the timeline: the user with their roles; the demand (its JV, department,
    # people and SLA policy joined); the cursor's entry; the page of entries (authors joined) and
    # their attachments (one prefetch); the bell's unread count. None of slack.
    with django_assert_max_num_queries(6):
        response = client.get(_timeline_url(demand, anchor.pk), HTTP_HX_REQUEST="true")
    assert len(response.context["timeline"]) == min(PAGE, demand.updates.count() - 2)


def test_the_earlier_page_shows_the_next_entries_below_the_first(demand, hq, client_as):
    """The fetched entries are the ones right after the first page's last: none is skipped."""
    _add_entries(demand, hq, 10)
    client = client_as(hq)
    first = client.get(demand.get_absolute_url())
    nxt = client.get(_timeline_url(demand, first.context["timeline_earlier"]), HTTP_HX_REQUEST="true")
    expected = _expected(demand)
    assert [e.pk for e in nxt.context["timeline"]] == expected[PAGE : 2 * PAGE]
    assert re.search(r'id="timeline-earlier-\d+"', nxt.content.decode())
