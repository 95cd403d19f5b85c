"""The benchmark harness of ``make bench`` (tools/bench): the dataset builder at a tiny size, the
baseline page that exists only under the bench settings, the query-count middleware, the budget
verdicts and the JSON writer and comparer. Fast: nothing here starts gunicorn."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import Resolver404, resolve

from demands.models import Demand, DemandUpdate
from notifications.models import Notification
from representatives.models import Appointment, Meeting, Report
from tools.bench import budgets, dataset, driver, report, sweeps
from tools.bench.middleware import QueryCountMiddleware
from ventures.models import JointVenture

SCALE = 0.001  # 10 JVs, 100 demands, 500 timeline entries


@pytest.fixture
def built(db):
    return dataset.build(SCALE)


def test_the_dataset_has_the_counts_and_the_shape_the_benchmark_relies_on(built):
    c = dataset.counts_for(SCALE)
    assert JointVenture.objects.count() == c.ventures
    assert Demand.objects.count() == c.demands
    assert DemandUpdate.objects.count() == c.timeline
    assert Notification.objects.count() == c.notifications
    assert Appointment.objects.count() == c.appointments
    assert Report.objects.count() == c.reports == c.appointments * 4 * c.years
    assert Meeting.objects.count() == c.meetings
    assert built["rows"]["timeline"] == c.timeline
    # One JV clearly the biggest, one demand with the longest timeline, in that JV.
    biggest = JointVenture.objects.get(pk=built["biggest_jv"])
    per_jv = sorted((jv.demands.count() for jv in JointVenture.objects.all()), reverse=True)
    assert biggest.demands.count() == per_jv[0] > per_jv[1]
    longest = Demand.objects.get(pk=built["longest_demand"])
    assert longest.jv_id == biggest.pk
    assert longest.updates.count() == c.longest_timeline
    others = Demand.objects.exclude(pk=longest.pk).order_by("?")[:10]
    assert all(d.updates.count() < c.longest_timeline for d in others)


def test_the_bench_users_see_what_the_pages_need(built):
    from accounts.models import User

    rep = User.objects.get(username=built["users"]["rep"])
    hq = User.objects.get(username=built["users"]["hq"])
    visible = set(JointVenture.objects.visible_to(rep).values_list("pk", flat=True))
    assert built["biggest_jv"] in visible
    assert 1 < len(visible) < JointVenture.objects.count()
    assert JointVenture.objects.visible_to(hq).count() == JointVenture.objects.count()
    assert Demand.objects.visible_to(rep).filter(pk=built["longest_demand"]).exists()
    assert rep.check_password(built["password"])
    assert User.objects.get(username=built["users"]["admin"]).is_superuser


def test_the_dataset_leaves_work_for_every_sweep(built):
    from django.utils import timezone

    now = timezone.now()
    assert Demand.objects.open().filter(due_at__lt=now).exists()
    assert Demand.objects.filter(status="resolved", rating_due_at__lt=now).exists()
    assert Meeting.objects.filter(meeting_at__gt=now).exists()
    assert Report.objects.filter(status="draft", due_date__lt=now.date()).exists()


def test_the_builder_records_its_fingerprint(built):
    with connection.cursor() as cursor:
        cursor.execute("SELECT fingerprint, meta FROM bench_dataset")
        fingerprint, meta = cursor.fetchone()
    assert fingerprint == dataset.source_fingerprint(SCALE)
    assert json.loads(meta)["longest_demand"] == built["longest_demand"]
    assert dataset.source_fingerprint(SCALE) != dataset.source_fingerprint(1.0)


def test_full_scale_counts_are_the_issues():
    c = dataset.counts_for(1.0)
    assert (c.ventures, c.demands, c.timeline, c.notifications, c.longest_timeline) == (
        1_000,
        100_000,
        500_000,
        200_000,
        2_000,
    )
    assert 48_000 <= c.reports < 49_000


def test_there_is_no_baseline_page_in_production():
    """The baseline is mounted by tools.bench.urls, which only the bench settings use."""
    with pytest.raises(Resolver404):
        resolve("/bench/baseline/", urlconf="jvportal.urls")
    probe = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.ROOT_URLCONF, settings.MIDDLEWARE]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="jvportal.settings.production",
        DJANGO_SECRET_KEY="k3y-" + "a9F!x2#Lq" * 7,
        DJANGO_ALLOWED_HOSTS="jv.example.com",
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    urlconf, middleware = json.loads(out.stdout.strip().splitlines()[-1])
    assert urlconf == "jvportal.urls"
    assert not [m for m in middleware if m.startswith("tools.")]


def test_the_portal_answers_404_for_the_baseline_address(client, hq):
    client.force_login(hq)
    assert client.get("/bench/baseline/").status_code == 404


BENCH_MIDDLEWARE = ["tools.bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]


@override_settings(ROOT_URLCONF="tools.bench.urls", MIDDLEWARE=BENCH_MIDDLEWARE)
def test_under_the_bench_settings_the_baseline_is_a_signed_in_page_with_a_query_count(client, hq):
    assert client.get("/bench/baseline/").status_code == 302  # to the login page
    client.force_login(hq)
    response = client.get("/bench/baseline/")
    assert response.status_code == 200
    assert int(response["X-Bench-Queries"]) == 1  # the user with their roles; the session is cached


@pytest.mark.parametrize("who", ["hq", "admin_user"])
def test_the_session_the_harness_writes_signs_its_user_in(who, request, db, client, capsys):
    """The fallback when the login form does not end signed in (the admin's second factor): the
    key printed by ``python -m tools.bench session <username>`` opens the portal's pages."""
    from tools.bench import run

    user = request.getfixturevalue(who)
    assert run.django_command(["session", user.username]) == 0
    name, _, key = capsys.readouterr().out.strip().partition("=")
    assert name == settings.SESSION_COOKIE_NAME
    client.cookies[name] = key
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == user
    if who == "admin_user":
        assert client.get("/admin/").status_code == 200  # the second factor counted as verified


def test_a_streamed_response_logs_its_count_when_it_ends(rf, tmp_path, monkeypatch, db):
    from django.http import StreamingHttpResponse

    log = tmp_path / "queries.log"
    monkeypatch.setenv("BENCH_QUERY_LOG", str(log))

    def rows():
        for _ in range(3):
            JointVenture.objects.exists()
            yield b"row\n"

    middleware = QueryCountMiddleware(lambda request: StreamingHttpResponse(rows()))
    response = middleware(rf.get("/", HTTP_X_BENCH_ID="t-1"))
    assert not log.exists()  # nothing has run yet
    assert b"".join(response.streaming_content) == b"row\n" * 3
    assert log.read_text() == "t-1 3\n"


def _page(**figures):
    return {"name": "demand list", "role": "hq", "kind": "page", "status": 200, **figures}


def test_page_budgets_met_and_missed():
    met = budgets.page_verdicts(_page(queries=9, queries_small=9, p95_ms=80.0, ratio=0.4))
    assert [v.met for v in met] == [True, True, True]
    missed = budgets.page_verdicts(_page(queries=16, queries_small=16, p95_ms=150.0, ratio=0.2))
    assert [v.met for v in missed] == [False, False, False]
    grows = budgets.page_verdicts(_page(queries=10, queries_small=9, p95_ms=10.0, ratio=1.0))
    assert grows[0].met is False
    unknown = budgets.page_verdicts(_page(queries=9, queries_small=None, p95_ms=None, ratio=None))
    assert [v.met for v in unknown] == [None, None, None]


def test_report_budgets_and_pages_a_role_may_not_open():
    fast = budgets.page_verdicts(
        _page(kind="report", queries=7, queries_small=7, p95_ms=299.0, memory_growth_kb=1024)
    )
    assert [v.met for v in fast] == [True, True, True]
    slow = budgets.page_verdicts(
        _page(kind="report", queries=7, queries_small=7, p95_ms=15_000.0, memory_growth_kb=239 * 1024)
    )
    assert [v.met for v in slow] == [True, False, False]
    assert budgets.page_verdicts(_page(status=403))[0].met is None
    assert budgets.page_verdicts(_page(status=500))[0].met is False
    # The list exports are printed, never judged by the page budgets.
    assert budgets.page_verdicts(_page(kind="export", queries=4, p95_ms=2000.0)) == []


def test_sweep_budgets():
    ok = {
        "name": "terms",
        "seconds": 2.0,
        "statements_per_batch": [5, 5],
        "walks": {"SELECT a": [5, 5]},
        "batches": 3,
    }
    assert [v.met for v in budgets.sweep_verdicts(ok)] == [True, True]
    uneven = {**ok, "seconds": 12.0, "statements_per_batch": [5, 6, 5], "walks": {"SELECT a": [5, 6, 5]}}
    assert [v.met for v in budgets.sweep_verdicts(uneven)] == [False, False]
    # The first batch may make the run's one-time lookups (the calendar), a few, never more.
    warm = {**ok, "statements_per_batch": [8, 7, 7], "walks": {"SELECT a": [8, 7, 7]}}
    assert budgets.sweep_verdicts(warm)[1].met is True
    assert budgets.sweep_verdicts(warm)[1].figure == "[7] (first 8)"
    cold = {**ok, "statements_per_batch": [12, 7, 7], "walks": {"SELECT a": [12, 7, 7]}}
    assert budgets.sweep_verdicts(cold)[1].met is False
    # Two walks in one function, each fixed: fixed.
    two = {**ok, "statements_per_batch": [5, 8], "walks": {"SELECT a": [5], "SELECT b": [8]}}
    assert budgets.sweep_verdicts(two)[1].met is True
    per_row = {"name": "auto-close", "seconds": 1.0, "queries": 1_900, "due": 100, "batches": 0}
    assert budgets.sweep_verdicts(per_row)[1].met is False
    assert budgets.sweep_verdicts({"name": "x", "error": "boom"})[0].met is False
    sender = {**uneven, "seconds": 1.0, "per_item": True}
    assert [v.met for v in budgets.sweep_verdicts(sender)] == [True, None]


def test_the_sweep_log_is_split_into_batches_per_walk():
    queries = [
        "SELECT a LIMIT 1000",
        "INSERT x",
        'SELECT "django_content_type"."id"',
        "UPDATE y",
        "SELECT a LIMIT 1000",
        "INSERT x",
        "UPDATE y",
        "SELECT a LIMIT 1000",
        "SELECT b LIMIT 1000",
        "SELECT c",
        "SELECT b LIMIT 1000",
    ]
    split = sweeps.batches(queries, 1000)
    assert [len(b) for _head, b in split] == [4, 3, 1, 2, 1]
    assert sweeps.full_batches(split) == {"SELECT a LIMIT 1000": [2, 2], "SELECT b LIMIT 1000": [2]}


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert driver.percentile(values, 95) == 19.0
    assert driver.percentile(values, 50) == 10.0
    assert driver.percentile([5.0], 95) == 5.0
    assert driver.percentile([], 95) is None


def _result(p50, ratio, seconds):
    return {
        "environment": {"mode": "quick"},
        "pages": [
            _page(queries=9, queries_small=9, p50_ms=p50, p95_ms=p50 * 1.2, ratio=ratio, throughput=10.0)
        ],
        "sweeps": [
            {"name": "terms", "seconds": seconds, "queries": 10, "batches": 1, "statements_per_batch": []}
        ],
    }


def test_the_json_is_written_and_two_runs_compared(tmp_path):
    before = report.write(_result(400.0, 0.05, 151.0), tmp_path, "a")
    after = report.write(_result(40.0, 0.5, 2.0), tmp_path, "b")
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    assert a["pages"][0]["p50_ms"] == 400.0
    assert {v["met"] for v in a["verdicts"] if v["subject"].startswith("demand list")} == {True, False}
    text = report.compare(a, b)
    assert "400.0->40.0" in text
    assert "-90%" in text
    assert "now met: demand list (hq) p95 < 150 ms" in text
    assert "now met: sweep terms < 10 s" in text
    assert "MISSED" in report.render(a) and "budgets:" in report.render(b)
