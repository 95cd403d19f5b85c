"""The daily sweeps: commitments due in 7 days, on the day and overdue (the owner, then the
department head), and JVs passing their contact target (liaison and department head, once per
lapse); each exactly once per person however often they run."""

import datetime

import pytest
from django.utils import timezone

from core.roles import Role
from engagements import defaults, services
from engagements.tasks import engagements_daily_task
from notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    defaults.ensure()
    head = f.make_user(Role.HQ_STAFF, username="head")
    department = f.DepartmentFactory(head=head)
    liaison = f.make_user(Role.HQ_STAFF, username="liaison")
    owner = f.make_user(Role.HQ_STAFF, username="owner")
    leader = f.make_user(Role.LEADERSHIP)
    jv = f.JointVentureFactory(department=department, liaison=liaison, strategic_tier="core")
    today = timezone.localdate()
    engagement = services.engagement_create(
        actor=liaison,
        data={
            "kind": "jv_visit",
            "status": "held",
            "title": "走访",
            "starts_on": today - datetime.timedelta(days=5),
        },
        ventures=[jv],
        attendees=[leader],
    )
    return {
        "head": head,
        "liaison": liaison,
        "owner": owner,
        "jv": jv,
        "engagement": engagement,
        "today": today,
        "leader": leader,
    }


def _commitment(world, days):
    return services.commitment_add(
        engagement=world["engagement"],
        actor=world["liaison"],
        data={
            "jv": world["jv"],
            "text": f"承诺 {days}",
            "owner": world["owner"],
            "due_date": world["today"] + datetime.timedelta(days=days),
        },
    )


def _told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "key"))


def test_commitments_due_and_overdue_are_told_once(world, django_assert_max_num_queries):
    week, today, late, far = (
        _commitment(world, 7),
        _commitment(world, 0),
        _commitment(world, -1),
        _commitment(world, 8),
    )
    Notification.objects.all().delete()
    # A fixed number however many are due: the commitments' batch and the empty one that ends the
    # walk; under the recheck's transaction (a savepoint's two) its lock and notify_many's three
    # (preferences, existing keys, the insert); the contact sweep's targets and its empty batch.
    with django_assert_max_num_queries(12):
        engagements_daily_task()
    engagements_daily_task()
    assert _told("engagements.commitment_due") == [
        ("owner", f"commitment-due:{week.pk}:{week.due_date.isoformat()}:soon7:{world['owner'].pk}"),
        ("owner", f"commitment-due:{today.pk}:{world['today'].isoformat()}:today:{world['owner'].pk}"),
    ]
    assert _told("engagements.commitment_overdue") == [
        ("head", f"commitment-due:{late.pk}:{late.due_date.isoformat()}:overdue:{world['head'].pk}"),
        ("owner", f"commitment-due:{late.pk}:{late.due_date.isoformat()}:overdue:{world['owner'].pk}"),
    ]
    assert not Notification.objects.filter(key__contains=f"commitment-due:{far.pk}:").exists()


def test_done_and_demand_commitments_are_not_chased(world):
    done, demand = _commitment(world, -3), _commitment(world, -3)
    services.commitment_transition(
        commitment=done, action="done", actor=world["owner"], expected_version=done.version
    )
    services.commitment_to_demand(commitment=demand, actor=world["liaison"], data={})
    engagements_daily_task()
    assert not Notification.objects.filter(kind__startswith="engagements.commitment_due").exists()
    assert not Notification.objects.filter(kind="engagements.commitment_overdue").exists()


def test_a_moved_due_date_is_a_new_reminder(world):
    commitment = _commitment(world, 0)
    engagements_daily_task()
    services.commitment_update(
        commitment=commitment,
        actor=world["owner"],
        data={"due_date": world["today"] + datetime.timedelta(days=3)},
        expected_version=commitment.version,
    )
    engagements_daily_task()
    assert len(_told("engagements.commitment_due")) == 2


def test_a_jv_passing_its_target_is_told_once_per_lapse(world):
    jv, today = world["jv"], world["today"]
    # The visit five days ago is within 180 days: nothing to say.
    services.engagements_daily(today=today)
    assert not Notification.objects.filter(kind="engagements.contact_lapsed").exists()
    later = today + datetime.timedelta(days=186)  # 191 days since the visit
    services.engagements_daily(today=later)
    services.engagements_daily(today=later + datetime.timedelta(days=1))
    lapse = (world["engagement"].starts_on).isoformat()
    assert _told("engagements.contact_lapsed") == [
        ("head", f"contact-lapse:{jv.pk}:{lapse}:{world['head'].pk}"),
        ("liaison", f"contact-lapse:{jv.pk}:{lapse}:{world['liaison'].pk}"),
    ]
    # A new high-level contact ends the lapse; the next one is told again.
    visit = services.engagement_create(
        actor=world["liaison"],
        data={"kind": "reception", "status": "held", "title": "接待", "starts_on": later},
        ventures=[jv],
        attendees=[world["leader"]],
    )
    services.engagements_daily(today=later + datetime.timedelta(days=10))
    assert len(_told("engagements.contact_lapsed")) == 2
    services.engagements_daily(today=later + datetime.timedelta(days=181))
    services.engagements_daily(today=later + datetime.timedelta(days=182))
    assert len(_told("engagements.contact_lapsed")) == 4
    assert Notification.objects.filter(key__contains=f":{visit.starts_on.isoformat()}:").count() == 2
