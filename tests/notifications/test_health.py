"""The HTTP health endpoint: what the proxy and the monitor call every few seconds."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Heartbeat
from notifications.models import EmailStatus, Notification
from tests import factories as f


@pytest.fixture
def beating(db):
    Heartbeat.objects.create(name="beat+worker", beat_at=timezone.now())


def test_a_healthy_portal_answers_200_without_a_sign_in(beating, client, django_assert_max_num_queries):
    # SELECT 1, the heartbeat, four outbox counts, the calendar's year: cheap enough to poll.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["problems"] == [] and report["cache"] is True and report["broker"] is True
    assert report["outbox"] == {"pending": 0, "overdue": 0, "failed": 0, "digest": 0}
    assert response["Cache-Control"] == "no-store"
    # Nothing secret: no setting, address or user is named.
    assert "password" not in response.content.decode().lower()


def test_a_stale_heartbeat_or_overdue_mail_answers_503(db, client):
    Heartbeat.objects.create(name="beat+worker", beat_at=timezone.now() - datetime.timedelta(minutes=20))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert json.loads(response.content)["problems"] == ["heartbeat"]
    Heartbeat.objects.update(beat_at=timezone.now())
    user = f.make_user()
    Notification.objects.create(
        recipient=user,
        kind="x",
        key="late",
        email_status=EmailStatus.PENDING,
        next_attempt_at=timezone.now() - datetime.timedelta(hours=1),
    )
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert json.loads(response.content)["problems"] == ["outbox overdue"]


def test_a_broker_that_does_not_answer_is_a_problem(beating, client, monkeypatch):
    from notifications import health

    monkeypatch.setattr(health, "_broker_ok", lambda: False)
    response = client.get(reverse("health"))
    assert response.status_code == 503 and json.loads(response.content)["problems"] == ["broker"]
