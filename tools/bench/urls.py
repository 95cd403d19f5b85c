"""The bench's URL map (``jvportal.settings.bench`` only): the portal's, plus the baseline page.

The baseline is the cheapest page a signed-in person can get through the same middleware: the
session and user are loaded, the template renders a few words. Every page's throughput is given
as a ratio of this one's. It is not in ``jvportal.urls``, so production has no such address.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from jvportal.urls import urlpatterns as portal_urlpatterns


@login_required
def baseline(request):
    """A bare logged-in page: the user is loaded (one session query, one user query)."""
    return HttpResponse(f"<!doctype html><title>baseline</title><p>{request.user.get_username()}</p>")


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *portal_urlpatterns]
