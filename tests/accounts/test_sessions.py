"""Sessions at a privilege change: a user whose roles, staff, superuser or active status change
loses every session (User._get_session_auth_hash) and signs in again with a fresh session id;
anything else keeps them."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from representatives.services import grant_representative_role
from tests import factories as f
from tests.admin_forms import browser_post_data

PASSWORD = "right-horse-battery"


@pytest.fixture
def amy(db):
    return f.make_user(Role.HQ_STAFF, username="amy", password=PASSWORD)


def _signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    return client


def _still_signed_in(client) -> bool:
    response = client.get(reverse("ventures:venture_list"))
    return response.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda u: u.groups.add(Group.objects.get(name=Role.LEADERSHIP)),
        lambda u: u.groups.remove(Group.objects.get(name=Role.HQ_STAFF)),
        lambda u: u.groups.set([Group.objects.get(name=Role.REPRESENTATIVE)]),
        lambda u: type(u).objects.filter(pk=u.pk).update(is_staff=True),
        lambda u: type(u).objects.filter(pk=u.pk).update(is_superuser=True),
    ],
    ids=["role-added", "role-removed", "roles-replaced", "made-staff", "made-superuser"],
)
def test_a_privilege_change_ends_every_session_of_the_user(change, amy):
    laptop, phone = _signed_in(amy), _signed_in(amy)
    old_key = laptop.session.session_key
    bystander = _signed_in(f.make_user(Role.HQ_STAFF, username="bob", password=PASSWORD))
    change(amy)
    for client in (laptop, phone):
        response = client.get(reverse("ventures:venture_list"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert SESSION_KEY not in client.session
    assert _still_signed_in(bystander)
    # Signing in again gives a fresh session id with the new privileges.
    laptop.post(reverse("login"), {"username": "amy", "password": PASSWORD})
    assert laptop.session.session_key != old_key
    assert _still_signed_in(laptop)


def test_a_role_granted_by_a_service_ends_the_sessions(amy):
    client = _signed_in(amy)
    grant_representative_role(amy)
    assert not _still_signed_in(client)


def test_a_deactivated_user_is_signed_out(amy):
    client = _signed_in(amy)
    amy.is_active = False
    amy.save()
    assert not _still_signed_in(client)


def test_changes_that_grant_nothing_keep_the_sessions(amy):
    client = _signed_in(amy)
    amy.display_name = "Amy Li"
    amy.language = "en"
    amy.save()
    assert _still_signed_in(client)
    grant_representative_role(amy)  # a new role: ends the session
    client = _signed_in(amy)
    grant_representative_role(amy)  # already held: nothing changes
    amy.groups.add(Group.objects.get(name=Role.HQ_STAFF))  # already held
    assert _still_signed_in(client)


def test_roles_changed_in_the_admin_end_the_users_sessions(amy, admin_client):
    client = _signed_in(amy)
    url = reverse("admin:accounts_user_change", args=[amy.pk])
    data = browser_post_data(admin_client.get(url).content.decode(), "user_form")
    data["groups"] = [str(Group.objects.get(name=Role.LEADERSHIP).pk)]
    data["_save"] = ["Save"]
    assert admin_client.post(url, data).status_code == 302
    assert not _still_signed_in(client)
    # The admin's own session is untouched: their privileges did not change.
    assert admin_client.get(reverse("admin:index")).status_code == 200


def test_the_session_check_reads_the_roles_once_per_request(amy):
    """The roles the session check reads are the ones every access rule of the request uses."""
    client = _signed_in(amy)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("ventures:venture_list")).status_code == 200
    group_reads = [q["sql"] for q in queries if '"auth_group"' in q["sql"] and '"name"' in q["sql"]]
    assert len(group_reads) == 1, group_reads


def test_the_user_and_their_roles_are_one_query_and_the_session_none(amy):
    """A page's fixed cost: the session comes from the cache (cached_db, written through to the
    database) and the user comes joined to their groups, one row per group."""
    amy.groups.add(Group.objects.get_or_create(name=Role.LEADERSHIP)[0])
    client = _signed_in(amy)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("ventures:venture_list"))
    assert response.context["user"]._portal_roles == {Role.HQ_STAFF, Role.LEADERSHIP}
    assert not [q for q in queries if '"django_session"' in q["sql"]]
    user_reads = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(user_reads) == 1, user_reads
    assert '"auth_group"' in user_reads[0]


def test_a_user_without_a_role_loads_with_none_and_an_inactive_one_not_at_all(amy):
    from accounts.backends import PortalModelBackend

    nobody = f.make_user(None, username="nobody")
    assert PortalModelBackend().get_user(nobody.pk)._portal_roles == frozenset()
    nobody.is_active = False
    nobody.save()
    assert PortalModelBackend().get_user(nobody.pk) is None
    assert PortalModelBackend().get_user(10**9) is None
