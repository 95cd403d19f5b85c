"""The search box finds engagements by title, place and summary, never by HQ's internal notes, and
a representative only those of their JVs."""

import pytest
from django.urls import reverse

from tests.engagements.builders import HIDDEN_ENGAGEMENT, engagement_world


def _found(client, text) -> list[str]:
    response = client.get(reverse("search"), {"q": text})
    assert response.status_code == 200
    groups = {group.code: group.hits for group in response.context["results"].groups}
    return [hit.title for hit in groups.get("engagements", [])]


@pytest.fixture
def made(portfolio):
    return engagement_world(portfolio)


def test_hq_finds_engagements_by_title_and_summary(made, client_as):
    client = client_as(made["hq"])
    assert _found(client, "Own Visit") == ["本方访问 Own Visit"]
    assert _found(client, "Own Summary") == ["本方访问 Own Visit"]
    assert _found(client, "Hidden Visit") == [HIDDEN_ENGAGEMENT[1]]


def test_internal_notes_are_never_searched(made, client_as):
    for user in (made["hq"], made["leader"]):
        assert _found(client_as(user), "Own Internal Note") == []
        assert _found(client_as(user), "Symposium Internal Note") == []


def test_a_representative_finds_only_their_jvs_engagements(made, portfolio, client_as):
    client = client_as(portfolio["rep"])
    assert _found(client, "Own Visit") == ["本方访问 Own Visit"]
    assert _found(client, "Hidden Visit") == []
    # The symposium with both JVs is theirs too; its hit names neither JV.
    response = client.get(reverse("search"), {"q": "Symposium"})
    page = response.content.decode()
    assert "座谈会 Symposium" in page
    assert portfolio["other"].name not in page and portfolio["other"].name_en not in page


def test_the_lists_search_finds_what_the_box_finds(made, client_as):
    client = client_as(made["hq"])
    listed = client.get(reverse("engagements:engagement_list"), {"q": "Own Summary"}).context["object_list"]
    assert [e.title for e in listed] == ["本方访问 Own Visit"]
