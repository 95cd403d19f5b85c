"""The research pages as people use them: the year's overview and its export, a research's page
for HQ and for a representative, the data return form, the panels on the JV page and the home page."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from research import services
from research.choices import ResearchStatus, ReturnStatus
from research.models import AnnualResearch, DataReturn
from tests import factories as f
from tests.downloads import body
from tests.helpers import form_data, rendered_form_data
from tests.research.builders import HIDDEN_RESEARCH, INTERNAL_OWN, research_world


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def made(portfolio):
    return research_world(portfolio)


def _url(name, *args):
    return reverse(f"research:{name}", args=args)


# --- The year's overview --------------------------------------------------------------------------


def test_the_overview_shows_one_year_the_latest_by_default(made, hq, client_as):
    client = client_as(hq)
    page = client.get(_url("research_list"))
    year = timezone.localdate().year
    assert page.context["year"] == year
    assert {r.pk for r in page.context["object_list"]} == {made["own"].pk, made["other"].pk}
    last = client.get(_url("research_list"), {"year": year - 1})
    assert {r.pk for r in last.context["object_list"]} == {
        made["own_submitted"].pk,
        made["other_submitted"].pk,
    }
    assert page.context["figures"]["total"] == 2


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({"status": ResearchStatus.IN_PROGRESS}, {"own", "other"}),
        ({"status": ResearchStatus.ACCEPTED}, set()),
        ({"data_return": "awaited"}, {"own", "other"}),
        ({"data_return": "received"}, set()),
        ({"q": "本方"}, {"own"}),
    ],
)
def test_the_overview_filters(made, hq, client_as, query, keys):
    rows = client_as(hq).get(_url("research_list"), query).context["object_list"]
    assert {r.pk for r in rows} == {made[k].pk for k in keys}


def test_a_late_data_return_is_marked_and_filtered(made, hq, client_as):
    DataReturn.objects.filter(research=made["own"]).update(
        due_date=timezone.localdate().replace(day=1, month=1)
    )
    client = client_as(hq)
    rows = client.get(_url("research_list"), {"data_return": "late"}).context["object_list"]
    assert [r.pk for r in rows] == [made["own"].pk]
    assert client.get(_url("research_list")).context["figures"]["returns_late"] == 1


def test_the_overview_makes_the_same_queries_for_two_jvs_or_ten(
    made, hq, client_as, django_assert_max_num_queries
):
    client = client_as(hq)
    year = timezone.localdate().year
    # The user with their roles, notifications badge, the filter's dropdowns (years, departments,
    # leads), the count, the page of rows with their JV, department, lead and data return, the
    # completion figures: a fixed number whatever the rows.
    with django_assert_max_num_queries(10):
        client.get(_url("research_list"))
    for _ in range(8):
        services.research_open(jv=f.JointVentureFactory(), year=year, actor=hq)
    with django_assert_max_num_queries(10):
        page = client.get(_url("research_list"))
    assert len(page.context["object_list"]) == 10


def test_the_representative_sees_their_jvs_research_only(made, rep, client_as):
    rows = client_as(rep).get(_url("research_list")).context["object_list"]
    assert [r.pk for r in rows] == [made["own"].pk]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_export_follows_the_filters_and_the_readers_language(made, hq, client_as, language):
    hq.language = language
    hq.save(update_fields=["language"])
    client = client_as(hq)
    response = client.get(_url("research_list_export", "csv"), {"q": "本方"})
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert rows[0][0] == ("Joint venture" if language == "en" else "合资企业")
    assert [r[0] for r in rows[1:]] == [
        str(made["own"].jv.name_en if language == "en" else made["own"].jv.name)
    ]
    xlsx = client.get(_url("research_list_export", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(body(xlsx))).active
    assert sheet.max_row == 3
    assert client.get(_url("research_list_export", "pdf")).status_code == 404


def test_the_export_neutralises_formulas(made, hq, client_as):
    made["own"].jv.__class__.objects.filter(pk=made["own"].jv_id).update(name_en="=HYPERLINK(1)")
    hq.language = "en"
    hq.save(update_fields=["language"])
    response = client_as(hq).get(_url("research_list_export", "csv"))
    assert "'=HYPERLINK(1)" in body(response).decode("utf-8-sig")


# --- One research's page ----------------------------------------------------------------------------


def test_hq_reads_everything_on_the_research_page(made, hq, client_as, django_assert_max_num_queries):
    client = client_as(hq)
    with django_assert_max_num_queries(28):
        page = client.get(made["own"].get_absolute_url())
    content = page.content.decode()
    for text in INTERNAL_OWN:
        assert text in content
    assert "本方愿望 Own Wish" in content


def test_the_representative_never_reads_hqs_writing(made, rep, client_as):
    page = client_as(rep).get(made["own"].get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    for text in [*INTERNAL_OWN, *HIDDEN_RESEARCH, "本方问题 Own Problems"]:
        assert text not in content, text
    assert "本方愿望 Own Wish" in content  # their own wish
    assert "recommendations" not in page.context
    assert client_as(rep).get(made["other"].get_absolute_url()).status_code == 404


def test_a_shared_summary_reaches_the_representative(made, hq, rep, client_as):
    research = AnnualResearch.objects.get(pk=made["own"].pk)
    services.research_share_summary(
        research=research, actor=hq, summary="给合资企业的摘要", expected_version=research.version
    )
    content = client_as(rep).get(research.get_absolute_url()).content.decode()
    assert "给合资企业的摘要" in content
    assert INTERNAL_OWN[0] not in content


def test_the_pages_buttons_follow_the_workflow(made, hq, leader, rep, client_as):
    hq_page = client_as(hq).get(made["own"].get_absolute_url())
    assert set(hq_page.context["research_actions"]) == {"edit", "submit", "share"}
    assert client_as(leader).get(made["own"].get_absolute_url()).context["research_actions"] == []
    assert client_as(rep).get(made["own"].get_absolute_url()).context["return_actions"] == ["edit", "submit"]


def test_hq_edits_the_plan_as_a_browser_posts_it(made, hq, client_as):
    client = client_as(hq)
    url = _url("research_update", made["own"].pk)
    data = rendered_form_data(client, url, scope="市场、政策、研发")
    response = client.post(url, data)
    assert response.status_code == 302
    research = AnnualResearch.objects.get(pk=made["own"].pk)
    assert research.scope == "市场、政策、研发"
    assert research.findings == INTERNAL_OWN[0]


def test_the_whole_move_through_the_pages(made, hq, leader, client_as):
    client = client_as(hq)
    url = _url("research_transition", made["own"].pk, "submit")
    response = client.post(url, rendered_form_data(client, url))
    assert (response.status_code, response.url) == (302, made["own"].get_absolute_url())
    leader_client = client_as(leader)
    url = _url("research_transition", made["own"].pk, "accept")
    response = leader_client.post(url, rendered_form_data(leader_client, url, comment="同意"))
    assert response.status_code == 302
    assert AnnualResearch.objects.get(pk=made["own"].pk).status == ResearchStatus.ACCEPTED
    # A stale link to a move already made leads back to the research with a reason.
    response = leader_client.get(url)
    assert (response.status_code, response.url) == (302, made["own"].get_absolute_url())
    assert client_as(hq).get(_url("research_transition", made["own"].pk, "fly")).status_code == 404


# --- The data return form -------------------------------------------------------------------------


def test_the_representative_fills_the_return_with_wishes_as_a_browser_posts_it(made, rep, client_as):
    client = client_as(rep)
    url = _url("return_update", made["own"].pk)
    page = client.get(url)
    data = form_data(page.context["form"])
    wishes = page.context["wishes"]
    data.update({k: v for form in wishes for k, v in form_data(form).items()})
    data.update(
        {
            f"wishes-{k}": v
            for k, v in {
                "TOTAL_FORMS": str(wishes.total_form_count()),
                "INITIAL_FORMS": str(wishes.initial_form_count()),
                "MIN_NUM_FORMS": "0",
                "MAX_NUM_FORMS": "30",
            }.items()
        }
    )
    data.update(
        {"revenue": "1234", "plans": "扩大产能", "wishes-1-title": "人才支持", "wishes-1-category": "talent"}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    data_return = DataReturn.objects.get(research=made["own"])
    assert (str(data_return.revenue), data_return.plans) == ("1234.00", "扩大产能")
    assert sorted(data_return.wishes.values_list("title", flat=True)) == ["人才支持", "本方愿望 Own Wish"]
    # A wish row with details and no title says so on the field.
    data.update({"wishes-2-description": "细节", "wishes-2-title": ""})
    page = client.get(url)
    data["version"] = str(data_return.version)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "title" in response.context["wishes"].forms[2].errors


def test_submitting_an_incomplete_return_says_which_figures(made, rep, client_as):
    client = client_as(rep)
    url = _url("return_submit", made["own"].pk)
    response = client.post(url, rendered_form_data(client, url))
    assert response.status_code == 200
    assert "Fill in this figure" in response.content.decode() or response.context["form"].errors
    assert DataReturn.objects.get(research=made["own"]).status == ReturnStatus.DRAFT


def test_a_wish_is_raised_from_the_page(made, rep, client_as):
    client = client_as(rep)
    url = _url("wish_demand", made["own"].pk, made["own_wish"].pk)
    response = client.post(url, rendered_form_data(client, url, priority="high"))
    wish = made["own_wish"].__class__.objects.get(pk=made["own_wish"].pk)
    assert wish.demand is not None
    assert (response.status_code, response.url) == (302, wish.demand.get_absolute_url())
    assert client.get(url).status_code == 302  # raised already: back to the research


# --- The JV page and the home page -----------------------------------------------------------------


def test_the_jv_page_shows_its_research_by_year(made, hq, rep, client_as):
    page = client_as(hq).get(made["own"].jv.get_absolute_url())
    [panel] = [p for p in page.context["panels"] if p["template"] == "research/includes/venture_panel.html"]
    assert [r.pk for r in panel["rows"]] == [made["own"].pk, made["own_submitted"].pk]
    assert INTERNAL_OWN[0] in page.content.decode()
    rep_page = client_as(rep).get(made["own"].jv.get_absolute_url()).content.decode()
    assert INTERNAL_OWN[0] not in rep_page


def test_the_homes_show_the_campaign_and_what_the_representative_owes(made, hq, rep, client_as):
    hq_panels = client_as(hq).get(reverse("home")).context["panels"]
    [campaign] = [p for p in hq_panels if p["template"] == "research/includes/home_panel.html"]
    assert campaign["figures"]["total"] == 2
    rep_panels = client_as(rep).get(reverse("home")).context["panels"]
    [owed] = [p for p in rep_panels if p["template"] == "research/includes/home_owed_panel.html"]
    assert [d.research_id for d in owed["owed"]] == [made["own"].pk]


def test_each_home_figure_is_the_count_of_the_list_it_links_to(made, hq, client_as):
    client = client_as(hq)
    panel = next(
        p
        for p in client.get(reverse("home")).context["panels"]
        if p["template"] == "research/includes/home_panel.html"
    )
    year = panel["year"]
    for figure, query in (
        ("accepted", {"status": "accepted"}),
        ("submitted", {"status": "submitted"}),
        ("returns_received", {"data_return": "received"}),
        ("returns_late", {"data_return": "late"}),
    ):
        listed = client.get(_url("research_list"), {"year": year, **query}).context["paginator"].count
        assert panel["figures"][figure] == listed, figure


def test_opening_by_hand_through_the_page(portfolio, hq, client_as):
    client = client_as(hq)
    response = client.post(_url("research_open"), {"jv": portfolio["other"].pk, "year": "2030"})
    research = AnnualResearch.objects.get(jv=portfolio["other"], year=2030)
    assert (response.status_code, response.url) == (302, research.get_absolute_url())
    again = client.post(_url("research_open"), {"jv": portfolio["other"].pk, "year": "2030"})
    assert again.status_code == 200
    assert "year" in again.context["form"].errors
    assert Notification.objects.filter(kind="research.return_requested").count() >= 1
