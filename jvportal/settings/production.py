"""Production settings: secrets and hosts come from the environment, with no default."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AXES_ENABLED, PORTAL_PASSWORD_MIN_LENGTH, STORAGES, env

DEBUG = False
try:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        "Production needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS set in the environment."
    ) from exc
if not SECRET_KEY or SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name at least one host.")

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Staff and superusers sign in with a second factor (see base.py).
PORTAL_2FA_REQUIRED_FOR_STAFF = env.bool("PORTAL_2FA_REQUIRED_FOR_STAFF", default=True)

# Login throttling stays on (PORTAL_LOGIN_THROTTLING is for development and tests only).
if not AXES_ENABLED:
    raise ImproperlyConfigured("PORTAL_LOGIN_THROTTLING cannot be turned off in production.")

# Passwords of at least 12 characters (base.py's validators read the setting).
if PORTAL_PASSWORD_MIN_LENGTH < 12:
    raise ImproperlyConfigured("PORTAL_PASSWORD_MIN_LENGTH must be at least 12 in production.")

# Cookie names with the __Host- prefix: the browser accepts such a cookie only when it is Secure,
# has Path=/ and no Domain, so neither a sibling sub-domain nor a plain-HTTP page can plant or
# overwrite the session or CSRF cookie. A deployment that serves the portal under a sub-path or
# must share the cookies with a parent domain sets DJANGO_HOST_PREFIX_COOKIES=false (README,
# Security) and keeps Django's names.
SESSION_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_PATH = "/"
CSRF_COOKIE_DOMAIN = None
if env.bool("DJANGO_HOST_PREFIX_COOKIES", default=True):
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Templates compiled once per process and kept (Django's default with DEBUG off, said here so that
# no later edit of TEMPLATES drops it): a list page includes a template per row.
TEMPLATES[0]["APP_DIRS"] = False  # noqa: F405
TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (
        "django.template.loaders.cached.Loader",
        ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
    )
]
