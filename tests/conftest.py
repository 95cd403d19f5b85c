"""Shared fixtures: one user per role and a small portfolio where each role has its own and others' objects."""

import pytest

from core.roles import Role
from tests import factories as f


@pytest.fixture
def leader(db):
    return f.make_user(Role.LEADERSHIP, username="leader")


@pytest.fixture
def hq(db):
    return f.make_user(Role.HQ_STAFF, username="hq")


@pytest.fixture
def admin_user(db):
    return f.make_user(None, username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def nobody(db):
    """A logged-in user with no role: sees nothing."""
    return f.make_user(None, username="nobody")


@pytest.fixture
def portfolio(db):
    """Two JVs with shareholders, indicators and a representative each.

    ``own`` is the JV where ``rep`` serves; ``other`` is one where ``rep`` has no seat (but
    ``other_rep`` does).
    """
    group = f.PartyFactory(name="集团公司", name_en="Group Co", kind="group", country="CN")
    own = f.JointVentureFactory(name="本方合资公司", name_en="Own Venture Co., Ltd.")
    other = f.JointVentureFactory(name="他方合资公司", name_en="Hidden Venture Co., Ltd.")
    own_partner = f.PartyFactory(name="本方外方", name_en="Own Partner GmbH", country="DE")
    other_partner = f.PartyFactory(name="他方外方", name_en="Hidden Partner SA", country="FR")
    holdings = {
        "own_group": f.ShareholdingFactory(jv=own, party=group, percentage=40),
        "own_partner": f.ShareholdingFactory(jv=own, party=own_partner, percentage=60),
        "other_group": f.ShareholdingFactory(jv=other, party=group, percentage=30),
        "other_partner": f.ShareholdingFactory(jv=other, party=other_partner, percentage=70),
    }
    indicators = {
        "own": f.AnnualIndicatorsFactory(jv=own, year=2024),
        "other": f.AnnualIndicatorsFactory(jv=other, year=2024),
    }
    rep = f.make_representative_user(own, username="rep")
    other_rep = f.make_representative_user(other, username="other_rep")
    return {
        "own": own,
        "other": other,
        "group": group,
        "own_partner": own_partner,
        "other_partner": other_partner,
        "holdings": holdings,
        "indicators": indicators,
        "rep": rep,
        "rep_profile": rep.representative_profile,
        "other_rep": other_rep,
        "other_rep_profile": other_rep.representative_profile,
        "own_appointment": rep.representative_profile.appointments.get(),
        "other_appointment": other_rep.representative_profile.appointments.get(),
    }


@pytest.fixture
def rep(portfolio):
    """The representative of ``portfolio``: serves in ``own`` only."""
    return portfolio["rep"]


@pytest.fixture
def client_as(client):
    """Log the test client in as ``user`` (anonymous for None) and return it."""

    def _as(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _as


@pytest.fixture
def hq_client(client, hq):
    client.force_login(hq)
    return client
