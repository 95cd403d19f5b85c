"""The set-based writes of core.services that sweeps use instead of bulk_create: the rows they
write are the rows bulk_create would (defaults, JSON, dates, conflicts), on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.roles import Role
from core.services import insert_for_each, insert_rows
from demands.choices import Status, UpdateKind, Visibility
from demands.models import DemandUpdate
from notifications.models import EmailStatus, Notification
from tests import factories as f

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 5, 2, 30, 15, 123456, tzinfo=datetime.UTC)


def test_insert_rows_writes_the_rows_with_the_fields_defaults_in_one_statement():
    users = [f.make_user(Role.HQ_STAFF, username=f"u{i}") for i in range(3)]
    rows = [
        {
            "recipient_id": user.pk,
            "kind": "demand.escalated",
            "key": f"k:{user.pk}",
            "params": {"title": "需求 “引号” \\ 反斜杠", "rung": {"en": "Owner", "zh-hans": "负责人"}},
            "url": "/demands/1/",
            "created_at": AT,
            "next_attempt_at": AT,
            "email_status": EmailStatus.PENDING,
        }
        for user in users
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Notification, rows)
    assert len(queries) == 1
    made = list(Notification.objects.order_by("pk"))
    assert [n.recipient_id for n in made] == [u.pk for u in users]
    first = made[0]
    assert first.params == rows[0]["params"]
    assert (first.created_at, first.next_attempt_at) == (AT, AT)
    # What the row did not say, its fields' defaults gave.
    assert (first.attempts, first.handovers, first.last_error, first.read_at, first.target_type_id) == (
        0,
        0,
        "",
        None,
        None,
    )


def test_insert_rows_ignores_conflicts_when_asked():
    user = f.make_user(Role.HQ_STAFF)
    row = {"recipient_id": user.pk, "kind": "x", "key": "same", "created_at": AT, "next_attempt_at": AT}
    insert_rows(Notification, [row])
    insert_rows(Notification, [{**row, "kind": "y"}, {**row, "key": "other"}], ignore_conflicts=True)
    assert sorted(Notification.objects.values_list("key", "kind")) == [("other", "x"), ("same", "x")]


def test_insert_for_each_writes_one_row_per_parent_in_id_order():
    jv = f.JointVentureFactory()
    rep = f.make_representative_user(jv, username="rep")
    demands = [f.make_demand(jv, rep) for _ in range(3)]
    before = DemandUpdate.objects.count()
    pks = [d.pk for d in reversed(demands)]
    with CaptureQueriesContext(connection) as queries:
        insert_for_each(
            DemandUpdate,
            "demand",
            pks,
            kind=UpdateKind.STATUS,
            created_at=AT,
            from_status=Status.RESOLVED,
            to_status=Status.CLOSED,
            params={"automatic": True},
        )
    assert len(queries) == 1
    made = list(DemandUpdate.objects.order_by("pk")[before:])
    assert [u.demand_id for u in made] == sorted(pks)
    for entry in made:
        assert (entry.kind, entry.visibility, entry.author_id, entry.text, entry.key) == (
            UpdateKind.STATUS,
            Visibility.SHARED,
            None,
            "",
            None,
        )
        assert (entry.created_at, entry.params, entry.to_status) == (AT, {"automatic": True}, Status.CLOSED)
    assert timezone.is_aware(made[0].created_at)
