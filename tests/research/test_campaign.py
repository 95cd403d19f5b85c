"""The yearly campaign: every JV it covers gets this year's research once, whoever runs it and however
often; HQ opens others by hand; the lead is the JV's liaison, else its department's head."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from notifications.models import Notification
from research import notices, services
from research.models import AnnualResearch, CampaignSettings, DataReturn
from research.services import campaign as campaign_services
from research.tasks import research_daily_task
from tests import factories as f
from ventures.choices import VentureStatus

OPENS = datetime.date(2026, 1, 15)


@pytest.fixture
def campaign(db):
    """The settings row the migration created (15 January, operating JVs, 30 June, 31 March)."""
    return CampaignSettings.objects.get()


def test_the_settings_start_with_the_defaults(campaign):
    assert (campaign.opens_on, campaign.statuses, campaign.due_on, campaign.data_return_due_on) == (
        "01-15",
        ["operating"],
        "06-30",
        "03-31",
    )


@pytest.mark.parametrize("value", ["13-01", "02-30", "02-29", "1-15x", ""])
def test_a_day_every_year_has_is_required(campaign, value):
    campaign.opens_on = value
    with pytest.raises(ValidationError) as exc:
        campaign.full_clean()
    assert "opens_on" in exc.value.error_dict


def test_nothing_opens_before_the_campaign_day(campaign):
    f.JointVentureFactory()
    assert services.campaign_open(today=OPENS - datetime.timedelta(days=1)) == {"opened": 0}
    assert not AnnualResearch.objects.exists()


def test_the_campaign_opens_each_operating_jv_once(campaign):
    operating = [f.JointVentureFactory() for _ in range(3)]
    f.JointVentureFactory(status=VentureStatus.PREPARING)
    f.JointVentureFactory(status=VentureStatus.EXITED)
    assert services.campaign_open(today=OPENS) == {"opened": 3}
    assert services.campaign_open(today=OPENS) == {"opened": 0}
    assert services.campaign_open(today=OPENS + datetime.timedelta(days=40)) == {"opened": 0}
    research = AnnualResearch.objects.order_by("jv_id")
    assert [r.jv for r in research] == operating
    for r in research:
        assert (r.year, r.due_date, r.opened_by, r.status) == (
            2026,
            datetime.date(2026, 6, 30),
            None,
            "planned",
        )
        assert r.data_return.due_date == datetime.date(2026, 3, 31)
        # Who opened what: the campaign, in the history too.
        assert r.history.get().history_user is None


def test_a_jv_that_becomes_operating_mid_year_is_opened_by_the_next_run(campaign):
    later = f.JointVentureFactory(status=VentureStatus.PREPARING)
    services.campaign_open(today=OPENS)
    assert not AnnualResearch.objects.filter(jv=later).exists()
    later.status = VentureStatus.OPERATING
    later.save(update_fields=["status"])
    assert services.campaign_open(today=datetime.date(2026, 7, 2)) == {"opened": 1}
    assert AnnualResearch.objects.get(jv=later).year == 2026


def test_the_statuses_and_dates_are_the_admins_to_set(campaign):
    campaign.statuses = ["operating", "restructuring"]
    campaign.opens_on, campaign.due_on, campaign.data_return_due_on = "02-01", "09-30", "04-30"
    campaign.save()
    restructuring = f.JointVentureFactory(status=VentureStatus.RESTRUCTURING)
    assert services.campaign_open(today=OPENS) == {"opened": 0}
    assert services.campaign_open(today=datetime.date(2026, 2, 1)) == {"opened": 1}
    research = AnnualResearch.objects.get(jv=restructuring)
    assert (research.due_date, research.data_return.due_date) == (
        datetime.date(2026, 9, 30),
        datetime.date(2026, 4, 30),
    )


def test_the_lead_is_the_liaison_else_the_department_head(campaign):
    head = f.make_user(Role.HQ_STAFF, username="head")
    liaison = f.make_user(Role.HQ_STAFF, username="liaison")
    department = f.DepartmentFactory(head=head)
    with_liaison = f.JointVentureFactory(department=department, liaison=liaison)
    without = f.JointVentureFactory(department=department)
    gone = f.make_user(Role.HQ_STAFF, username="gone", is_active=False)
    inactive_liaison = f.JointVentureFactory(department=department, liaison=gone)
    services.campaign_open(today=OPENS)
    leads = dict(AnnualResearch.objects.values_list("jv_id", "lead__username"))
    assert leads == {with_liaison.pk: "liaison", without.pk: "head", inactive_liaison.pk: "head"}


def test_the_lead_and_the_jvs_representatives_are_told_once(campaign):
    liaison = f.make_user(Role.HQ_STAFF, username="liaison")
    jv = f.JointVentureFactory(liaison=liaison)
    f.make_representative_user(jv, username="rep")
    left = f.make_representative_user(jv, username="left")
    left.representative_profile.appointments.update(end_date=datetime.date(2025, 12, 31))
    services.campaign_open(today=OPENS)
    services.campaign_open(today=OPENS)
    told = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert told == [("liaison", notices.OPENED.code), ("rep", notices.RETURN_REQUESTED.code)]


def test_a_batch_costs_the_same_queries_however_many_jvs(campaign):
    """A fixed number of queries per batch: 3 JVs or 12 in one batch cost the same."""

    def queries(count):
        for _ in range(count):
            jv = f.JointVentureFactory(liaison=f.make_user(Role.HQ_STAFF))
            f.make_representative_user(jv)
        with CaptureQueriesContext(connection) as captured:
            # Only the JVs just added are due: the earlier ones have their research.
            assert services.campaign_open(today=OPENS)["opened"] == count
        return len(captured)

    queries(1)  # warms the per-process caches (content types) the first notification fills
    assert queries(3) == queries(12)


def test_batches_are_walked_in_order_with_a_fixed_cost_each(campaign):
    for _ in range(5):
        f.JointVentureFactory()
    with CaptureQueriesContext(connection) as one:
        assert services.campaign_open(today=OPENS, batch_size=5) == {"opened": 5}
    AnnualResearch.objects.all().delete()
    with CaptureQueriesContext(connection) as five:
        assert services.campaign_open(today=OPENS, batch_size=1) == {"opened": 5}
    per_batch = (len(five) - len(one)) // 4
    assert len(five) == len(one) + 4 * per_batch


def test_a_crash_mid_run_is_finished_by_the_next_run_without_a_duplicate(campaign, monkeypatch):
    jvs = [f.JointVentureFactory() for _ in range(4)]
    original = campaign_services._open_batch
    calls = []

    def crash_on_the_second(batch, year, settings_row):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return original(batch, year, settings_row)

    monkeypatch.setattr(campaign_services, "_open_batch", crash_on_the_second)
    with pytest.raises(RuntimeError):
        services.campaign_open(today=OPENS, batch_size=2)
    assert AnnualResearch.objects.count() == 2  # the first batch stands, the second rolled back
    monkeypatch.undo()
    assert services.campaign_open(today=OPENS, batch_size=2) == {"opened": 2}
    assert sorted(AnnualResearch.objects.values_list("jv_id", flat=True)) == [jv.pk for jv in jvs]
    assert DataReturn.objects.count() == 4


def test_a_research_opened_meanwhile_by_another_run_is_not_made_twice(campaign, monkeypatch):
    """Two runs race: the other one opened a JV's research between this run's read and its insert."""
    first, second = f.JointVentureFactory(), f.JointVentureFactory()
    original = campaign_services._open_batch

    def raced(batch, year, settings_row):
        services.research_open(jv=second, year=year, actor=None)
        return original(batch, year, settings_row)

    monkeypatch.setattr(campaign_services, "_open_batch", raced)
    assert services.campaign_open(today=OPENS) == {"opened": 1}
    assert AnnualResearch.objects.filter(jv=second).count() == 1
    assert AnnualResearch.objects.filter(jv=first).count() == 1
    assert DataReturn.objects.count() == 2


def test_the_daily_task_opens_and_reminds(campaign):
    f.JointVentureFactory()
    result = research_daily_task()
    assert set(result) == {"opened", "due", "created"}
    assert AnnualResearch.objects.count() == 1


# --- By hand -------------------------------------------------------------------------------------


def test_hq_opens_a_research_by_hand_for_any_jv(campaign, hq):
    exited = f.JointVentureFactory(status=VentureStatus.EXITED)
    research = services.research_open(jv=exited, year=2026, actor=hq)
    assert research.opened_by == hq
    assert research.history.get().history_user == hq
    assert research.data_return.due_date == datetime.date(2026, 3, 31)
    with pytest.raises(ValidationError) as exc:
        services.research_open(jv=exited, year=2026, actor=hq)
    assert "year" in exc.value.error_dict
    assert AnnualResearch.objects.count() == 1


def test_the_campaign_skips_a_jv_opened_by_hand(campaign, hq):
    jv = f.JointVentureFactory()
    services.research_open(jv=jv, year=2026, actor=hq)
    assert services.campaign_open(today=OPENS) == {"opened": 0}


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.REPRESENTATIVE, None])
def test_only_hq_opens_a_research(campaign, role):
    jv = f.JointVentureFactory()
    with pytest.raises(PermissionDenied):
        services.research_open(jv=jv, year=2026, actor=f.make_user(role))
    assert not AnnualResearch.objects.exists()
