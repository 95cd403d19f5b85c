"""The contact cadence: days since the last high-level contact, in calendar days over holidays and
year ends, the JVs past their tier's target, most neglected first."""

import datetime

import pytest

from core.models import CalendarDay
from core.roles import Role
from engagements import cadence, defaults, services
from engagements.models import ContactTarget
from tests import factories as f

pytestmark = pytest.mark.django_db


def _contact(jv, day, *, actor, attendees, status="held", ends=None):
    return services.engagement_create(
        actor=actor,
        data={
            "kind": "jv_visit",
            "status": status,
            "title": f"访问 {day}",
            "starts_on": day,
            "ends_on": ends,
        },
        ventures=[jv],
        attendees=attendees,
    )


@pytest.fixture
def people(db):
    defaults.ensure()
    return {"hq": f.make_user(Role.HQ_STAFF), "leader": f.make_user(Role.LEADERSHIP)}


def test_days_since_cross_the_year_end_and_the_spring_festival_in_calendar_days(people):
    jv = f.JointVentureFactory(strategic_tier="core")
    _contact(jv, datetime.date(2025, 12, 20), actor=people["hq"], attendees=[people["leader"]])
    # The Spring Festival's days off and the weekend days worked instead change nothing.
    for day in range(15, 24):
        CalendarDay.objects.create(date=datetime.date(2026, 2, day), kind="holiday", name="春节")
    CalendarDay.objects.create(date=datetime.date(2026, 2, 14), kind="workday", name="春节调休")
    assert cadence.standing(jv, datetime.date(2026, 1, 5)).days == 16
    assert cadence.standing(jv, datetime.date(2026, 2, 24)).days == 66
    # A two-day visit counts from its last day.
    _contact(
        jv,
        datetime.date(2026, 2, 10),
        actor=people["hq"],
        attendees=[people["leader"]],
        ends=datetime.date(2026, 2, 11),
    )
    standing = cadence.standing(jv, datetime.date(2026, 2, 24))
    assert (standing.last, standing.days, standing.target, standing.past_target) == (
        datetime.date(2026, 2, 11),
        13,
        180,
        False,
    )


def test_only_held_engagements_a_leader_attended_count(people):
    jv = f.JointVentureFactory(strategic_tier="core")
    today = datetime.date(2026, 3, 1)
    _contact(jv, datetime.date(2025, 6, 1), actor=people["hq"], attendees=[people["leader"]])
    _contact(jv, datetime.date(2026, 2, 1), actor=people["hq"], attendees=[people["hq"]])  # no leader
    _contact(
        jv, datetime.date(2026, 2, 2), actor=people["hq"], attendees=[people["leader"]], status="planned"
    )
    _contact(jv, datetime.date(2026, 3, 5), actor=people["hq"], attendees=[people["leader"]])  # after today
    standing = cadence.standing(jv, today)
    assert (standing.last, standing.days, standing.past_target, standing.over_by) == (
        datetime.date(2025, 6, 1),
        273,
        True,
        93,
    )


def test_the_past_target_list_puts_the_most_neglected_first(people, hq):
    today = datetime.date(2026, 1, 10)
    ContactTarget.objects.filter(tier="general").update(days=30)
    never = f.JointVentureFactory(strategic_tier="important", name="从未接触")
    long_ago = f.JointVentureFactory(strategic_tier="core", name="很久")
    recent = f.JointVentureFactory(strategic_tier="general", name="稍久")
    fine = f.JointVentureFactory(strategic_tier="core", name="正常")
    f.JointVentureFactory(strategic_tier="core", name="已退出", status="exited")
    _contact(
        long_ago, datetime.date(2025, 5, 1), actor=people["hq"], attendees=[people["leader"]]
    )  # 254 > 180
    _contact(recent, datetime.date(2025, 11, 20), actor=people["hq"], attendees=[people["leader"]])  # 51 > 30
    _contact(fine, datetime.date(2025, 12, 1), actor=people["hq"], attendees=[people["leader"]])
    rows = cadence.past_target(user=hq, today=today)
    assert [(s.jv.name, s.days, s.over_by) for s in rows] == [
        ("从未接触", None, None),
        ("很久", 254, 74),
        ("稍久", 51, 21),
    ]
    assert cadence.past_target_count(user=hq, today=today) == 3
    assert never.pk in [s.jv.pk for s in rows]
    # A representative's list holds only their JVs.
    rep = f.make_representative_user(recent)
    assert [s.jv.name for s in cadence.past_target(user=rep, today=today)] == ["稍久"]


def test_the_contact_list_page_and_the_home_count(people, client_as):
    jv = f.JointVentureFactory(strategic_tier="core", name="被冷落的合资公司")
    hq = people["hq"]
    client = client_as(hq)
    page = client.get("/engagements/contact/")
    assert [s.jv for s in page.context["object_list"]] == [jv]
    home = client.get("/")
    assert "home-contact-count" in home.content.decode()
    panel = next(p for p in home.context["panels"] if p["template"] == "engagements/includes/home_panel.html")
    assert panel["count"] == 1


def test_the_jv_page_reads_the_standing_with_its_timeline_and_alone_when_it_is_empty(people):
    """The JV page's panel takes the last contact and the target from its timeline's query; with
    no engagement it asks for them on its own. Either way the figures are ``standing``'s."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from engagements.selectors import venture_engagement_panel

    jv = f.JointVentureFactory(strategic_tier="core")
    hq = people["hq"]
    hq._portal_roles = frozenset({Role.HQ_STAFF})
    empty = venture_engagement_panel(jv, hq)["standing"]
    assert (empty.last, empty.target) == (None, cadence.standing(jv).target)
    _contact(jv, datetime.date(2026, 1, 10), actor=hq, attendees=[people["leader"]])
    _contact(jv, datetime.date(2026, 3, 1), actor=hq, attendees=[people["leader"]], status="planned")
    fresh = f.JointVentureFactory._meta.model.objects.get(pk=jv.pk)
    with CaptureQueriesContext(connection) as queries:
        panel = venture_engagement_panel(fresh, hq)
    alone = cadence.standing(jv)
    assert (panel["standing"].last, panel["standing"].days, panel["standing"].target) == (
        alone.last,
        alone.days,
        alone.target,
    )
    assert panel["standing"].last == datetime.date(2026, 1, 10)  # the planned one is no contact
    assert len(panel["rows"]) == 2
    assert len(queries.captured_queries) == 2  # the timeline with the standing, its attendees
