"""Evaluations: HQ scores a representative's year, keeps it a draft while it changes, and publishes it
to the representative, who alone (besides HQ and leadership) ever sees it."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import Role
from core.services import ConcurrentEditError
from notifications.models import Notification
from representatives import notices, permissions, services
from representatives.choices import EvaluationStatus, Grade
from representatives.models import Evaluation
from tests import factories as f

PUBLISHED = notices.EVALUATION_PUBLISHED.code


def scores(representative, **changes) -> dict:
    return {
        "representative": representative,
        "year": 2025,
        "learning": 90,
        "communication": 85,
        "role": 88,
        "proficiency": 80,
        "grade": Grade.EXCELLENT,
        "summary": "履职尽责。",
        "evaluated_on": datetime.date(2026, 1, 20),
        **changes,
    }


def snapshot(evaluation) -> dict:
    """Everything a refused write must leave alone."""
    return {
        "row": Evaluation.objects.filter(pk=evaluation.pk).values().get(),
        "history": Evaluation.history.filter(id=evaluation.pk).count(),
        "outbox": sorted(Notification.objects.values_list("key", flat=True)),
    }


def visible(user) -> set[int]:
    return set(Evaluation.objects.visible_to(user).values_list("pk", flat=True))


@pytest.fixture
def draft(portfolio, hq):
    return services.evaluation_create(actor=hq, data=scores(portfolio["rep_profile"]))


def publish(evaluation, actor, expected_version=None):
    return services.evaluation_publish(evaluation=evaluation, actor=actor, expected_version=expected_version)


# --- Writing one -----------------------------------------------------------------------------------


def test_hq_writes_a_draft(portfolio, hq, draft):
    draft.refresh_from_db()
    assert (draft.status, draft.evaluator, draft.version, draft.published_at) == (
        EvaluationStatus.DRAFT,
        hq,
        1,
        None,
    )
    assert (draft.total, draft.average) == (343, 85.75)
    assert Evaluation.history.get(id=draft.pk).history_user == hq
    assert not Notification.objects.exists()


def test_only_hq_staff_and_superusers_evaluate(portfolio, hq, leader, admin_user, nobody):
    assert permissions.can_evaluate(hq)
    assert permissions.can_evaluate(admin_user)
    for user in (leader, portfolio["rep"], nobody, AnonymousUser()):
        assert not permissions.can_evaluate(user)
    for user in (leader, portfolio["rep"], nobody):
        with pytest.raises(PermissionDenied):
            services.evaluation_create(actor=user, data=scores(portfolio["rep_profile"]))
    assert not Evaluation.objects.exists()
    services.evaluation_create(actor=admin_user, data=scores(portfolio["rep_profile"]))
    assert Evaluation.objects.get().evaluator == admin_user


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"learning": 101}, {"learning"}),
        ({"proficiency": 250}, {"proficiency"}),
        # A breach must be explained and graded incompetent.
        ({"bottom_line_kept": False, "grade": Grade.INCOMPETENT}, {"bottom_line_note"}),
        ({"bottom_line_kept": False, "bottom_line_note": "泄露商业秘密"}, {"grade"}),
        ({"bottom_line_kept": False, "grade": Grade.BASIC}, {"bottom_line_note", "grade"}),
    ],
)
def test_the_rules_are_errors_on_the_field_to_fix(portfolio, hq, changes, errors):
    with pytest.raises(ValidationError) as exc:
        services.evaluation_create(actor=hq, data=scores(portfolio["rep_profile"], **changes))
    assert set(exc.value.message_dict) == errors
    assert not Evaluation.objects.exists()


def test_a_breach_explained_and_graded_incompetent_is_accepted(portfolio, hq):
    evaluation = services.evaluation_create(
        actor=hq,
        data=scores(
            portfolio["rep_profile"],
            bottom_line_kept=False,
            bottom_line_note="泄露商业秘密",
            grade=Grade.INCOMPETENT,
            learning=100,
        ),
    )
    assert (evaluation.grade, evaluation.bottom_line_kept) == (Grade.INCOMPETENT, False)


def test_one_evaluation_per_representative_and_year(portfolio, hq, draft):
    with pytest.raises(ValidationError) as exc:
        services.evaluation_create(actor=hq, data=scores(portfolio["rep_profile"]))
    assert "This representative already has an evaluation for this year." in str(exc.value)
    assert Evaluation.objects.count() == 1
    # Another year, or another representative the same year, is a new evaluation.
    services.evaluation_create(actor=hq, data=scores(portfolio["rep_profile"], year=2024))
    services.evaluation_create(actor=hq, data=scores(portfolio["other_rep_profile"]))
    assert Evaluation.objects.count() == 3


# --- Changing and publishing ------------------------------------------------------------------------


def test_a_draft_changes_and_names_its_last_evaluator(portfolio, draft):
    colleague = f.make_user(Role.HQ_STAFF, username="hq2")
    changed = services.evaluation_update(
        evaluation=draft, actor=colleague, data={"role": 95, "grade": Grade.COMPETENT}, expected_version=1
    )
    changed.refresh_from_db()
    assert (changed.role, changed.grade, changed.evaluator, changed.version) == (
        95,
        Grade.COMPETENT,
        colleague,
        2,
    )
    # The same values again record nothing.
    same = services.evaluation_update(
        evaluation=changed, actor=colleague, data={"role": 95}, expected_version=2
    )
    assert same.version == 2
    assert Evaluation.history.filter(id=draft.pk).count() == 2


def test_an_update_that_breaks_a_rule_saves_nothing(hq, draft):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_update(
            evaluation=draft, actor=hq, data={"bottom_line_kept": False}, expected_version=1
        )
    assert set(exc.value.message_dict) == {"bottom_line_note", "grade"}
    assert snapshot(draft) == before


def test_only_hq_changes_or_publishes_a_draft(portfolio, leader, draft):
    before = snapshot(draft)
    for user in (portfolio["rep"], leader):
        with pytest.raises(PermissionDenied):
            services.evaluation_update(evaluation=draft, actor=user, data={"role": 10}, expected_version=None)
        with pytest.raises(PermissionDenied):
            publish(draft, user)
    assert snapshot(draft) == before


def test_publishing_shows_it_to_the_representative_and_tells_them_once(portfolio, hq, draft):
    rep = portfolio["rep"]
    assert visible(rep) == set()  # a draft is HQ's

    published = publish(draft, hq, expected_version=1)
    published.refresh_from_db()
    assert (published.status, published.version) == (EvaluationStatus.PUBLISHED, 2)
    assert published.published_at is not None
    assert visible(rep) == {draft.pk}

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.target) == (rep, PUBLISHED, published)
    assert notification.params["year"] == 2025
    assert notification.subject("en") == "Your evaluation for 2025 is published: Excellent"

    # Published is final: no second publication, no change, still one notification.
    before = snapshot(published)
    with pytest.raises(PermissionDenied):
        publish(published, hq)
    with pytest.raises(PermissionDenied):
        services.evaluation_update(evaluation=published, actor=hq, data={"role": 10}, expected_version=None)
    assert snapshot(published) == before
    assert Notification.objects.filter(kind=PUBLISHED).count() == 1


def test_publishing_an_evaluation_of_a_representative_without_a_login_tells_nobody(hq):
    person = f.RepresentativeFactory(user=None)
    evaluation = services.evaluation_create(actor=hq, data=scores(person))
    assert publish(evaluation, hq).status == EvaluationStatus.PUBLISHED
    assert not Notification.objects.exists()


@pytest.mark.parametrize("move", ["update", "publish"])
def test_a_stale_version_is_refused_and_changes_nothing(hq, draft, move):
    services.evaluation_update(evaluation=draft, actor=hq, data={"role": 70}, expected_version=1)
    before = snapshot(draft)
    with pytest.raises(ConcurrentEditError):
        if move == "update":
            services.evaluation_update(evaluation=draft, actor=hq, data={"role": 60}, expected_version=1)
        else:
            publish(draft, hq, expected_version=1)
    assert snapshot(draft) == before


# --- Who sees it ------------------------------------------------------------------------------------


def test_another_representative_never_sees_it(portfolio, hq, draft):
    colleague = f.make_representative_user(portfolio["own"], username="colleague")
    publish(draft, hq)
    assert visible(portfolio["other_rep"]) == set()
    assert visible(colleague) == set()


def test_hq_and_leadership_see_drafts_nobody_else_anything(portfolio, hq, leader, admin_user, nobody, draft):
    other = services.evaluation_create(actor=hq, data=scores(portfolio["other_rep_profile"]))
    publish(other, hq)
    for user in (hq, leader, admin_user):
        assert visible(user) == {draft.pk, other.pk}
    assert visible(nobody) == set()
    assert visible(AnonymousUser()) == set()
