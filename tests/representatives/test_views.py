"""Representatives and appointments as HQ keeps them, and what that means for the representative."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from representatives import services
from representatives.models import Appointment, Representative
from tests import factories as f
from tests.helpers import db_snapshot, label, rendered_form_data


def _history_changes(response):
    return [
        (str(entry.who), entry.action, {c.label: (c.old, c.new) for c in entry.changes})
        for entry in response.context["history"]
    ]


def test_hq_creates_a_representative_and_linking_a_login_grants_the_role(hq_client, client_as, portfolio):
    login = f.make_user(None, username="newcomer")
    employer = portfolio["group"]
    assert not login.groups.exists()
    response = hq_client.post(
        reverse("representatives:representative_create"),
        {
            "name": "赵六",
            "name_en": "Zhao Liu",
            "employer": employer.pk,
            "position": "副总经理",
            "email": "zhao@example.com",
            "user": login.pk,
        },
    )
    person = Representative.objects.get(name="赵六")
    assert (response.status_code, response.url) == (
        302,
        reverse("representatives:representative_detail", args=[person.pk]),
    )
    assert (person.user, person.employer, person.version) == (login, employer, 1)
    assert list(login.groups.values_list("name", flat=True)) == [Role.REPRESENTATIVE]

    # With an appointment, the new representative sees that JV and no other.
    response = hq_client.post(
        reverse("representatives:appointment_create", args=[person.pk]),
        {
            "jv": portfolio["own"].pk,
            "role": "supervisor",
            "start_date": "2025-03-01",
            "term_end": "2028-02-28",
        },
    )
    assert (response.status_code, response.url) == (
        302,
        reverse("representatives:representative_detail", args=[person.pk]),
    )
    newcomer = client_as(login)
    assert newcomer.get(reverse("ventures:venture_detail", args=[portfolio["own"].pk])).status_code == 200
    assert newcomer.get(reverse("ventures:venture_detail", args=[portfolio["other"].pk])).status_code == 404


def test_a_representative_without_a_login_can_be_created(hq_client):
    before = Group.objects.get(name=Role.REPRESENTATIVE).user_set.count()
    response = hq_client.post(reverse("representatives:representative_create"), {"name": "钱七"})
    assert response.status_code == 302
    assert Representative.objects.get(name="钱七").user is None
    assert Group.objects.get(name=Role.REPRESENTATIVE).user_set.count() == before


def test_a_login_already_linked_is_not_offered_again(hq_client, portfolio):
    form = hq_client.get(reverse("representatives:representative_create")).context["form"]
    assert portfolio["rep"] not in form.fields["user"].queryset
    before = db_snapshot()
    response = hq_client.post(
        reverse("representatives:representative_create"), {"name": "重复", "user": portfolio["rep"].pk}
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert db_snapshot() == before
    # On its own representative's edit form the linked login is offered (and kept).
    url = reverse("representatives:representative_update", args=[portfolio["rep_profile"].pk])
    edit = hq_client.get(url).context["form"]
    assert portfolio["rep"] in edit.fields["user"].queryset


def test_the_employer_dropdown_offers_group_companies_only(hq_client, portfolio):
    form = hq_client.get(reverse("representatives:representative_create")).context["form"]
    assert list(form.fields["employer"].queryset) == [portfolio["group"]]


def test_hq_edits_a_representative_and_the_page_says_who_changed_what(hq_client, portfolio):
    person = portfolio["rep_profile"]
    url = reverse("representatives:representative_update", args=[person.pk])
    response = hq_client.post(url, rendered_form_data(hq_client, url, name_en="Li Ming", position="总经理"))
    assert (response.status_code, response.url) == (
        302,
        reverse("representatives:representative_detail", args=[person.pk]),
    )
    person.refresh_from_db()
    assert (person.name_en, person.position, person.version) == ("Li Ming", "总经理", 2)
    page = hq_client.get(response.url)
    who, action, changes = _history_changes(page)[0]
    assert (who, action) == ("hq", "~")
    assert changes[label(Representative, "name_en")][1] == "Li Ming"
    assert changes[label(Representative, "position")] == ("—", "总经理")
    assert "→ Li Ming" in page.content.decode()


def test_relinking_a_login_grants_the_new_login_the_role(hq_client, portfolio):
    person = portfolio["rep_profile"]
    login = f.make_user(None, username="second_login")
    url = reverse("representatives:representative_update", args=[person.pk])
    response = hq_client.post(url, rendered_form_data(hq_client, url, user=str(login.pk)))
    assert response.status_code == 302
    assert login.groups.filter(name=Role.REPRESENTATIVE).exists()


def test_hq_adds_and_edits_an_appointment(hq_client, hq, portfolio, client_as):
    person = portfolio["rep_profile"]
    detail = reverse("representatives:representative_detail", args=[person.pk])
    response = hq_client.post(
        reverse("representatives:appointment_create", args=[person.pk]),
        {
            "jv": portfolio["other"].pk,
            "role": "director",
            "start_date": "2024-06-01",
            "term_end": "2027-05-31",
        },
    )
    assert (response.status_code, response.url) == (302, detail)
    appointment = person.appointments.get(jv=portfolio["other"])
    assert appointment.is_active
    # The representative now sees the second JV too.
    rep = client_as(portfolio["rep"])
    assert rep.get(reverse("ventures:venture_detail", args=[portfolio["other"].pk])).status_code == 200

    client_as(hq)
    url = reverse("representatives:appointment_update", args=[person.pk, appointment.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = hq_client.post(url, rendered_form_data(hq_client, url, end_date=yesterday.isoformat()))
    assert (response.status_code, response.url) == (302, detail)
    appointment.refresh_from_db()
    assert (appointment.end_date, appointment.version, appointment.is_active) == (yesterday, 2, False)
    page = hq_client.get(detail)
    who, action, changes = _history_changes(page)[0]
    assert (who, action, changes) == ("hq", "~", {label(Appointment, "end_date"): ("—", str(yesterday))})
    assert "Not serving" in page.content.decode()
    # Ended yesterday: the JV is gone for the representative.
    rep = client_as(portfolio["rep"])
    assert rep.get(reverse("ventures:venture_detail", args=[portfolio["other"].pk])).status_code == 404


def test_an_appointment_is_reached_only_through_its_representative(hq_client, portfolio):
    """Another representative's appointment id under this representative's URL is not found."""
    url = reverse(
        "representatives:appointment_update",
        args=[portfolio["rep_profile"].pk, portfolio["other_appointment"].pk],
    )
    assert hq_client.get(url).status_code == 404


def test_the_detail_page_lists_appointments_with_their_state(hq_client, portfolio):
    person = portfolio["rep_profile"]
    f.AppointmentFactory(
        representative=person,
        jv=portfolio["other"],
        start_date=datetime.date(2019, 1, 1),
        term_end=datetime.date(2021, 12, 31),
        end_date=datetime.date(2021, 12, 31),
    )
    page = hq_client.get(reverse("representatives:representative_detail", args=[person.pk]))
    rows = [(a.jv, a.is_active) for a in page.context["appointments"]]
    assert rows == [(portfolio["own"], True), (portfolio["other"], False)]


def test_a_representative_sees_only_their_seats_on_a_colleagues_page(client_as, portfolio):
    """A colleague in the rep's JV who also sits elsewhere: only the shared JV is shown."""
    colleague = f.RepresentativeFactory(name="同事", name_en="Colleague")
    f.AppointmentFactory(representative=colleague, jv=portfolio["own"])
    f.AppointmentFactory(representative=colleague, jv=portfolio["other"], role="chairman")
    services.representative_update(
        representative=colleague, actor=None, data={"notes": "x"}, expected_version=colleague.version
    )
    rep = client_as(portfolio["rep"])
    page = rep.get(reverse("representatives:representative_detail", args=[colleague.pk]))
    assert page.status_code == 200
    assert [a.jv for a in page.context["appointments"]] == [portfolio["own"]]
    content = page.content.decode()
    assert "他方合资公司" not in content
    assert "Hidden Venture Co., Ltd." not in content
    listing = rep.get(reverse("representatives:representative_list"))
    rows = {r.name: [a.jv for a in r.active_seats] for r in listing.context["object_list"]}
    assert rows == {"rep": [portfolio["own"]], "同事": [portfolio["own"]]}
    assert {r.name: r.seat_count for r in listing.context["object_list"]} == {"rep": 1, "同事": 1}


# --- The representative list --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"rep", "other_rep", "former"}),
        ({"q": "other"}, {"other_rep"}),
        ({"jv": "own"}, {"rep"}),
        ({"role": "chairman"}, set()),
        ({"role": "director"}, {"rep", "other_rep"}),
        ({"serving": "yes"}, {"rep", "other_rep"}),
        ({"serving": "no"}, {"former"}),
    ],
)
def test_the_representative_list_filters(query, expected, hq_client, portfolio):
    former = f.RepresentativeFactory(name="former")
    f.AppointmentFactory(
        representative=former,
        jv=portfolio["own"],
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    query = {k: portfolio[v].pk if k == "jv" else v for k, v in query.items()}
    response = hq_client.get(reverse("representatives:representative_list"), query)
    assert {r.name for r in response.context["object_list"]} == expected


# --- Query budgets ------------------------------------------------------------------------------


def _representatives(n):
    group = f.PartyFactory(kind="group")
    for _ in range(n):
        person = f.RepresentativeFactory(employer=group, user=f.make_user(Role.REPRESENTATIVE))
        f.AppointmentFactory(representative=person)
        f.AppointmentFactory(representative=person)


@pytest.mark.parametrize("n", [5, 30])
def test_representative_list_query_budget(n, hq_client, django_assert_max_num_queries):
    _representatives(n)
    # 5 queries however many people: the user with their roles; the JV choices of the filter form;
    # the page count; the page of representatives (employer and login joined, seats counted);
    # their seats in force (one prefetch, JVs joined). One of slack.
    # +1 since the top bar's bell counts unread notifications (one COUNT per page).
    with django_assert_max_num_queries(7):
        response = hq_client.get(reverse("representatives:representative_list"))
    assert len(response.context["object_list"]) == min(n, 25)
    assert all(len(r.active_seats) == 2 for r in response.context["object_list"])


@pytest.mark.parametrize("n", [1, 10])
def test_representative_detail_query_budget(n, hq_client, hq, django_assert_max_num_queries):
    person = f.RepresentativeFactory(
        employer=f.PartyFactory(kind="group"), user=f.make_user(Role.REPRESENTATIVE)
    )
    for _ in range(n):
        f.AppointmentFactory(representative=person)
    for i in range(n):
        person = services.representative_update(
            representative=person, actor=hq, data={"notes": str(i)}, expected_version=person.version
        )
    # 9 queries however many rows: the user with their roles; the representative (employer and login
    # joined); the appointments (JVs joined); the history of the representative and of their
    # appointments (one query each); the names behind the history's foreign keys, one query per
    # model (representative, JV, party, user). One of slack.
    # +1 since the top bar's bell counts unread notifications (one COUNT per page).
    with django_assert_max_num_queries(11):
        response = hq_client.get(reverse("representatives:representative_detail", args=[person.pk]))
    assert len(response.context["appointments"]) == n
    assert Appointment.objects.filter(representative=person).count() == n


def test_the_list_figures_count_seats_in_force_in_the_viewers_jvs(portfolio, hq, client_as):
    """Seats and the next term end, worked out per row by subqueries: as HQ and as a colleague."""
    today = timezone.localdate()
    person = f.RepresentativeFactory(name="多席代表")
    day = datetime.timedelta(days=1)
    # In force: two in the rep's JV (terms ending in 40 days and never), one in the other JV
    # (ending in 10 days). Not in force: one ended, one not yet started (their terms don't count).
    f.AppointmentFactory(representative=person, jv=portfolio["own"], term_end=today + 40 * day)
    f.AppointmentFactory(representative=person, jv=portfolio["own"], role="supervisor", term_end=None)
    f.AppointmentFactory(representative=person, jv=portfolio["other"], term_end=today + 10 * day)
    f.AppointmentFactory(
        representative=person, jv=portfolio["other"], end_date=today - day, term_end=today - 5 * day
    )
    f.AppointmentFactory(
        representative=person, jv=portfolio["own"], start_date=today + day, term_end=today + 2 * day
    )
    idle = f.RepresentativeFactory(name="无席代表")
    f.AppointmentFactory(representative=idle, jv=portfolio["own"], end_date=today - day)

    rows = {
        r.pk: r
        for r in client_as(hq).get(reverse("representatives:representative_list")).context["object_list"]
    }
    assert (rows[person.pk].seat_count, rows[person.pk].next_term_end) == (3, today + 10 * day)
    assert (rows[idle.pk].seat_count, rows[idle.pk].next_term_end) == (0, None)
    assert len(rows[person.pk].active_seats) == 3

    # A colleague in the rep's JV: only the seats in the JVs the rep sees are counted.
    rows = {
        r.pk: r
        for r in client_as(portfolio["rep"])
        .get(reverse("representatives:representative_list"))
        .context["object_list"]
    }
    assert rows[person.pk].seat_count == 2
    assert {a.jv_id for a in rows[person.pk].active_seats} == {portfolio["own"].pk}
    assert idle.pk not in rows


def test_the_seats_a_page_lists_answer_whether_the_viewer_holds_one_there(
    portfolio, django_assert_num_queries
):
    """The JV page lists the JV's seats in force; they answer ``holds_seat`` for that JV (no query)
    and bring the viewer's record; another JV is asked of the viewer's own seats, once."""
    from django.contrib.auth import get_user_model

    from core.registry import membership
    from core.roles import roles_of
    from representatives.permissions import holds_seat, profile_of

    rep = get_user_model().objects.get(pk=portfolio["rep"].pk)  # a fresh object, as per request
    other = get_user_model().objects.get(pk=portfolio["other_rep"].pk)
    own, hidden = portfolio["own"], portfolio["other"]
    roles_of(rep), roles_of(other)  # loaded with the user, as the auth backend does per request
    membership().note_seats(rep, own, list(membership().seats_in(own)))
    membership().note_seats(other, own, list(membership().seats_in(own)))
    with django_assert_num_queries(0):
        assert holds_seat(rep, own) is True
        assert profile_of(rep).user_id == rep.pk
        assert holds_seat(other, own) is False
    with django_assert_num_queries(1):
        assert holds_seat(other, hidden) is True
        assert holds_seat(other, own) is False
