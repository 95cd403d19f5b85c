"""The Django admin: every page of every registered model opens, change forms save as a browser
posts them, and admin writes obey the portal's rules (services, locks, who is told).

``OBJECTS`` names, for every model the admin registers, how to find a row of it in the shared
portfolio; registering a model without adding it here fails
``test_every_registered_model_is_covered``.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Authenticator, Department, RecoveryCodes
from core.models import CalendarDay, Heartbeat
from core.roles import Role
from demands.models import RoutingRule, SLAPolicy
from engagements.models import ContactTarget
from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from representatives import notices
from representatives.models import Appointment
from research.models import CampaignSettings
from tests import factories as f
from tests.admin_forms import browser_post_data
from tests.engagements.builders import engagement_world
from tests.helpers import two_factor_enrol
from tests.research.builders import research_world
from tests.test_access_matrix import _demands, _governance
from ventures.models import JointVenture, Shareholding


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _notification(p):
    notify(recipient=p["rep"], kind=notices.APPOINTMENT_MADE.code, key="admin-test", params={})
    return Notification.objects.get(key="admin-test")


def _preference(p):
    return NotificationPreference.objects.create(user=p["rep"], kind=notices.APPOINTMENT_MADE.code)


def _two_factor(p):
    """The representative's authenticator and recovery codes (as the admin's proxies)."""
    if not Authenticator.objects.filter(user=p["rep"]).exists():
        two_factor_enrol(p["rep"])
    return Authenticator.objects.get(user=p["rep"]), RecoveryCodes.objects.get(user=p["rep"])


def _routing_rule(p):
    return RoutingRule.objects.create(category="market", jv=p["own"], department=p["own"].department)


def _access_attempt(p):
    return AccessAttempt.objects.create(
        username=p["rep"].username,
        ip_address="10.0.0.9",
        user_agent="probe",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


def _campaign_settings(p):
    # The migration's row, unless a transactional test flushed it away.
    return CampaignSettings.objects.order_by("pk").first() or CampaignSettings.objects.create(
        statuses=["operating"]
    )


# How to reach a row of each registered model, and a word its changelist search should find.
OBJECTS = {
    "auth.group": (lambda p: Group.objects.get(name=Role.HQ_STAFF), "hq"),
    "accounts.user": (lambda p: p["rep"], "rep"),
    "accounts.department": (lambda p: p["own"].department, "dept"),
    "axes.accessattempt": (_access_attempt, "rep"),
    "accounts.authenticator": (lambda p: _two_factor(p)[0], "rep"),
    "accounts.recoverycodes": (lambda p: _two_factor(p)[1], "rep"),
    "core.heartbeat": (lambda p: Heartbeat.objects.create(name="beat", beat_at=timezone.now()), ""),
    "core.calendarday": (
        lambda p: CalendarDay.objects.create(date=datetime.date(2031, 1, 1), kind="holiday", name="元旦"),
        "元旦",
    ),
    "notifications.notification": (_notification, "rep"),
    "notifications.notificationpreference": (_preference, "rep"),
    "ventures.party": (lambda p: p["own_partner"], "Own"),
    "ventures.jointventure": (lambda p: p["own"], "本方"),
    "ventures.shareholding": (lambda p: p["holdings"]["own_partner"], "本方"),
    "ventures.annualindicators": (lambda p: p["indicators"]["own"], "Own"),
    "representatives.representative": (lambda p: p["rep_profile"], "rep"),
    "representatives.appointment": (lambda p: p["own_appointment"], "rep"),
    "representatives.meeting": (lambda p: _governance(p)["meetings"]["own"], "Own"),
    "representatives.report": (lambda p: _governance(p)["reports"]["own_submitted"], "Own"),
    "representatives.evaluation": (lambda p: _governance(p)["evaluations"]["own"], "rep"),
    "demands.slapolicy": (lambda p: SLAPolicy.objects.order_by("pk").first(), ""),
    "demands.routingrule": (_routing_rule, "本方"),
    "demands.demand": (lambda p: _demands(p)["own"], "Own"),
    "research.campaignsettings": (_campaign_settings, ""),
    "research.annualresearch": (lambda p: research_world(p)["own"], "本方"),
    "research.datareturn": (lambda p: research_world(p)["own"].data_return, "本方"),
    "engagements.topic": (lambda p: engagement_world(p)["own"].topics.get(), ""),
    "engagements.partnerperson": (lambda p: engagement_world(p)["own"].partner_attendees.get(), "本方"),
    "engagements.contacttarget": (
        lambda p: engagement_world(p) and ContactTarget.objects.get(tier="core"),
        "",
    ),
    "engagements.engagement": (lambda p: engagement_world(p)["own"], "Own"),
    "engagements.commitment": (lambda p: engagement_world(p)["own_commitment"], "Own"),
}
# The records that move through services only: the admin reads them with their history.
READ_ONLY = {
    "axes.accessattempt",
    # Two-factor devices: made by enrolment, removed by the users' reset action.
    "accounts.authenticator",
    "accounts.recoverycodes",
    "core.heartbeat",
    "notifications.notification",
    "representatives.meeting",
    "representatives.report",
    "representatives.evaluation",
    "demands.demand",
    "research.annualresearch",
    "research.datareturn",
    "engagements.engagement",
    "engagements.commitment",
}
# One row each, made by a migration: no second one is added and the one is never deleted.
SINGLETONS = {"research.campaignsettings"}


def _registry() -> dict[str, type]:
    return {model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()}


def _url(label: str, view: str, *args) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_registered_model_is_covered():
    assert set(_registry()) == set(OBJECTS), "add the model to OBJECTS (and READ_ONLY if it is)"


@pytest.mark.parametrize("label", sorted(OBJECTS))
def test_every_admin_page_opens(label, portfolio, superuser_client):
    find, word = OBJECTS[label]
    obj = find(portfolio)
    client = superuser_client
    changelist = client.get(_url(label, "changelist"))
    assert changelist.status_code == 200
    assert client.get(_url(label, "changelist"), {"q": word}).status_code == 200
    expected_add = 403 if label in READ_ONLY | SINGLETONS else 200
    assert client.get(_url(label, "add")).status_code == expected_add
    change = client.get(_url(label, "change", obj.pk))
    assert change.status_code == 200
    assert client.get(_url(label, "history", obj.pk)).status_code == 200
    delete = client.get(_url(label, "delete", obj.pk))
    if label in READ_ONLY:
        assert delete.status_code == 403
        # Read-only means read-only: no bulk delete in the changelist either.
        actions = (
            changelist.context["action_form"].fields["action"].choices
            if changelist.context.get("action_form")
            else []
        )
        assert "delete_selected" not in [value for value, _label in actions]
        assert not change.context["has_change_permission"]
    elif label in SINGLETONS:
        assert delete.status_code == 403
    else:
        assert delete.status_code in (200, 403)


def _changeable():
    return sorted(label for label in OBJECTS if label not in READ_ONLY)


@pytest.mark.parametrize("label", _changeable())
def test_a_change_form_posted_back_unchanged_saves(label, portfolio, superuser_client):
    """As a browser would: every control of the rendered form, inlines and all, sent back."""
    find, _word = OBJECTS[label]
    obj = find(portfolio)
    url = _url(label, "change", obj.pk)
    page = superuser_client.get(url)
    form_id = f"{obj._meta.model_name}_form"
    data = browser_post_data(page.content.decode(), form_id)
    assert data, f"no form {form_id} on {url}"
    data["_save"] = ["Save"]
    response = superuser_client.post(url, data)
    errors = response.context and response.context.get("errors")
    assert response.status_code == 302, (label, errors and list(errors))
    assert response["Location"] == _url(label, "changelist")
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("label", sorted(set(_changeable()) - SINGLETONS))
def test_the_add_page_of_each_model_renders_a_form(label, portfolio, superuser_client):
    page = superuser_client.get(_url(label, "add"))
    assert page.status_code == 200
    model_name = label.split(".")[1]
    assert f'id="{model_name}_form"' in page.content.decode()


# --- Admin writes go through the portal's rules ---------------------------------------------------


def _change_data(client, obj, **changes) -> tuple[str, dict]:
    label = obj._meta.label_lower
    url = _url(label, "change", obj.pk)
    data = browser_post_data(client.get(url).content.decode(), f"{obj._meta.model_name}_form")
    data.update({k: [str(v)] for k, v in changes.items()})
    data["_save"] = ["Save"]
    return url, data


def test_an_appointment_made_in_the_admin_tells_the_representative_and_grants_the_role(
    portfolio, superuser_client
):
    person = f.make_user(None, username="newcomer")
    representative = f.RepresentativeFactory(user=person, name="新人")
    jv = portfolio["own"]
    response = superuser_client.post(
        _url("representatives.appointment", "add"),
        {
            "representative": representative.pk,
            "jv": jv.pk,
            "role": "director",
            "start_date": "2024-03-01",
            "term_end": "2027-02-28",
            "end_date": "",
            "notes": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(representative=representative)
    assert Notification.objects.filter(recipient=person, key=f"appointment-made:{appointment.pk}").exists()
    assert person.groups.filter(name=Role.REPRESENTATIVE).exists()
    history = appointment.history.get()
    assert history.history_user_id == superuser_client.session["_auth_user_id"] or history.history_user


def test_an_appointment_added_on_the_jv_page_tells_the_representative(portfolio, superuser_client):
    person = f.make_user(None, username="inline_newcomer")
    representative = f.RepresentativeFactory(user=person, name="新人乙")
    jv = portfolio["own"]
    url, data = _change_data(superuser_client, jv)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and k.startswith("appointments"))
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    row = f"{prefix}-{total}"
    data.update(
        {
            f"{row}-representative": [str(representative.pk)],
            f"{row}-role": ["supervisor"],
            f"{row}-start_date": ["2024-05-01"],
            f"{row}-term_end": [""],
            f"{row}-end_date": [""],
            f"{row}-notes": [""],
            f"{row}-jv": [str(jv.pk)],
        }
    )
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context and list(response.context["errors"])
    appointment = Appointment.objects.get(representative=representative, jv=jv)
    assert Notification.objects.filter(recipient=person, key=f"appointment-made:{appointment.pk}").exists()
    assert person.groups.filter(name=Role.REPRESENTATIVE).exists()


def test_a_stake_over_100_percent_in_the_admin_is_refused_and_nothing_is_saved(portfolio, superuser_client):
    holding = portfolio["holdings"]["own_group"]  # 40% beside the partner's 60%
    url, data = _change_data(superuser_client, holding, percentage="41")
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    assert "percentage" in response.context["adminform"].form.errors
    holding.refresh_from_db()
    assert holding.percentage == Decimal("40") and holding.version == 1


def test_stakes_swapped_on_the_jv_page_save_in_an_order_that_never_passes_100(portfolio, superuser_client):
    jv = portfolio["own"]
    url, data = _change_data(superuser_client, jv)
    rows = {}
    for key, values in data.items():
        if key.startswith("shareholdings-") and key.endswith("-id") and values[0]:
            rows[int(values[0])] = key.removesuffix("-id")
    group, partner = portfolio["holdings"]["own_group"], portfolio["holdings"]["own_partner"]
    data[f"{rows[group.pk]}-percentage"] = ["60"]
    data[f"{rows[partner.pk]}-percentage"] = ["40"]
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context and list(response.context["errors"])
    group.refresh_from_db()
    partner.refresh_from_db()
    assert (group.percentage, partner.percentage) == (Decimal("60"), Decimal("40"))
    assert group.version == 2 and partner.version == 2


def test_a_stale_admin_form_is_refused_and_keeps_the_other_save(portfolio, superuser_client):
    party = portfolio["own_partner"]
    url, first = _change_data(superuser_client, party, notes="first")
    _url_again, second = _change_data(superuser_client, party, notes="second")
    assert superuser_client.post(url, first).status_code == 302
    response = superuser_client.post(url, second)
    assert response.status_code == 200
    assert "Someone else changed this record" in str(response.context["adminform"].form.non_field_errors())
    party.refresh_from_db()
    assert party.notes == "first" and party.version == 2


def test_a_change_saved_in_the_admin_names_the_admin_in_history(portfolio, superuser_client, admin_user):
    venture = portfolio["own"]
    url, data = _change_data(superuser_client, venture, district="滨海新区")
    assert superuser_client.post(url, data).status_code == 302
    venture.refresh_from_db()
    assert venture.district == "滨海新区" and venture.version == 2
    assert venture.history.latest().history_user == admin_user


def test_a_representative_saved_in_the_admin_holds_the_role(portfolio, superuser_client):
    person = f.make_user(None, username="linked_later")
    representative = f.RepresentativeFactory(name="后来者")
    url, data = _change_data(superuser_client, representative, user=person.pk)
    assert superuser_client.post(url, data).status_code == 302
    assert person.groups.filter(name=Role.REPRESENTATIVE).exists()


def test_shareholdings_deleted_in_the_admin_go_through_the_service(portfolio, superuser_client, admin_user):
    holding = portfolio["holdings"]["own_partner"]
    response = superuser_client.post(_url("ventures.shareholding", "delete", holding.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Shareholding.objects.filter(pk=holding.pk).exists()
    assert Shareholding.history.filter(id=holding.pk, history_type="-").get().history_user == admin_user


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_read_only_records_cannot_be_changed_or_deleted_by_post(label, portfolio, superuser_client):
    find, _word = OBJECTS[label]
    obj = find(portfolio)
    model = type(obj)
    before = model._default_manager.count()
    assert superuser_client.post(_url(label, "delete", obj.pk), {"post": "yes"}).status_code == 403
    response = superuser_client.post(
        _url(label, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert superuser_client.post(_url(label, "change", obj.pk), {}).status_code == 403
    assert model._default_manager.count() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_the_admins_version_check_locks_the_row(portfolio, superuser_client):
    party = portfolio["own_partner"]
    url, data = _change_data(superuser_client, party, notes="locked")
    with CaptureQueriesContext(connection) as queries:
        assert superuser_client.post(url, data).status_code == 302
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and '"ventures_party"' in q["sql"]]
    assert locking, "the version is read without a row lock"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
def test_two_admins_saving_at_once_never_both_win(monkeypatch):
    """The first save holds the row between its check and its commit; the second, checked under
    the same lock, sees the new version and is refused."""
    from core.admin import VersionedAdmin

    admin_user = f.make_user(None, username="root1", is_staff=True, is_superuser=True)
    party = f.PartyFactory(name="同时", name_en="At Once")
    first_client, second_client = Client(), Client()
    first_client.force_login(admin_user)
    second_client.force_login(admin_user)
    url, first = _change_data(first_client, party, notes="first")
    _same, second = _change_data(second_client, party, notes="second")
    inside, release = threading.Event(), threading.Event()
    original = VersionedAdmin.save_model

    def slow_save(self, request, obj, form, change):
        if request.POST.get("notes") == "first":
            inside.set()
            release.wait(10)
        return original(self, request, obj, form, change)

    monkeypatch.setattr(VersionedAdmin, "save_model", slow_save)
    results = {}

    def run(name, client, data):
        try:
            results[name] = client.post(url, data).status_code
        finally:
            connection.close()

    one = threading.Thread(target=run, args=("first", first_client, first))
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=run, args=("second", second_client, second))
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second save did not wait for the first one's lock"
    release.set()
    one.join(10)
    two.join(10)
    assert results == {"first": 302, "second": 200}
    party.refresh_from_db()
    assert party.notes == "first" and party.version == 2


def test_jv_admin_add_page_creates_a_jv_through_the_service(portfolio, superuser_client, admin_user):
    department = Department.objects.first()
    page = superuser_client.get(_url("ventures.jointventure", "add"))
    data = browser_post_data(page.content.decode(), "jointventure_form")
    data.update(
        {
            "name": ["新合资公司"],
            "name_en": ["New JV"],
            "uscc": [f.valid_uscc()],
            "registered_capital": ["1000"],
            "currency": ["CNY"],
            "industry": ["elevators"],
            "status": ["operating"],
            "department": [str(department.pk)],
            "strategic_tier": ["general"],
            "_save": ["Save"],
        }
    )
    response = superuser_client.post(_url("ventures.jointventure", "add"), data)
    assert response.status_code == 302, response.context and list(response.context["errors"])
    venture = JointVenture.objects.get(name="新合资公司")
    assert venture.history.get().history_user == admin_user


def test_sla_policy_and_routing_rule_add_pages_save(superuser_client, portfolio):
    department = portfolio["own"].department
    response = superuser_client.post(
        _url("demands.slapolicy", "add"),
        {
            "priority": "normal",
            "category": "talent",
            "acknowledge_days": "2",
            "resolve_days": "9",
            "warning_days": "1",
            "escalation_interval_days": "2",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert SLAPolicy.objects.filter(priority="normal", category="talent").exists()
    response = superuser_client.post(
        _url("demands.routingrule", "add"),
        {"category": "talent", "jv": "", "department": department.pk, "owner": "", "_save": "Save"},
    )
    assert response.status_code == 302
    assert RoutingRule.objects.filter(category="talent", jv__isnull=True).exists()


@pytest.mark.parametrize("n", [3, 30])
def test_the_demand_changelist_costs_the_same_at_any_size(n, portfolio, superuser_client):
    """Newest first, one count of the filtered rows (no second count of the whole table), no
    date hierarchy scanning every row for its years; the same queries at 3 demands and at 30."""
    from demands.models import Demand
    from tests import factories as f

    for i in range(n):
        f.make_demand(portfolio["own"], portfolio["rep"], title=f"需求 {i}")
    url = _url("demands.demand", "changelist")
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(url, {"status__exact": "submitted"})
    assert response.status_code == 200
    listed = [d.pk for d in response.context["cl"].result_list]
    assert listed == list(Demand.objects.order_by("-submitted_at", "-pk").values_list("pk", flat=True)[:n])
    demand_counts = [
        q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and '"demands_demand"' in q["sql"]
    ]
    assert len(demand_counts) == 1
    assert not [
        q for q in queries.captured_queries if "DATE_TRUNC" in q["sql"] or "django_date_trunc" in q["sql"]
    ]
    # the user, department (list filter), the count, the page, and a fixed few for the admin
    # itself and the bell: the same at any size.
    assert len(queries.captured_queries) <= 7


@pytest.mark.parametrize("n", [3, 30])
def test_the_notification_changelist_costs_the_same_at_any_size(n, portfolio, superuser_client):
    """The outbox, the biggest table: one count of the filtered rows, no date hierarchy (a date
    filter that needs no query instead), the same queries at 3 notifications and at 30."""
    for i in range(n):
        notify(
            recipient=portfolio["rep"], kind=notices.APPOINTMENT_MADE.code, key=f"changelist:{i}", params={}
        )
    url = _url("notifications.notification", "changelist")
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(url, {"email_status__exact": "pending"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == n
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and "notifications_notification" in q["sql"]
    ]
    assert len(counts) == 2, counts  # the filtered rows, and the bell's unread count
    assert not [
        q for q in queries.captured_queries if "DATE_TRUNC" in q["sql"] or "django_date_trunc" in q["sql"]
    ]
    assert len(queries.captured_queries) <= 7


def test_the_outbox_names_its_kinds_in_the_readers_language_and_filters_by_them(portfolio, superuser_client):
    from django.utils import translation

    notify(recipient=portfolio["rep"], kind=notices.APPOINTMENT_MADE.code, key="kind:1", params={})
    url = _url("notifications.notification", "changelist")
    with translation.override("zh-hans"):
        label = str(notices.APPOINTMENT_MADE.label)
    response = superuser_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = response.content.decode()
    assert label in content
    assert notices.APPOINTMENT_MADE.code not in content.replace(
        f"kind__exact={notices.APPOINTMENT_MADE.code}", ""
    )
    filtered = superuser_client.get(url, {"kind__exact": notices.APPOINTMENT_MADE.code})
    assert [n.key for n in filtered.context["cl"].result_list] == ["kind:1"]
    assert (
        superuser_client.get(url, {"kind__exact": "demands.assigned"}).context["cl"].result_list.count() == 0
    )
