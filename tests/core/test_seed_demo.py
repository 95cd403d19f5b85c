"""The demo portfolio: what ``seed_demo`` loads, and that loading it twice changes nothing."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from accounts.models import User
from core.roles import Role
from representatives.models import Appointment, Representative
from ventures.models import AnnualIndicators, JointVenture, Shareholding

SHENSTEEL = "天津申钢电气有限公司"


def _counts():
    """Rows of every model of the project, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "core", "ventures", "representatives", "demands", "auth", "engagements"}
    }


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet=True)


def test_seeding_twice_changes_nothing(demo):
    first = _counts()
    versions = list(JointVenture.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    call_command("seed_demo", quiet=True)
    assert _counts() == first
    assert list(JointVenture.objects.order_by("pk").values_list("pk", "version", "updated_at")) == versions


def test_the_demo_has_eight_ventures_with_sound_shareholdings(demo):
    assert JointVenture.objects.count() == 8
    totals = JointVenture.objects.annotate(total=Sum("shareholdings__percentage")).values_list(
        "name", "total"
    )
    for name, total in totals:
        assert Decimal(0) < total <= Decimal(100), name
    assert Shareholding.objects.filter(party__kind="foreign").values("jv").distinct().count() == 8


def test_the_demo_has_three_years_of_indicators(demo):
    years = set(AnnualIndicators.objects.values_list("year", flat=True))
    assert len(years) == 3
    # Every JV that has figures has all three years.
    for jv_id in AnnualIndicators.objects.values_list("jv", flat=True).distinct():
        assert set(AnnualIndicators.objects.filter(jv=jv_id).values_list("year", flat=True)) == years


def test_the_demo_has_six_representatives_and_one_login_per_role(demo):
    assert Representative.objects.count() == 6
    for role in Role.values:
        assert User.objects.filter(groups__name=role, is_active=True).exists(), role
    assert User.objects.filter(is_superuser=True, is_staff=True).exists()
    for username in ("leader", "hq", "rep", "admin"):
        assert User.objects.get(username=username).check_password("jvportal-demo")


def test_rep_serves_in_two_ventures(demo, client):
    rep = User.objects.get(username="rep")
    active = Appointment.objects.active().filter(representative__user=rep)
    assert active.values("jv").distinct().count() == 2
    client.force_login(rep)
    listing = client.get(reverse("ventures:venture_list"))
    assert {v.pk for v in listing.context["object_list"]} == set(active.values_list("jv", flat=True))


def test_rep2_no_longer_sees_the_venture_they_left(demo, client):
    shensteel = JointVenture.objects.get(name=SHENSTEEL)
    rep2 = User.objects.get(username="rep2")
    # The appointment is still on record, ended.
    assert Appointment.objects.filter(
        representative__user=rep2, jv=shensteel, end_date__isnull=False
    ).exists()
    client.force_login(rep2)
    assert client.get(reverse("ventures:venture_detail", args=[shensteel.pk])).status_code == 404
    listing = client.get(reverse("ventures:venture_list"))
    assert shensteel not in listing.context["object_list"]
    assert len(listing.context["object_list"]) >= 1
    assert SHENSTEEL not in client.get(reverse("home")).content.decode()
    # rep5 took over and does see it.
    client.force_login(User.objects.get(username="rep5"))
    assert client.get(reverse("ventures:venture_detail", args=[shensteel.pk])).status_code == 200


def test_the_demo_logins_are_printed(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    # Every demo login, each with what it is for.
    for username in User.objects.exclude(username__startswith="_").values_list("username", flat=True):
        assert f"  {username} " in out, username
    assert "jvportal-demo" in out


def test_the_demo_starts_with_nothing_to_mail_and_a_few_unread_notifications_each(demo):
    from notifications.models import EmailStatus, Notification

    assert Notification.objects.exists()
    assert not Notification.objects.filter(
        email_status__in=[EmailStatus.PENDING, EmailStatus.DIGEST]
    ).exists()
    for user in User.objects.all():
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        assert unread <= 3, (user.username, unread)
    assert Notification.objects.filter(recipient__username="hq", read_at__isnull=True).exists()


def test_the_welcome_prints_the_address_and_every_login(demo, capsys, live_server):
    call_command("portal_welcome", url=live_server.url, once=True, settle=0, timeout=10)
    out = capsys.readouterr().out
    assert f"JV Portal is running: {live_server.url}/" in out
    assert f"{live_server.url}/admin/" in out
    for username in User.objects.values_list("username", flat=True):
        assert f"  {username} " in out, username


def test_the_demo_has_the_symposium_its_commitments_and_one_neglected_jv(demo):
    from engagements import cadence
    from engagements.models import Commitment, Engagement

    symposium = Engagement.objects.get(title="合资企业工作座谈会")
    assert (symposium.starts_on.month, symposium.starts_on.day) == (5, 24)
    assert symposium.high_level
    assert sorted(symposium.ventures.values_list("name_en", flat=True)) == sorted(
        [
            "Otis Elevator (Tianjin) Co., Ltd.",
            "Shensteel Electric (Tianjin) Co., Ltd.",
            "Aixin (Tianjin) Precision Machinery Co., Ltd.",
            "Daqiao Lincoln Welding Materials (Tianjin) Co., Ltd.",
            "Dongfang Wind Blades (Tianjin) Co., Ltd.",
            "Prysmian Cables (Tianjin) Co., Ltd.",
        ]
    )
    assert symposium.commitments.count() == 6
    assert symposium.commitments.filter(demand__isnull=False).count() == 2
    assert Engagement.objects.high_level().exclude(pk=symposium.pk).count() >= 6
    hq = User.objects.get(username="hq")
    assert [s.jv.name_en for s in cadence.past_target(user=hq)] == ["Siemens Switchgear (Tianjin) Co., Ltd."]
    assert Commitment.objects.count() == 8
