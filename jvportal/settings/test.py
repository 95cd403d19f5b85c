"""Test settings: fast hashing, in-memory email and Celery tasks run by the test itself."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if env("EMAIL_URL", default=""):
    # Worker processes started by the tests write their emails where the test can count them.
    vars().update(env.email("EMAIL_URL"))
# Worker processes started by tests/notifications/test_workers.py may use a test backend.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default=EMAIL_BACKEND)
LANGUAGE_CODE = "en"
# One process (the live server of the browser tests is a thread of it): its memory cache is shared,
# so sessions come from the cache as in production with Redis, with or without REDIS_URL, and the
# query budgets are the same either way.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_TASK_ALWAYS_EAGER = False
# Tests build the calendars they need; a seeded one would move every deadline around holidays.
PORTAL_CALENDAR_SEED_ON_MIGRATE = False
