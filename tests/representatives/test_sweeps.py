"""Appointment terms ending: warned 90 and 30 days ahead, once each, unless a successor is recorded.

The sweep is called with an explicit ``today`` to walk through a term's last months; the Celery
task is called directly (twice) with the real date. Appointment notices are shown end to end:
HQ records an appointment in the portal and the representative finds it under Notifications.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from notifications.models import EmailStatus, Notification
from notifications.services import send_pending
from notifications.tasks import notifications_send_task
from representatives import notices, services
from representatives.choices import SeatRole
from representatives.models import Appointment
from representatives.tasks import appointment_terms_sweep_task
from tests import factories as f

ENDING = notices.TERM_ENDING.code
MADE = notices.APPOINTMENT_MADE.code
TERM_END = datetime.date(2026, 6, 30)


def days_before(n: int, term_end: datetime.date = TERM_END) -> datetime.date:
    return term_end - datetime.timedelta(days=n)


def sweep(today: datetime.date) -> dict:
    return services.appointment_terms_sweep(today=today)


def warnings():
    """(recipient username, days before the end, term end) of every term-ending notification."""
    return sorted(
        (n.recipient.username, n.params["days"], n.params["term_end"])
        for n in Notification.objects.filter(kind=ENDING).select_related("recipient")
    )


@pytest.fixture
def liaison(db):
    return f.make_user(Role.HQ_STAFF, username="liaison", language="en")


@pytest.fixture
def seat(liaison):
    """A director's seat in a JV with an HQ liaison, the term ending on ``TERM_END``."""
    jv = f.JointVentureFactory(name="本方合资公司", name_en="Own Venture Co., Ltd.", liaison=liaison)
    login = f.make_representative_user(username="rep", language="en")
    representative = login.representative_profile
    representative.name_en = "Rep One"
    representative.save(update_fields=["name_en"])
    return f.AppointmentFactory(
        representative=representative,
        jv=jv,
        role=SeatRole.DIRECTOR,
        start_date=datetime.date(2023, 7, 1),
        term_end=TERM_END,
    )


def test_nothing_120_days_before(seat):
    assert sweep(days_before(120)) == {"due": 0, "created": 0}
    assert sweep(days_before(91)) == {"due": 0, "created": 0}
    assert not Notification.objects.exists()


def test_90_days_before_the_representative_and_the_liaison_are_told(seat, liaison):
    assert sweep(days_before(90)) == {"due": 1, "created": 2}
    assert warnings() == [("liaison", 90, "2026-06-30"), ("rep", 90, "2026-06-30")]
    for row in Notification.objects.all():
        assert row.target == seat
        assert row.url == seat.jv.get_absolute_url()
        assert row.email_status == EmailStatus.PENDING
        assert row.subject("en") == (
            "The term of Rep One as Director of Own Venture Co., Ltd. ends on 2026-06-30 (in 90 days)"
        )
        assert "本方合资公司" in row.subject("zh-hans")


def test_running_again_tells_nobody_twice(seat):
    sweep(days_before(90))
    # The appointment records the warning it was given: until 30 days before, a run reads nothing.
    seat.refresh_from_db()
    assert (seat.term_warned_for, seat.term_warned_days) == (TERM_END, 90)
    assert sweep(days_before(90)) == {"due": 0, "created": 0}
    for n in (89, 60, 31):
        assert sweep(days_before(n)) == {"due": 0, "created": 0}
    assert Notification.objects.count() == 2


def test_a_warning_recorded_but_not_sent_is_not_sent_twice(seat):
    """Should the record be lost (a restore, the first run after the upgrade that added it), the
    notification keys still keep every warning single."""
    sweep(days_before(90))
    Appointment.objects.filter(pk=seat.pk).update(term_warned_for=None, term_warned_days=None)
    assert sweep(days_before(90)) == {"due": 1, "created": 0}
    assert Notification.objects.count() == 2


def test_30_days_before_a_second_warning(seat):
    sweep(days_before(90))
    assert sweep(days_before(30)) == {"due": 1, "created": 2}
    assert warnings() == [
        ("liaison", 30, "2026-06-30"),
        ("liaison", 90, "2026-06-30"),
        ("rep", 30, "2026-06-30"),
        ("rep", 90, "2026-06-30"),
    ]
    for n in (30, 29, 1, 0):
        assert sweep(days_before(n)) == {"due": 0, "created": 0}
    assert Notification.objects.count() == 4
    # After the term has ended, it is no longer due.
    assert sweep(TERM_END + datetime.timedelta(days=1)) == {"due": 0, "created": 0}


def test_a_sweep_that_missed_days_catches_up(seat):
    """Beat or the workers were down on the 90th day: the warning comes on the first run after."""
    assert sweep(days_before(75))["created"] == 2
    assert sweep(days_before(20))["created"] == 2
    assert [days for _user, days, _end in warnings()] == [20, 75, 20, 75]


def test_a_recorded_successor_silences_the_warning(seat):
    f.AppointmentFactory(jv=seat.jv, role=SeatRole.DIRECTOR, start_date=TERM_END + datetime.timedelta(days=1))
    assert sweep(days_before(90)) == {"due": 0, "created": 0}
    assert sweep(days_before(30)) == {"due": 0, "created": 0}
    assert not Notification.objects.exists()


def test_a_reappointment_of_the_same_person_is_a_successor(seat):
    services.appointment_create(
        representative=seat.representative,
        actor=f.make_user(Role.HQ_STAFF, username="hq_actor"),
        data={"jv": seat.jv, "role": SeatRole.DIRECTOR, "start_date": TERM_END + datetime.timedelta(days=1)},
    )
    assert sweep(days_before(30)) == {"due": 0, "created": 0}
    assert not Notification.objects.filter(kind=ENDING).exists()


def test_a_later_seat_in_another_role_or_venture_is_no_successor(seat):
    later = TERM_END + datetime.timedelta(days=1)
    f.AppointmentFactory(jv=seat.jv, role=SeatRole.SUPERVISOR, start_date=later)
    f.AppointmentFactory(role=SeatRole.DIRECTOR, start_date=later)
    assert sweep(days_before(90)) == {"due": 1, "created": 2}


def test_a_colleague_on_the_same_board_is_no_successor(seat):
    """Boards have several directors: one appointed after this one does not succeed them."""
    f.AppointmentFactory(
        jv=seat.jv,
        role=SeatRole.DIRECTOR,
        start_date=datetime.date(2024, 3, 1),
        term_end=datetime.date(2027, 2, 28),
    )
    assert sweep(days_before(90))["created"] == 2


def test_a_moved_term_end_gets_a_new_warning(seat, liaison):
    sweep(days_before(90))
    seat = services.appointment_update(
        appointment=seat,
        actor=liaison,
        data={"term_end": datetime.date(2026, 7, 31)},
        expected_version=seat.version,
    )
    # Moved a month later: 90 days before the new end, a new warning (the old one stays as it was).
    assert sweep(days_before(90, seat.term_end)) == {"due": 1, "created": 2}
    assert warnings() == [
        ("liaison", 90, "2026-06-30"),
        ("liaison", 90, "2026-07-31"),
        ("rep", 90, "2026-06-30"),
        ("rep", 90, "2026-07-31"),
    ]


def test_a_term_moved_earlier_is_warned_at_once(seat):
    sweep(days_before(90))
    Appointment.objects.filter(pk=seat.pk).update(term_end=TERM_END - datetime.timedelta(days=70))
    # On the same day the new end is 20 days away: the 30-day warning for the new date.
    assert sweep(days_before(90))["created"] == 2
    assert ("rep", 20, "2026-04-21") in warnings()


def test_an_ended_appointment_is_not_warned(seat):
    Appointment.objects.filter(pk=seat.pk).update(end_date=days_before(100))
    assert sweep(days_before(90)) == {"due": 0, "created": 0}
    assert sweep(days_before(30)) == {"due": 0, "created": 0}


def test_an_open_ended_appointment_is_never_warned(seat):
    Appointment.objects.filter(pk=seat.pk).update(term_end=None)
    assert sweep(days_before(30)) == {"due": 0, "created": 0}


def test_without_a_login_or_a_liaison_whoever_exists_is_told(seat, liaison):
    representative = seat.representative
    representative.user = None
    representative.save(update_fields=["user"])
    assert sweep(days_before(90))["created"] == 1
    assert warnings() == [("liaison", 90, "2026-06-30")]
    type(seat.jv).objects.filter(pk=seat.jv.pk).update(liaison=None)
    assert sweep(days_before(30)) == {"due": 1, "created": 0}


def test_a_liaison_who_is_also_the_representative_is_told_once(seat):
    type(seat.jv).objects.filter(pk=seat.jv.pk).update(liaison=seat.representative.user)
    assert sweep(days_before(90))["created"] == 1
    assert warnings() == [("rep", 90, "2026-06-30")]


def test_the_task_run_twice_then_sent_twice_emails_each_person_once(liaison):
    """What beat does each morning, and what a second worker or a retry would do again."""
    jv = f.JointVentureFactory(name_en="Own Venture Co., Ltd.", liaison=liaison)
    login = f.make_representative_user(username="rep", language="en")
    f.AppointmentFactory(
        representative=login.representative_profile,
        jv=jv,
        start_date=datetime.date(2020, 1, 1),
        term_end=timezone.localdate() + datetime.timedelta(days=90),
    )
    assert appointment_terms_sweep_task() == {"due": 1, "created": 2}
    assert appointment_terms_sweep_task() == {"due": 0, "created": 0}
    assert Notification.objects.count() == 2

    notifications_send_task()
    notifications_send_task()
    assert sorted(m.to[0] for m in mail.outbox) == ["liaison@example.com", "rep@example.com"]
    assert all("Own Venture Co., Ltd." in m.subject and "(in 90 days)" in m.subject for m in mail.outbox)
    assert send_pending() == {}
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("due", [2, 10])
def test_sweep_query_budget(due, liaison, django_assert_max_num_queries):
    ContentType.objects.get_for_model(Appointment)  # warm in a running worker
    jv = f.JointVentureFactory(liaison=liaison)
    for i in range(due):
        login = f.make_representative_user(username=f"rep{i}")
        f.AppointmentFactory(
            representative=login.representative_profile,
            jv=jv,
            role=SeatRole.DIRECTOR,
            start_date=datetime.date(2023, 1, 1),
            term_end=TERM_END,
        )
    # 11 queries however many are due (one batch): the due appointments with the successor test,
    # representative's login and liaison joined; the batch's savepoint and its lock on the rows;
    # notify_many's savepoint, existing keys, preferences, one bulk insert, release; the warning
    # recorded (one UPDATE per step reached, here one); the release; the empty batch that ends the
    # walk. None of slack.
    with django_assert_max_num_queries(11):
        result = sweep(days_before(90))
    # All appointments are in one JV and role and started the same day: none succeeds another.
    # Each tells its representative and the liaison (one row per appointment for the liaison).
    assert result == {"due": due, "created": 2 * due}


# --- Appointment made: from HQ's form to the representative's notifications ---------------------


def test_an_appointment_made_in_the_portal_tells_the_representative(
    portfolio, hq_client, client_as, django_capture_on_commit_callbacks
):
    rep = portfolio["rep"]
    rep.language = "en"
    rep.save(update_fields=["language"])
    url = reverse("representatives:appointment_create", args=[portfolio["rep_profile"].pk])
    data = {
        "jv": portfolio["own"].pk,
        "role": "supervisor",
        "start_date": "2025-03-01",
        "term_end": "2028-02-28",
    }
    with mock.patch("notifications.tasks.notifications_send_task.apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            response = hq_client.post(url, data)
        assert response.status_code == 302
        apply_async.assert_called_once()

    appointment = Appointment.objects.get(role="supervisor", representative=portfolio["rep_profile"])
    notification = Notification.objects.get(kind=MADE)
    assert notification.recipient == rep
    assert notification.key == f"appointment-made:{appointment.pk}"
    assert notification.target == appointment
    assert notification.email_status == EmailStatus.PENDING

    client = client_as(rep)
    page = client.get(reverse("notifications:notification_list"))
    content = page.content.decode()
    assert "You were appointed Supervisor of Own Venture Co., Ltd. from 2025-03-01" in content
    assert 'data-testid="unread-count">1<' in content
    opened = client.post(reverse("notifications:notification_open", args=[notification.pk]))
    assert opened.url == portfolio["own"].get_absolute_url()
    assert client.get(opened.url).status_code == 200

    # Nobody else was told.
    other = client_as(portfolio["other_rep"]).get(reverse("notifications:notification_list"))
    assert list(other.context["notifications"]) == []

    # The email goes once, in the representative's language.
    send_pending()
    send_pending()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["rep@example.com"], "You were appointed Supervisor of Own Venture Co., Ltd. from 2025-03-01")
    ]


def test_an_appointment_for_a_representative_without_a_login_tells_nobody(portfolio, hq_client):
    person = f.RepresentativeFactory(user=None)
    response = hq_client.post(
        reverse("representatives:appointment_create", args=[person.pk]),
        {"jv": portfolio["own"].pk, "role": "director", "start_date": "2025-03-01"},
    )
    assert response.status_code == 302
    assert person.appointments.count() == 1
    assert not Notification.objects.exists()


def test_a_liaison_assigned_after_a_warning_is_told_it_on_the_next_run(seat, liaison):
    """The record of the warning given does not silence whoever comes later: a JV saved since
    (here, a liaison assigned) is looked at again; those told before are not told twice."""
    from ventures import services as venture_services

    jv = seat.jv
    type(jv).objects.filter(pk=jv.pk).update(liaison=None)
    assert sweep(days_before(80)) == {"due": 1, "created": 1}  # the representative alone
    assert sweep(days_before(79)) == {"due": 0, "created": 0}
    jv.refresh_from_db()
    newcomer = f.make_user(Role.HQ_STAFF, username="newcomer")
    venture_services.venture_update(
        venture=jv, actor=liaison, data={"liaison": newcomer}, expected_version=jv.version
    )
    assert sweep(days_before(78)) == {"due": 1, "created": 1}
    assert warnings() == [("newcomer", 78, "2026-06-30"), ("rep", 80, "2026-06-30")]
    assert sweep(days_before(77)) == {"due": 0, "created": 0}


def test_a_login_linked_after_the_last_warning_is_told_it(seat, liaison):
    representative = seat.representative
    login = representative.user
    representative.user = None
    representative.save(update_fields=["user"])
    assert sweep(days_before(30)) == {"due": 1, "created": 1}  # the liaison alone
    services.representative_update(
        representative=representative,
        actor=liaison,
        data={"user": login},
        expected_version=representative.version,
    )
    assert sweep(days_before(29)) == {"due": 1, "created": 1}
    assert ("rep", 29, "2026-06-30") in warnings()
