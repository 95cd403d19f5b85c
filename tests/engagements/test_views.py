"""The engagement pages: recording through the forms, what a representative reads (never HQ's notes
nor another JV's part), forbidden POSTs that change nothing, the calendar, the contact list, the
links to demands and research, and the query budgets."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from demands.models import Demand
from engagements import services
from engagements.models import Commitment, Engagement, EngagementAttachment
from research import services as research_services
from tests import factories as f
from tests.downloads import body
from tests.engagements.builders import HIDDEN_ENGAGEMENT, engagement_world
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in (Engagement, Commitment, EngagementAttachment, Demand)
    } | {"links": list(Engagement.demands.through.objects.values_list("pk", flat=True))}


def test_hq_records_a_visit_through_the_form_and_adds_a_commitment(portfolio, client_as, leader):
    hq = f.make_user(Role.HQ_STAFF)
    client = client_as(hq)
    url = reverse("engagements:engagement_create")
    data = rendered_form_data(
        client,
        url,
        kind="jv_visit",
        status="held",
        title="赵总走访",
        starts_on=timezone.localdate().isoformat(),
        ventures=[str(portfolio["own"].pk)],
        attendees=[str(leader.pk)],
        internal_notes="内部",
        new_people="Anna Weber, CEO",
        new_people_company=str(portfolio["own_partner"].pk),
    )
    response = client.post(url, data)
    engagement = Engagement.objects.get(title="赵总走访")
    assert response.status_code == 302 and response.url == engagement.get_absolute_url()
    assert engagement.high_level and engagement.internal_notes == "内部"
    assert [str(p) for p in engagement.partner_attendees.all()] == ["Anna Weber (CEO)"]
    add = reverse("engagements:commitment_create", args=[engagement.pk])
    data = rendered_form_data(
        client, add, jv=str(portfolio["own"].pk), text="协调用地指标", owner=str(hq.pk), due_date="2030-01-31"
    )
    assert client.post(add, data).status_code == 302
    assert engagement.commitments.get().text == "协调用地指标"


def test_bad_input_is_refused_on_the_field_with_nothing_written(portfolio, client_as, hq):
    client = client_as(hq)
    url = reverse("engagements:engagement_create")
    data = rendered_form_data(
        client, url, kind="jv_visit", title="无JV", starts_on="2026-05-24", ends_on="2026-05-20"
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ventures" in response.context["form"].errors
    assert not Engagement.objects.exists()


def test_the_representative_records_one_for_their_jv_without_internal_fields(portfolio, client_as, rep):
    client = client_as(rep)
    url = reverse("engagements:engagement_create")
    response = client.get(url)
    form = response.context["form"]
    assert "internal_notes" not in form.fields and "research" not in form.fields
    assert list(form.fields["ventures"].queryset) == [portfolio["own"]]
    data = rendered_form_data(
        client,
        url,
        kind="call",
        title="视频沟通",
        starts_on="2026-05-20",
        ventures=[str(portfolio["own"].pk)],
    )
    assert client.post(url, data).status_code == 302
    assert Engagement.objects.get().recorded_by == rep


def test_the_representative_reads_the_symposium_without_notes_or_the_other_jv(portfolio, client_as, rep):
    made = engagement_world(portfolio)
    response = client_as(rep).get(reverse("engagements:engagement_detail", args=[made["symposium"].pk]))
    content = response.content.decode()
    assert "座谈会 Symposium" in content
    assert "本方承诺 Own Commitment @symposium" in content
    for hidden in [*HIDDEN_ENGAGEMENT, "Hidden Venture Co., Ltd.", "Hidden Partner SA"]:
        assert hidden not in content
    # HQ reads all of it.
    content = client_as(made["hq"]).get(made["symposium"].get_absolute_url()).content.decode()
    assert HIDDEN_ENGAGEMENT[3] in content and "Hidden Venture Co., Ltd." in content


def test_exports_leave_out_the_notes_and_other_jvs_for_a_representative(portfolio, client_as, rep):
    made = engagement_world(portfolio)
    url = reverse("engagements:engagement_list_export", args=["csv"])
    text = body(client_as(rep).get(url)).decode("utf-8-sig")
    assert "座谈会 Symposium" in text and "Own Venture Co., Ltd." in text
    for hidden in [*HIDDEN_ENGAGEMENT, "Hidden Venture Co., Ltd.", "HQ-internal notes"]:
        assert hidden not in text
    text = body(client_as(made["hq"]).get(url)).decode("utf-8-sig")
    assert HIDDEN_ENGAGEMENT[0] in text and "Hidden Venture Co., Ltd." in text


@pytest.mark.parametrize("role", ["rep", "leader", "other_rep"])
def test_forbidden_posts_change_nothing(role, portfolio, client_as, request):
    made = engagement_world(portfolio)
    user = portfolio[role] if role in ("rep", "other_rep") else request.getfixturevalue(role)
    client = client_as(user)
    own, commitment = made["own"], made["own_commitment"]
    demand = f.make_demand(portfolio["own"], portfolio["rep"], source="engagement")
    before = _snapshot()
    posts = [
        (reverse("engagements:engagement_update", args=[own.pk]), {"title": "改", "version": own.version}),
        (
            reverse("engagements:engagement_transition", args=[made["own_planned"].pk, "cancel"]),
            {"version": 1},
        ),
        (reverse("engagements:demand_link", args=[own.pk]), {"demand": demand.pk}),
        (reverse("engagements:engagement_file_upload", args=[own.pk]), {"purpose": "other"}),
    ]
    if role != "rep":
        posts += [
            (
                reverse("engagements:commitment_create", args=[own.pk]),
                {"jv": portfolio["own"].pk, "text": "x"},
            ),
            (
                reverse("engagements:commitment_transition", args=[own.pk, commitment.pk, "done"]),
                {"version": commitment.version},
            ),
            (
                reverse("engagements:commitment_demand", args=[own.pk, commitment.pk]),
                {"title": "x", "category": "other", "priority": "normal"},
            ),
        ]
    if role == "rep":
        other = made["symposium_other_commitment"]
        posts += [
            (
                reverse("engagements:commitment_transition", args=[made["symposium"].pk, other.pk, "done"]),
                {"version": 1},
            ),
            (
                reverse("engagements:commitment_demand", args=[made["symposium"].pk, other.pk]),
                {"title": "x", "category": "other", "priority": "normal"},
            ),
        ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (403, 404, 405), (url, response.status_code)
    assert _snapshot() == before


def test_the_representative_updates_their_jvs_commitment_and_turns_it_into_a_demand(
    portfolio, client_as, rep
):
    made = engagement_world(portfolio)
    engagement, commitment = made["symposium"], made["symposium_own_commitment"]
    client = client_as(rep)
    move = reverse("engagements:commitment_transition", args=[engagement.pk, commitment.pk, "start"])
    assert client.post(move, {"version": commitment.version}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"
    url = reverse("engagements:commitment_demand", args=[engagement.pk, commitment.pk])
    response = client.post(
        url, {"title": "协调", "category": "policy", "priority": "normal", "version": commitment.version}
    )
    commitment.refresh_from_db()
    assert response.status_code == 302 and response.url == commitment.demand.get_absolute_url()
    # The demand's page says where it came from, and links back.
    page = client.get(commitment.demand.get_absolute_url()).content.decode()
    assert engagement.get_absolute_url() in page
    # The engagement page links the demand.
    page = client.get(engagement.get_absolute_url()).content.decode()
    assert commitment.demand.get_absolute_url() in page
    # A drop needs a reason, shown on the field.
    other = services.commitment_add(
        engagement=engagement, actor=made["hq"], data={"jv": portfolio["own"], "text": "再议"}
    )
    drop = reverse("engagements:commitment_transition", args=[engagement.pk, other.pk, "drop"])
    response = client.post(drop, {"version": other.version, "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors


def test_a_demand_linked_to_the_visit_shows_its_origin(portfolio, client_as, rep):
    made = engagement_world(portfolio)
    demand = f.make_demand(portfolio["own"], rep, source="engagement", title="外方提出的需求")
    client = client_as(made["hq"])
    response = client.post(reverse("engagements:demand_link", args=[made["own"].pk]), {"demand": demand.pk})
    assert response.status_code == 302
    assert list(made["own"].demands.all()) == [demand]
    page = client_as(rep).get(demand.get_absolute_url()).content.decode()
    assert made["own"].get_absolute_url() in page


def test_the_calendar_shows_the_month_of_what_the_viewer_sees(portfolio, client_as, rep):
    made = engagement_world(portfolio)
    hq = made["hq"]
    may = services.engagement_create(
        actor=hq,
        data={
            "kind": "symposium",
            "status": "planned",
            "title": "5月座谈会",
            "starts_on": datetime.date(2031, 5, 24),
        },
        ventures=[portfolio["own"]],
    )
    hidden = services.engagement_create(
        actor=hq,
        data={
            "kind": "jv_visit",
            "status": "planned",
            "title": "他方五月 Hidden",
            "starts_on": datetime.date(2031, 5, 24),
            "ends_on": datetime.date(2031, 5, 26),
        },
        ventures=[portfolio["other"]],
    )
    response = client_as(rep).get(reverse("engagements:calendar"), {"month": "2031-05"})
    days = {d["date"]: d["items"] for week in response.context["weeks"] for d in week}
    assert days[datetime.date(2031, 5, 24)] == [may]
    assert "他方五月" not in response.content.decode()
    response = client_as(hq).get(reverse("engagements:calendar"), {"month": "2031-05"})
    days = {d["date"]: d["items"] for week in response.context["weeks"] for d in week}
    assert days[datetime.date(2031, 5, 26)] == [hidden]
    assert response.context["weeks"][0][0]["date"].weekday() == 0


def test_the_research_visit_is_shown_on_both_pages(portfolio, client_as, rep):
    made = engagement_world(portfolio)
    hq = made["hq"]
    research = research_services.research_open(jv=portfolio["own"], year=timezone.localdate().year, actor=hq)
    engagement = services.engagement_update(
        engagement=made["own"], actor=hq, data={"research": research}, expected_version=made["own"].version
    )
    assert research.get_absolute_url() in client_as(hq).get(engagement.get_absolute_url()).content.decode()
    # The research's plan, its visits among it, is HQ's.
    page = client_as(hq).get(research.get_absolute_url()).content.decode()
    assert engagement.get_absolute_url() in page
    assert (
        engagement.get_absolute_url() not in client_as(rep).get(research.get_absolute_url()).content.decode()
    )
    # A research of another JV cannot be linked.
    other = research_services.research_open(jv=portfolio["other"], year=timezone.localdate().year, actor=hq)
    with pytest.raises(ValidationError) as exc:
        services.engagement_update(
            engagement=engagement, actor=hq, data={"research": other}, expected_version=engagement.version
        )
    assert "research" in exc.value.error_dict


@pytest.mark.parametrize("n", [2, 12])
def test_list_query_budget(n, portfolio, client_as, django_assert_max_num_queries):
    made = engagement_world(portfolio)
    for i in range(n):
        services.engagement_create(
            actor=made["hq"],
            data={"kind": "meeting", "status": "held", "title": f"会 {i}", "starts_on": timezone.localdate()},
            ventures=[portfolio["own"], portfolio["other"]],
            attendees=[made["leader"]],
            topics=[made["own"].topics.get()],
        )
    client = client_as(portfolio["rep"])
    # The user with their roles; the filter's dropdowns (JVs, parties, leaders, topics: four); the count
    # and the page; five prefetches of the page (JVs, partners, partner people, attendees, topics);
    # the bell. One of slack.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("engagements:engagement_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_detail_query_budget(n, portfolio, client_as, django_assert_max_num_queries):
    made = engagement_world(portfolio)
    engagement = made["symposium"]
    for i in range(n):
        services.commitment_add(
            engagement=engagement,
            actor=made["hq"],
            data={"jv": portfolio["own"], "text": f"承诺 {i}", "owner": made["hq"]},
        )
    client = client_as(made["hq"])
    # The user with their roles, the bell; the engagement and its five prefetches; the commitments (JV,
    # owner, demand joined); files; linked demands; the research link; the linkable demands (a
    # dropdown: count and list); history of the engagement and the commitments and their names.
    # Commitment rules cost nothing more per row for HQ.
    with django_assert_max_num_queries(24):
        response = client.get(engagement.get_absolute_url())
    assert len(response.context["commitments"]) == n + 2


def test_the_list_filters_by_kind_jv_partner_leader_topic_and_period(portfolio, client_as):
    made = engagement_world(portfolio)
    client = client_as(made["hq"])
    url = reverse("engagements:engagement_list")

    def listed(**params):
        return {e.title for e in client.get(url, params).context["object_list"]}

    assert listed(kind="symposium") == {"座谈会 Symposium"}
    assert listed(status="planned") == {"other 计划 Planned", "own 计划 Planned"}
    assert listed(jv=portfolio["other"].pk) == {
        HIDDEN_ENGAGEMENT[1],
        "other 计划 Planned",
        "座谈会 Symposium",
    }
    assert listed(partner=portfolio["own_partner"].pk) == {"座谈会 Symposium", "本方访问 Own Visit"}
    assert len(listed(leader=made["leader"].pk)) == 5
    assert listed(topic=made["own"].topics.get().pk) == {"本方访问 Own Visit"}
    today = timezone.localdate()
    assert listed(start=(today - datetime.timedelta(days=15)).isoformat(), end=today.isoformat()) == {
        "other 计划 Planned",
        "own 计划 Planned",
        "座谈会 Symposium",
    }
    assert listed(q="Own Summary") == {"本方访问 Own Visit"}
    # The internal notes are not searched: a representative could otherwise probe them.
    assert listed(q="Own Internal Note") == set()
    # The representative's dropdowns name only what they may see.
    form = client_as(portfolio["rep"]).get(url).context["filter"].form
    assert list(form.fields["jv"].queryset) == [portfolio["own"]]
    assert portfolio["other_partner"] not in form.fields["partner"].queryset
