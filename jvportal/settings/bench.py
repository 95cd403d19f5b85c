"""Benchmark settings (``make bench`` only): production's, plus what the harness measures with.

Everything production has (no debug, the manifest static storage, the same middleware, cached
templates, persistent connections) and three additions that exist nowhere else:

- ``tools.bench.urls`` as the URL map: the portal's own, plus a bare logged-in page (the baseline
  the pages are compared with);
- ``tools.bench.middleware.QueryCountMiddleware`` first in the stack: the number of SQL statements
  each request made, in a response header (and in a log file for streamed responses);
- TLS is not required on loopback (``DJANGO_SECURE_SSL_REDIRECT=False`` from the harness's
  environment), so the harness speaks plain HTTP to gunicorn.
"""

from .production import *  # noqa: F403
from .production import MIDDLEWARE

ROOT_URLCONF = "tools.bench.urls"
MIDDLEWARE = ["tools.bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# The harness talks plain HTTP on loopback: secure-only cookies would still be sent by it (it
# keeps them itself), so nothing else changes.
