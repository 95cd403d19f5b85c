"""The search box (core/search.py and each app's search.py): scope, ranking, Chinese substrings,
the empty states, the query budget and the plain form."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import search
from core.roles import Role
from demands.models import Demand, DemandUpdate
from demands.search import reference_pk
from tests import factories as f
from tests.downloads import body
from tests.research.builders import INTERNAL_OWN, research_world

SEARCH = reverse("search")


def _found(user, text) -> dict[str, list[str]]:
    """What ``user`` finds for ``text``: kind -> titles (in Chinese), best first."""
    with translation.override("zh-hans"):
        return {group.code: [hit.title for hit in group.hits] for group in search.search(user, text).groups}


def _demands(portfolio) -> dict:
    own = f.make_demand(
        portfolio["own"],
        portfolio["rep"],
        title="本方需求：市场拓展",
        description="希望集团协调住建部门，支持加装电梯项目。",
    )
    other = f.make_demand(
        portfolio["other"],
        portfolio["other_rep"],
        title="他方需求 Hidden Demand",
        description="他方的说明，Hidden text。",
    )
    return {"own": own, "other": other}


def test_every_kind_has_a_provider_in_page_order():
    assert [each.code for each in search.providers()] == [
        "ventures",
        "parties",
        "representatives",
        "demands",
        "meetings",
        "engagements",
        "reports",
        "research",
    ]


def test_registering_a_kind_twice_keeps_one():
    first = search.provider("demands")
    search.register(type(first)())
    assert search.provider("demands") is first
    assert len(search.providers()) == 8


# --- Scope ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "他方",
        "Hidden",
        "hidden venture",
        "他方外方",
        "OTHER_USCC",
        "OTHER_REFERENCE",
        "OTHER_PK",
        "other_rep",
    ],
)
def test_a_representative_never_finds_another_ventures_anything(query, portfolio, hq):
    demands = _demands(portfolio)
    text = {
        "OTHER_USCC": portfolio["other"].uscc,
        "OTHER_REFERENCE": demands["other"].reference,
        # Zero-padded as people quote ids: a one-digit id (a fresh SQLite database) is below the
        # search's minimum length, and "02" names demand 2 all the same.
        "OTHER_PK": str(demands["other"].pk).zfill(2),
    }.get(query, query)
    if query == "other_rep":
        text = portfolio["other_rep_profile"].name
    assert _found(portfolio["rep"], text) == {}
    # The control: HQ finds something with the same text, so the text is not the reason.
    assert _found(hq, text) != {}


def test_a_representative_finds_their_own_ventures_records(portfolio):
    demands = _demands(portfolio)
    rep = portfolio["rep"]
    assert _found(rep, "本方") == {
        "ventures": ["本方合资公司"],
        "parties": ["本方外方"],
        "demands": ["本方需求：市场拓展"],
    }
    assert _found(rep, demands["own"].reference) == {"demands": ["本方需求：市场拓展"]}
    assert _found(rep, portfolio["own"].uscc.lower())["ventures"] == ["本方合资公司"]


def test_the_shared_group_company_is_found_but_lists_only_the_reps_venture(portfolio, client_as):
    client = client_as(portfolio["rep"])
    response = client.get(SEARCH, {"q": "集团公司"})
    groups = {group.code: [hit.url for hit in group.hits] for group in response.context["results"].groups}
    # The group company, and the one JV of the rep's where it holds shares (by its partner's name).
    assert groups == {
        "parties": [portfolio["group"].get_absolute_url()],
        "ventures": [portfolio["own"].get_absolute_url()],
    }
    content = body(response).decode()
    assert "他方合资公司" not in content and "Hidden Venture" not in content


def test_internal_research_text_is_searched_for_hq_only(portfolio, hq):
    research_world(portfolio)
    internal_word = INTERNAL_OWN[0].split()[0]  # "本方内部发现"
    assert "research" not in _found(portfolio["rep"], internal_word)
    assert _found(hq, internal_word)["research"]


def test_timeline_comments_are_not_searched(portfolio, hq):
    """An internal comment is HQ's; the search reads what the demand's page shows everyone."""
    demand = _demands(portfolio)["own"]
    DemandUpdate.objects.create(demand=demand, kind="comment", visibility="internal", text="内部批注甲乙丙")
    assert _found(portfolio["rep"], "内部批注甲乙丙") == {}
    assert _found(hq, "内部批注甲乙丙") == {}


def test_a_user_without_a_role_finds_nothing(portfolio):
    _demands(portfolio)
    assert _found(f.make_user(None, username="nobody"), "合资公司") == {}


# --- Ranking --------------------------------------------------------------------------------------


def test_exact_reference_then_title_prefix_then_title_then_text(portfolio, hq):
    jv, rep = portfolio["own"], portfolio["rep"]
    target = f.make_demand(jv, rep, title="目标需求", description="说明")
    ref = target.reference
    f.make_demand(jv, rep, title="另一项", description=f"补充说明见{ref}号需求")
    f.make_demand(jv, rep, title=f"关于{ref}的补充", description="说明")
    f.make_demand(jv, rep, title=f"{ref}的后续", description="说明")
    assert _found(hq, ref)["demands"] == ["目标需求", f"{ref}的后续", f"关于{ref}的补充", "另一项"]
    ranks = [hit.rank for hit in search.search(hq, ref).groups[0].hits]
    assert ranks == [search.CODE, search.NAME_PREFIX, search.NAME, search.TEXT]


def test_a_ventures_exact_code_comes_before_names(portfolio, hq):
    code = portfolio["other"].uscc
    named = f.JointVentureFactory(name=f"名称含{code[:6]}的公司", name_en="")
    assert _found(hq, code)["ventures"][0] == "他方合资公司"
    assert _found(hq, code[:6])["ventures"][0] == named.name  # a name beats a partial code


def test_reference_forms():
    assert [reference_pk(t) for t in ["D-00042", "d-42", "D42", "42", "D-", "二", "²", "D-0"]] == [
        42,
        42,
        42,
        42,
        None,
        None,
        None,
        None,
    ]


# --- Chinese and Latin text -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["住建", "协调住建部门", "加装电梯项目", "电梯"])
def test_chinese_substrings_are_found_without_spaces(text, portfolio, hq):
    _demands(portfolio)
    assert _found(hq, text)["demands"] == ["本方需求：市场拓展"]


def test_latin_words_are_found_whatever_their_case(portfolio, hq):
    assert _found(hq, "own venture")["ventures"] == ["本方合资公司"]
    assert _found(hq, "OWN PARTNER")["parties"] == ["本方外方"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
@pytest.mark.parametrize("text", ["加装电梯", "siemens", "D-00001"])
def test_the_trigram_indexes_serve_three_characters_or_more(text, portfolio, hq):
    """With the other plans priced out (the test table is tiny), the demands' match reads the GIN
    trigram indexes. Two characters have no trigram to look up: the planner could only read the
    whole index, and picks a sequential scan (`make bench` prints the plans at 100,000 demands)."""
    _demands(portfolio)
    queryset = Demand.objects.filter(search.provider("demands").match(text, hq).condition(text))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert "demands_demand_title_trgm" in plan and "demands_demand_description_trgm" in plan, plan


# --- The page -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "testid"),
    [("", "search-empty"), ("   ", "search-empty"), ("电", "search-too-short"), ("zzzz", "search-none")],
)
def test_empty_and_too_short_queries_say_what_to_do(query, testid, portfolio, hq, client_as):
    response = client_as(hq).get(SEARCH, {"q": query})
    assert response.status_code == 200
    content = body(response).decode()
    assert f'data-testid="{testid}"' in content
    assert 'data-testid="search-hit"' not in content


def test_the_page_groups_hits_by_kind_with_links_and_context(portfolio, hq, client_as):
    demands = _demands(portfolio)
    hq.language = "en"
    hq.save(update_fields=["language"])
    content = body(client_as(hq).get(SEARCH, {"q": "本方"})).decode()
    for code in ("ventures", "parties", "demands"):
        assert f'data-testid="search-group-{code}"' in content
    assert f'href="{demands["own"].get_absolute_url()}"' in content
    assert demands["own"].reference in content
    assert f'href="{portfolio["own"].get_absolute_url()}"' in content
    assert "Own Venture Co., Ltd." in content


def test_see_all_opens_the_list_with_what_the_search_counted(portfolio, hq, client_as):
    jv, rep = portfolio["own"], portfolio["rep"]
    for i in range(search.PER_KIND + 2):
        f.make_demand(jv, rep, title=f"轴承国产化{i}", description="说明")
    client = client_as(hq)
    results = client.get(SEARCH, {"q": "轴承"}).context["results"]
    (group,) = results.groups
    assert len(group.hits) == search.PER_KIND and group.more
    assert group.see_all_url == reverse("demands:demand_list") + "?q=%E8%BD%B4%E6%89%BF"
    listed = client.get(group.see_all_url).context["paginator"].count
    assert listed == Demand.objects.filter(title__contains="轴承").count()


def test_fewer_hits_than_the_cap_have_no_see_all(portfolio, hq):
    _demands(portfolio)
    (group,) = [g for g in search.search(hq, "市场拓展").groups if g.code == "demands"]
    assert not group.more and group.see_all_url is None


def _queries(client, text) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["hq", "rep"])
def test_the_page_makes_a_fixed_number_of_queries(
    role, portfolio, hq, client_as, django_assert_max_num_queries
):
    user = hq if role == "hq" else portfolio["rep"]
    client = client_as(user)
    jv, rep = portfolio["own"], portfolio["rep"]
    f.make_demand(jv, rep, title="轴承一", description="说明")
    few = _queries(client, "轴承")
    for i in range(20):
        f.make_demand(jv, rep, title=f"轴承{i}", description="说明")
        f.JointVentureFactory(name=f"轴承合资{i}")
    research_world(portfolio)
    many = _queries(client, "轴承")
    assert few == many
    # 10: the user with their roles (the session is read from the cache); one query per kind of record (eight: JVs, shareholders,
    # representatives, demands, meetings, engagements, reports, research), each its best hits plus one to know
    # whether there are more, scope and related names joined; the top bar's unread count.
    with django_assert_max_num_queries(10):
        client.get(SEARCH, {"q": "轴承"})


def test_a_too_short_query_asks_the_database_nothing_more(portfolio, hq, client_as):
    client = client_as(hq)
    assert _queries(client, "轴") == _queries(client, "")


def test_the_top_bar_box_is_a_plain_get_form_on_every_page(portfolio, hq, client_as):
    """Enter in the box submits to the results page: no JavaScript needed."""
    content = body(client_as(hq).get(reverse("ventures:venture_list"))).decode()
    form = re.search(r'<form class="portal-search"[^>]*>', content).group(0)
    assert f'action="{SEARCH}"' in form and 'method="get"' in form
    assert 'name="q"' in content.split('data-testid="top-search"', 1)[1].split("</form>", 1)[0]


def test_the_top_bar_box_is_not_offered_to_anonymous_visitors(client):
    assert 'data-testid="top-search"' not in body(client.get(reverse("login"))).decode()


def test_htmx_gets_the_results_alone(portfolio, hq, client_as):
    _demands(portfolio)
    client = client_as(hq)
    partial = client.get(SEARCH, {"q": "本方"}, headers={"HX-Request": "true"})
    content = body(partial).decode()
    assert "<html" not in content and 'data-testid="search-hit"' in content
    assert "HX-Request" in partial["Vary"]
    full = client.get(SEARCH, {"q": "本方"})
    assert "<html" in body(full).decode()


def test_the_page_keeps_the_query_in_both_boxes_escaped(portfolio, hq, client_as):
    content = body(client_as(hq).get(SEARCH, {"q": '<b>"x"</b>'})).decode()
    assert "<b>" not in content
    assert content.count('value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"') == 2


def test_the_page_needs_a_login(client):
    response = client.get(SEARCH, {"q": "合资"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_results_read_in_the_users_language(portfolio, hq, client_as):
    client = client_as(hq)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            word = str(search.provider("ventures").label)
        assert (word == "Joint ventures") == (language == "en")
        hq.language = language
        hq.save(update_fields=["language"])
        content = body(client.get(SEARCH, {"q": "本方"})).decode()
        assert re.search(rf'id="search-ventures">{word}<', content), language


def test_leadership_finds_both_ventures(portfolio, client_as):
    leader = f.make_user(Role.LEADERSHIP, username="search_leader")
    assert _found(leader, "合资公司")["ventures"] == ["他方合资公司", "本方合资公司"]


def test_the_context_is_the_few_words_around_the_match():
    body = "本期合资公司生产经营总体平稳。股权代表出席了本期全部董事会会议，按集团表决指示行使表决权，并就重大事项及时报告。"
    words = search.excerpt(body, "表决指示")
    assert "表决指示" in words and words.startswith("…")
    assert len(words) < len(body) - 10
    assert search.excerpt("短文本", "短") == "短文本"
    assert search.excerpt("", "x") == ""


def test_a_hit_found_through_a_related_row_says_which(portfolio, hq):
    """A JV found by its partner's name names the partner; the hit's context is in the page's language."""
    with translation.override("en"):
        (hit,) = search.provider("ventures").find(hq, "Own Partner", 5)[0]
    assert hit.title == "Own Venture Co., Ltd."
    assert hit.context == "Shareholder: Own Partner GmbH"
    assert (hit.aside, hit.aside_lang) == ("本方合资公司", "zh-hans")
