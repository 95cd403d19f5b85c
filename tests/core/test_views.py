"""ScopedFilterView answers htmx: the results alone for the filter form, the whole page otherwise.

htmx restores a page missing from its history cache with a request that carries both HX-Request
and HX-History-Restore-Request; it swaps the answer in for the whole body, so it must be the page.
"""

import pytest

pytestmark = pytest.mark.django_db

# Every list built on ScopedFilterView, with a marker its results carry.
LISTS = [
    ("/ventures/", 'data-testid="venture-table"'),
    ("/ventures/parties/", 'data-testid="party-table"'),
    ("/representatives/", 'data-testid="representative-table"'),
    ("/representatives/meetings/", "No meeting to show."),
    ("/representatives/reports/", "No report to show."),
    ("/representatives/evaluations/", "No evaluation to show."),
    ("/demands/", 'data-testid="empty"'),
]
HX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def _vary(response) -> set[str]:
    return {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}


def _is_page(html: str) -> bool:
    return "<html" in html and 'data-testid="filter-form"' in html


@pytest.mark.parametrize("url, marker", LISTS)
def test_plain_get_is_the_whole_page(client, portfolio, hq, url, marker):
    client.force_login(hq)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert _is_page(html) and marker in html
    assert {"hx-request", "hx-history-restore-request"} <= _vary(response)


@pytest.mark.parametrize("url, marker", LISTS)
def test_htmx_request_gets_the_results_alone(client, portfolio, hq, url, marker):
    client.force_login(hq)
    response = client.get(url, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert marker in html and not _is_page(html)
    assert "hx-request" in _vary(response)


@pytest.mark.parametrize("url, marker", LISTS)
def test_history_restore_gets_the_whole_page(client, portfolio, hq, url, marker):
    client.force_login(hq)
    response = client.get(url, headers=RESTORE)
    html = response.content.decode()
    assert response.status_code == 200
    assert _is_page(html) and marker in html
    assert {"hx-request", "hx-history-restore-request"} <= _vary(response)


def test_vary_keeps_what_other_layers_add(client, hq):
    """The session middleware varies on Cookie; the view adds to the header, never replaces it."""
    client.force_login(hq)
    vary = _vary(client.get("/ventures/", headers=HX))
    assert {"cookie", "hx-request"} <= vary


def test_anonymous_htmx_request_is_sent_to_log_in(client):
    response = client.get("/ventures/", headers=HX)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
