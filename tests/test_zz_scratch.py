import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.ventures.test_views import _ventures
from ventures import services


@pytest.mark.parametrize("n", [1, 10])
def test_detail(n, hq_client, hq):
    venture = f.JointVentureFactory(liaison=hq)
    for i in range(n):
        f.ShareholdingFactory(jv=venture, percentage=5)
        f.AnnualIndicatorsFactory(jv=venture, year=2000 + i)
        f.AppointmentFactory(jv=venture)
    for i in range(n):
        venture = services.venture_update(
            venture=venture, actor=hq, data={"notes": f"edit {i}"}, expected_version=venture.version
        )
    with CaptureQueriesContext(connection) as ctx:
        hq_client.get(reverse("ventures:venture_detail", args=[venture.pk]))
    print("DETAIL", n, len(ctx))
    for q in ctx.captured_queries:
        print("  ", q["sql"][:200])


def test_home(hq_client):
    _ventures(10)
    with CaptureQueriesContext(connection) as ctx:
        hq_client.get(reverse("home"))
    print("HOME", len(ctx))
    for q in ctx.captured_queries:
        print("  ", q["sql"][:200])
