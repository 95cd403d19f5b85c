"""The pre-visit brief: every figure asserted against the data, for HQ and for a representative
(who never reads HQ's findings or internal notes), for a JV and for a partner across its JVs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements import services
from research import services as research_services
from tests import factories as f
from tests.engagements.builders import HIDDEN_ENGAGEMENT, engagement_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _world(portfolio):
    made = engagement_world(portfolio)
    own = portfolio["own"]
    # 2024 comes from the portfolio (revenue 1000, profit 100, headcount 100).
    f.AnnualIndicatorsFactory(
        jv=own, year=2023, revenue=Decimal("800"), net_profit=Decimal("-50"), headcount=90
    )
    f.AnnualIndicatorsFactory(
        jv=own, year=2022, revenue=Decimal("750"), net_profit=Decimal("20"), headcount=90
    )
    f.AnnualIndicatorsFactory(
        jv=own, year=2021, revenue=Decimal("700"), net_profit=Decimal("10"), headcount=80
    )
    now = timezone.now()
    made["old_demand"] = f.make_demand(
        own, portfolio["rep"], title="三十天的需求", at=now - datetime.timedelta(days=30)
    )
    made["new_demand"] = f.make_demand(own, portfolio["rep"], title="今天的需求", at=now)
    research = research_services.research_open(jv=own, year=timezone.localdate().year, actor=made["hq"])
    research = research_services.research_transition(
        research=research, action="start", actor=made["hq"], expected_version=research.version
    )
    research_services.research_update(
        research=research,
        actor=made["hq"],
        data={"findings": "内部调研发现 Findings"},
        expected_version=research.version,
    )
    return made


def test_the_brief_of_a_jv_states_the_portals_figures(portfolio, client_as):
    made = _world(portfolio)
    response = client_as(made["hq"]).get(reverse("engagements:venture_brief", args=[portfolio["own"].pk]))
    (section,) = response.context["sections"]
    assert [a.representative for a in section["seats"]] == [portfolio["rep_profile"]]
    assert [(h.party, h.percentage) for h in section["holdings"]] == [
        (portfolio["own_partner"], Decimal("60")),
        (portfolio["group"], Decimal("40")),
    ]
    rows = section["indicators"]
    assert [r["year"] for r in rows] == [2024, 2023, 2022]
    figures = {
        (r["year"], x["name"]): (x["value"], x["change"], x["pct"]) for r in rows for x in r["figures"]
    }
    assert figures[(2024, "revenue")] == (Decimal("1000"), Decimal("200"), Decimal("25.0"))
    assert figures[(2024, "net_profit")] == (Decimal("100"), Decimal("150"), Decimal("300.0"))
    assert figures[(2023, "net_profit")] == (Decimal("-50"), Decimal("-70"), Decimal("-350.0"))
    assert figures[(2022, "revenue")] == (Decimal("750"), Decimal("50"), Decimal("7.1"))
    assert figures[(2024, "headcount")] == (100, 10, Decimal("11.1"))
    demands = [(d["row"].title, d["age"], d["overdue"]) for d in section["demands"]]
    assert demands == [("三十天的需求", 30, True), ("今天的需求", 0, False)]
    assert section["overdue_demands"] == 1
    # The open commitments of earlier engagements: the own visit's and the symposium's for this JV.
    assert sorted(c["row"].text for c in section["commitments"]) == [
        "本方承诺 Own Commitment",
        "本方承诺 Own Commitment @symposium",
    ]
    # The symposium ten days ago is the last high-level contact.
    standing = section["standing"]
    assert (standing.days, standing.last) == (10, made["symposium"].starts_on)
    assert section["research_text"] == "内部调研发现 Findings"
    content = response.content.decode()
    assert "内部调研发现 Findings" in content and 'data-age="30"' in content


def test_the_representatives_brief_leaves_out_hq_writing(portfolio, client_as):
    _world(portfolio)
    response = client_as(portfolio["rep"]).get(
        reverse("engagements:venture_brief", args=[portfolio["own"].pk])
    )
    content = response.content.decode()
    (section,) = response.context["sections"]
    assert section["research"] is None and section["research_text"] == ""
    for hidden in ["内部调研发现 Findings", *HIDDEN_ENGAGEMENT, "Hidden Venture Co., Ltd."]:
        assert hidden not in content
    assert (
        client_as(portfolio["rep"])
        .get(reverse("engagements:venture_brief", args=[portfolio["other"].pk]))
        .status_code
        == 404
    )


def test_the_partner_brief_covers_its_jvs_the_viewer_sees(portfolio, client_as):
    made = _world(portfolio)
    url = reverse("engagements:partner_brief", args=[portfolio["group"].pk])
    hq_sections = client_as(made["hq"]).get(url).context["sections"]
    assert [s["jv"] for s in hq_sections] == sorted(
        [portfolio["own"], portfolio["other"]], key=lambda jv: jv.name
    )
    rep_sections = client_as(portfolio["rep"]).get(url).context["sections"]
    assert [s["jv"] for s in rep_sections] == [portfolio["own"]]
    people = client_as(made["hq"]).get(
        reverse("engagements:partner_brief", args=[portfolio["own_partner"].pk])
    )
    assert [p.name for p in people.context["people"]] == ["本方外方人员"]


def test_the_brief_prints_on_a4(portfolio, client_as):
    made = _world(portfolio)
    content = (
        client_as(made["hq"])
        .get(reverse("engagements:venture_brief", args=[portfolio["own"].pk]))
        .content.decode()
    )
    assert "css/engagements.css" in content and "data-print" in content
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/engagements.css")).read_text(encoding="utf-8")
    assert "size: A4" in css


@pytest.mark.parametrize("n", [1, 3])
def test_partner_brief_query_budget(n, portfolio, client_as, django_assert_max_num_queries):
    made = engagement_world(portfolio)
    for _ in range(n):
        jv = f.JointVentureFactory()
        f.ShareholdingFactory(jv=jv, party=portfolio["own_partner"], percentage=10)
        services.commitment_add(
            engagement=made["own"], actor=made["hq"], data={"jv": portfolio["own"], "text": "x"}
        )
    client = client_as(made["hq"])
    # The user with their roles, the bell; the party; its JVs (twice: the check and the list); the
    # people; per JV 11 (the standing's last contact and targets, seats, holdings, indicators,
    # demands, meetings with their proposals, research, commitments, engagements).
    with django_assert_max_num_queries(7 + 12 * (n + 1)):
        response = client.get(reverse("engagements:partner_brief", args=[portfolio["own_partner"].pk]))
    assert len(response.context["sections"]) == n + 1
