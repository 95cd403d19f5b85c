"""The notifications page, the bell, marking read and the delivery settings: always one's own."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from notifications.models import Delivery, EmailStatus, Notification, NotificationPreference
from notifications.services import notify
from representatives import notices
from representatives.choices import SeatRole
from tests import factories as f

MADE = notices.APPOINTMENT_MADE.code
ENDING = notices.TERM_ENDING.code
LIST = reverse("notifications:notification_list")
READ_ALL = reverse("notifications:notification_read_all")
PREFERENCES = reverse("notifications:preferences")


def _open(notification) -> str:
    return reverse("notifications:notification_open", args=[notification.pk])


def tell(user, key, *, jv=None, url=None) -> Notification:
    jv = jv or f.JointVentureFactory()
    notify(
        recipient=user,
        kind=MADE,
        key=key,
        params={
            "role": kinds.in_each_language(SeatRole.SUPERVISOR.label),
            "jv": kinds.bilingual(jv),
            "start": "2025-10-09",
        },
        url=jv.get_absolute_url() if url is None else url,
        target=jv,
    )
    return Notification.objects.get(key=key)


def unread_badge(response) -> int | None:
    """The number on the bell in the top bar, or None when it shows none."""
    match = re.search(r'data-testid="unread-count">(\d+)<', response.content.decode())
    return int(match.group(1)) if match else None


@pytest.fixture
def alice(db):
    return f.make_user(None, username="alice", language="en")


@pytest.fixture
def bob(db):
    return f.make_user(None, username="bob", language="en")


@pytest.fixture
def inboxes(alice, bob):
    """Alice: one read, two unread; Bob: one unread, about a JV Alice must not hear of."""
    own = f.JointVentureFactory(name="甲公司", name_en="Alpha Venture")
    secret = f.JointVentureFactory(name="秘密公司", name_en="Secret Venture")
    mine = [tell(alice, f"made:alice:{i}", jv=own) for i in range(3)]
    Notification.objects.filter(pk=mine[0].pk).update(
        read_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    )
    theirs = tell(bob, "made:bob", jv=secret)
    return {"own": own, "secret": secret, "mine": mine, "theirs": theirs}


def test_the_list_shows_only_ones_own_notifications(inboxes, alice, client):
    client.force_login(alice)
    response = client.get(LIST)
    assert response.status_code == 200
    assert {n.pk for n in response.context["notifications"]} == {n.pk for n in inboxes["mine"]}
    content = response.content.decode()
    assert "Alpha Venture" in content
    assert "Secret Venture" not in content
    assert "秘密公司" not in content


def test_the_list_speaks_the_viewers_language(inboxes, bob, client):
    bob.language = "zh-hans"
    bob.save(update_fields=["language"])
    client.force_login(bob)
    content = client.get(LIST).content.decode()
    assert "秘密公司" in content
    assert "Secret Venture" not in content


def test_the_unread_filter(inboxes, alice, client):
    client.force_login(alice)
    response = client.get(LIST, {"unread": "1"})
    assert {n.pk for n in response.context["notifications"]} == {n.pk for n in inboxes["mine"][1:]}


def test_opening_marks_read_and_goes_to_the_object(inboxes, alice, client):
    client.force_login(alice)
    notification = inboxes["mine"][1]
    response = client.post(_open(notification))
    assert (response.status_code, response.url) == (302, inboxes["own"].get_absolute_url())
    notification.refresh_from_db()
    assert notification.read_at is not None
    # The others are still unread.
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 1


def test_opening_twice_keeps_the_first_read_time(inboxes, alice, client):
    client.force_login(alice)
    notification = inboxes["mine"][1]
    client.post(_open(notification))
    notification.refresh_from_db()
    first = notification.read_at
    client.post(_open(notification))
    notification.refresh_from_db()
    assert notification.read_at == first


def test_opening_someone_elses_notification_is_a_404_and_changes_nothing(inboxes, alice, client):
    client.force_login(alice)
    theirs = inboxes["theirs"]
    assert client.post(_open(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # An id that does not exist looks the same.
    missing = reverse("notifications:notification_open", args=[theirs.pk + 1000])
    assert client.post(missing).status_code == 404


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/phish", "http://testserver.evil.example/"]
)
def test_opening_never_redirects_off_the_site(alice, client, url):
    notification = tell(alice, "made:evil", url=url)
    client.force_login(alice)
    response = client.post(_open(notification))
    assert (response.status_code, response.url) == (302, LIST)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_notification_without_a_link_goes_to_the_list(alice, client):
    notification = tell(alice, "made:nolink", url="")
    client.force_login(alice)
    assert client.post(_open(notification)).url == LIST


@pytest.mark.parametrize(
    "url_name", ["notifications:notification_open", "notifications:notification_read_all"]
)
def test_marking_read_needs_a_post(inboxes, alice, client, url_name):
    """A link (a GET, a prefetch, an image tag) never marks anything read."""
    client.force_login(alice)
    args = [inboxes["mine"][1].pk] if url_name.endswith("open") else []
    assert client.get(reverse(url_name, args=args)).status_code == 405
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 2


def test_read_all_marks_only_ones_own(inboxes, alice, client):
    client.force_login(alice)
    response = client.post(READ_ALL, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    inboxes["theirs"].refresh_from_db()
    assert inboxes["theirs"].read_at is None
    # Already-read rows keep their read time.
    inboxes["mine"][0].refresh_from_db()
    assert inboxes["mine"][0].read_at.year == 2025


def test_anonymous_posts_change_nothing(inboxes, client):
    for url in (_open(inboxes["mine"][1]), READ_ALL):
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 3


@pytest.mark.parametrize(
    "url", [LIST, PREFERENCES, reverse("home"), reverse("ventures:venture_list"), reverse("password_change")]
)
def test_the_bell_shows_ones_unread_count_on_every_page(inboxes, alice, client, url):
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    # Alice's two unread, not Bob's one.
    assert unread_badge(response) == 2


def test_the_bell_empties_after_reading_everything(inboxes, alice, client):
    client.force_login(alice)
    client.post(READ_ALL)
    response = client.get(reverse("home"))
    assert unread_badge(response) is None
    # The bell itself is still there, linking to the page.
    assert f'href="{LIST}" data-testid="bell"' in response.content.decode()


def test_the_bell_counts_one_more_after_a_new_notification(inboxes, bob, client):
    client.force_login(bob)
    assert unread_badge(client.get(reverse("home"))) == 1
    tell(bob, "made:bob:2")
    assert unread_badge(client.get(reverse("home"))) == 2


def test_the_preferences_page_offers_each_kind(alice, client):
    client.force_login(alice)
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {code for code, _label in kinds.choices()}
    assert {MADE, ENDING} <= set(form.fields)
    assert all(form[code].initial == Delivery.IMMEDIATE for code in form.fields)


def test_the_preferences_form_saves_a_choice_per_kind(alice, bob, client):
    client.force_login(alice)
    data = {code: Delivery.IMMEDIATE for code, _label in kinds.choices()}
    data.update({MADE: Delivery.PORTAL, ENDING: Delivery.DIGEST})
    response = client.post(PREFERENCES, data, follow=True)
    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "Your notification settings were saved." in response.content.decode()
    saved = dict(NotificationPreference.objects.filter(user=alice).values_list("kind", "delivery"))
    assert saved[MADE] == Delivery.PORTAL
    assert saved[ENDING] == Delivery.DIGEST
    assert not NotificationPreference.objects.filter(user=bob).exists()
    # The page shows the saved choices, and new notifications follow them.
    form = response.context["form"]
    assert (form[MADE].initial, form[ENDING].initial) == (Delivery.PORTAL, Delivery.DIGEST)
    assert tell(alice, "made:after").email_status == EmailStatus.SKIPPED
    assert tell(bob, "made:bob").email_status == EmailStatus.PENDING


def test_the_preferences_form_refuses_an_unknown_choice(alice, client):
    client.force_login(alice)
    data = {code: Delivery.IMMEDIATE for code, _label in kinds.choices()}
    data[MADE] = "carrier-pigeon"
    response = client.post(PREFERENCES, data)
    assert response.status_code == 200
    assert MADE in response.context["form"].errors
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("n", [3, 30])
def test_notification_list_query_budget(n, alice, client, django_assert_max_num_queries):
    jv = f.JointVentureFactory()
    for i in range(n):
        tell(alice, f"made:{i}", jv=jv)
    client.force_login(alice)
    # 3 queries however many notifications (30 fills more than a page): the user with their
    # roles; the unread count for the bell; the page of notifications (one row more than a page
    # says whether another follows: no count). Subjects render from the row's own parameters, so
    # no query per row. None of slack: a query per row would break it at once.
    with django_assert_max_num_queries(3):
        response = client.get(LIST)
    assert len(response.context["notifications"]) == min(n, 25)
    # An earlier page: one more, the cursor's row.
    if response.context["earlier"]:
        with django_assert_max_num_queries(4):
            client.get(LIST, {"before": response.context["earlier"]})


def test_the_list_pages_by_keyset_showing_each_notification_once(alice, bob, client, settings):
    """Newest first; "earlier" continues after the page's last row, across equal timestamps, in
    the unread view too; a cursor naming someone else's notification is a 404."""
    settings.PORTAL_PAGE_SIZE = 3
    jv = f.JointVentureFactory()
    made = [tell(alice, f"made:{i}", jv=jv) for i in range(8)]
    moment = timezone.now()
    # Two at each moment, so page edges fall between notifications of one timestamp.
    for i, row in enumerate(made):
        Notification.objects.filter(pk=row.pk).update(created_at=moment + datetime.timedelta(seconds=i // 2))
    Notification.objects.filter(pk__in=[made[1].pk, made[4].pk]).update(read_at=moment)
    theirs = tell(bob, "made:bob", jv=jv)
    client.force_login(alice)
    for query, expected in (
        ({}, Notification.objects.filter(recipient=alice)),
        ({"unread": "1"}, Notification.objects.filter(recipient=alice, read_at__isnull=True)),
    ):
        seen, response = [], client.get(LIST, query)
        while True:
            seen += [n.pk for n in response.context["notifications"]]
            earlier = response.context["earlier"]
            if not earlier:
                break
            assert 'data-testid="notifications-earlier"' in response.content.decode()
            response = client.get(LIST, {**query, "before": earlier})
            assert response.status_code == 200
        assert seen == list(expected.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert client.get(LIST, {"before": theirs.pk}).status_code == 404
    assert client.get(LIST, {"before": "x"}).status_code == 404


def test_the_bell_costs_one_query(alice, client):
    """The count on every page is one indexed COUNT, whatever the page."""
    client.force_login(alice)
    url = reverse("password_change")
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    bell = [q["sql"] for q in context.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1
    assert "COUNT(" in bell[0].upper()
