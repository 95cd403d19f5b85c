"""Test settings: fast hashing, in-memory email and Celery tasks run by the test itself."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
CELERY_TASK_ALWAYS_EAGER = False
