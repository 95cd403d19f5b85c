"""Settings shared by every environment, read from the environment with django-environ.

With nothing set the portal runs on embedded defaults: SQLite under ``var/`` and a Celery broker
on the filesystem. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, on a site that asks staff for their second factor (accounts/admin_site.py).
    "accounts.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_countries",
    "simple_history",
    "import_export",
    # Two-factor sign-in (TOTP devices and one-time recovery codes): accounts/two_factor.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Project
    "core",
    "accounts",
    "notifications",
    "ventures",
    "representatives",
    "demands",
    "research",
    "engagements",
    "portfolio",
    # Login throttling (accounts/throttling.py); last, as its documentation asks, so that the
    # portal's own receivers of the sign-in signals run before its handler.
    "accounts.apps.AxesConfig",
]

MIDDLEWARE = [
    # First: every later record of the request (the security log) carries its id.
    "core.security_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy below, on every response.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a session that ends says so on the sign-in page.
    "core.middleware.SessionTimeoutMiddleware",
    # After the session checks: a signed-in session that owes its second factor reaches nothing else.
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every 403, and every 404 a view raises for a signed-in person (the access layer's scoping),
    # as an ``access_denied`` record of the security log.
    "core.security_log.AccessDeniedLogMiddleware",
    # Last: turns a lock-out into the sign-in page with the lock-out message (status 429).
    "axes.middleware.AxesMiddleware",
]

# Everything the portal loads is its own (no CDN, an intranet): scripts and styles from static
# files only, no inline script or style attribute (tests/test_no_inline_script.py), never framed.
# data: images are Bootstrap's form icons. The admin works under it too: the one inline handler
# of django-import-export's export page (its "select all" box) is allowed by its hash alone, and
# three cosmetic inline styles of import-export's and simple-history's templates are dropped.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [
            "'self'",
            "'unsafe-hashes'",
            # onchange="onSelectToggleChange(event)" (import_export/templates/admin/import_export/export.html)
            "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",
        ],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "jvportal.urls"
WSGI_APPLICATION = "jvportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.portal",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite runs in WAL mode with IMMEDIATE transactions so the web server and the Celery worker can
# write at the same time without "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000;"
    ),
}
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jvportal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # The SLA report's covering index (demands.Demand.Meta) includes columns on PostgreSQL; SQLite
    # keeps a plain index on its key, as intended, so its warning about the included columns is noise.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    # Persistent connections: each worker keeps its connection this many seconds (0: one per
    # request, None: forever) instead of paying a PostgreSQL login per request; the health check
    # replaces one the server dropped before it is used.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the cache and written through to the database (Django's ``cached_db``):
# a page costs no session query. Only with a cache every process shares (Redis): were each process
# to keep its own copy in memory, a session ended in one would live on in the others'.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# AxesStandaloneBackend refuses a sign-in while its username or address is locked out; it checks
# only and never signs anyone in, so the test client's force_login (which skips authenticate())
# is untouched. Only authenticate() calls that carry the request (the portal's and the admin's
# login forms) are throttled; one without a request is refused by axes, and the portal makes none.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PortalModelBackend",
]
# Passwords set through a form (password change, the admin) are at least this long (production
# refuses to start below 12), not one of the 20,000 common passwords, not close to the user's
# names or e-mail, and not all digits. The demo's password (jvportal-demo) has 13 characters.
PORTAL_PASSWORD_MIN_LENGTH = env.int("PORTAL_PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PORTAL_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login throttling (django-axes, accounts/throttling.py) ---------------------------------
# A username is locked out after PORTAL_LOGIN_FAILURE_LIMIT failed sign-ins, and a client address
# after PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT (on any usernames), within the cool-off; the lock lifts
# PORTAL_LOGIN_COOLOFF_MINUTES after the last counted failure. Attempts while locked out are
# refused and do not prolong the lock, so "try again in 15 minutes" holds. Never permanent: the
# cool-off must be at least one minute. By username, so that a guesser spread over many addresses
# still gets five tries per account; by address, so that one address cannot try a few passwords
# on every account; the address limit is higher because an office behind one NAT address shares it.
PORTAL_LOGIN_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
PORTAL_LOGIN_COOLOFF_MINUTES = env.int("PORTAL_LOGIN_COOLOFF_MINUTES", default=15)
if PORTAL_LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("PORTAL_LOGIN_COOLOFF_MINUTES must be at least 1 (no permanent lock-out).")
# PORTAL_LOGIN_THROTTLING=false turns it off for development (production refuses to start so).
AXES_ENABLED = env.bool("PORTAL_LOGIN_THROTTLING", default=True)
AXES_HANDLER = "accounts.throttling.PortalAxesHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = PORTAL_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=PORTAL_LOGIN_COOLOFF_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in does not clear the counts: clearing them by address would let anyone with
# an account of their own wipe the count of guesses made from that address on someone else's.
AXES_RESET_ON_SUCCESS = False
# The client address, as the security log records it (core.security_log.client_address):
# REMOTE_ADDR, or, when REMOTE_ADDR is one of PORTAL_TRUSTED_PROXIES (addresses or networks, e.g.
# "10.0.0.5" or "10.0.0.0/24"), the right-most untrusted address of X-Forwarded-For. Empty by
# default: nothing a client sends is believed. Behind a proxy, list it here (README, Security), or
# every sign-in seems to come from the proxy and 20 failures from anyone lock everyone out.
PORTAL_TRUSTED_PROXIES = env.list("PORTAL_TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "core.security_log.client_address"
# The lock-out is the sign-in page again, with the lock-out message on the form (translated).
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# Successful sign-ins and sign-outs go to the security log; axes keeps only the failure counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The admin lists attempts and locked accounts with an unlock action (accounts.admin).
AXES_ENABLE_ADMIN = False

# Two-factor sign-in (accounts/two_factor.py). When PORTAL_2FA_REQUIRED_FOR_STAFF is on, staff and
# superusers must enrol a TOTP authenticator before they reach any page, and the admin asks every
# staff session for its second factor; off here (development, tests), on in production.py.
# Everyone may enrol either way, and whoever has enrolled is asked for a code at each sign-in.
PORTAL_2FA_REQUIRED_FOR_STAFF = env.bool("PORTAL_2FA_REQUIRED_FOR_STAFF", default=False)
# How many one-time recovery codes an enrolment (or a regeneration) hands out.
PORTAL_2FA_RECOVERY_CODES = 10
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "JV Portal"
# Wrong codes lock a device out for 1, 2, 4, 8 ... seconds (django-otp's throttling), reset by
# the right code.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin never shows a device's secret key, its QR code or the recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django's Chinese format has no thousands separator; money reads better grouped.
FORMAT_MODULE_PATH = ["jvportal.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "staticfiles")
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm (package.json, installed by `make`) and are served by Django
# and whitenoise from this machine: the portal needs no internet.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="JV Portal <jvportal@localhost>")
# Seconds the SMTP client waits on the mail server (connect, each reply) before giving up: a hung
# server costs one retryable failure, never a send task held until Celery's time limits.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The retry ladder of a notification e-mail: wait 2, 4, 8 ... minutes (at most
# NOTIFICATION_EMAIL_MAX_BACKOFF_MINUTES) between tries, NOTIFICATION_EMAIL_MAX_ATTEMPTS tries in
# all. The defaults (12 tries, at most an hour apart) keep trying for about 7 hours, longer than an
# ordinary mail-server outage.
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env.int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", default=12)
NOTIFICATION_EMAIL_MAX_BACKOFF_MINUTES = env.int("NOTIFICATION_EMAIL_MAX_BACKOFF_MINUTES", default=60)

# --- Celery ---------------------------------------------------------------------------------
# Without REDIS_URL the broker is a folder on disk, so `make run` needs no server.
# "localhost" only keeps kombu from warning about a missing host on every publish: the folder is local.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# Publishing makes one connection attempt and gives up (a web request never waits on a down
# broker; the periodic send catches up). Workers pass their own reconnect limits.
# Redis hands an unacknowledged message (acks are late) to another worker after the visibility
# timeout: set deliberately longer than any task may run (the hard limit above, tested), or a slow
# task would run twice at once. An hour: a task whose worker died is redone within the hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "visibility_timeout": 60 * 60}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Without this kombu writes its exchange tables to ./control wherever the worker starts.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing is a nudge, never a requirement: do not hang a web request on a down broker.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The one place the periodic jobs are declared; each entry says why it runs when it does.
# Frequent entries carry ``expires`` (shorter than two intervals): a message a worker outage left
# queued is dropped instead of run in a pile when the workers return; the next run does the work.
# The daily sweeps run three times a working day (they are idempotent: each notification has a
# unique key): when the broker was down at 08:00, the 12:00 or 16:00 run does the day's work once.
DAILY_SWEEP_HOURS = "8,12,16"
# The daily digest: at 07:30 with what was waiting then; the later runs make up a missed one.
NOTIFICATION_DIGEST_HOURS = (7, 11, 15)
NOTIFICATION_DIGEST_MINUTE = 30
CELERY_BEAT_SCHEDULE = {
    # Write a heartbeat so operations (and `manage.py portal_health`) can see beat and a worker
    # are alive; cheap, so every minute.
    "core-heartbeat": {
        "task": "core.tasks.heartbeat_record_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Clear expired sessions nightly, after the working day in Beijing.
    "core-clearsessions": {
        "task": "core.tasks.sessions_clear_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Re-read the holiday package weekly, so a package upgrade with next year's official schedule
    # lands without anyone remembering; admins' own calendar entries are never overwritten.
    "core-calendar-refresh": {
        "task": "core.tasks.calendar_refresh_task",
        "schedule": crontab(hour=3, minute=0, day_of_week="mon"),
    },
    # Send due notification emails. Every minute, because each write also nudges the worker
    # right after commit; this run catches what a lost nudge or a down broker left behind.
    "notifications-send": {
        "task": "notifications.tasks.notifications_send_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # The daily digest for those who chose it, before the working day starts in Beijing; again at
    # 11:30 and 15:30, which send only what a missed 07:30 run left (notifications.services.digest_cutoff).
    "notifications-digest": {
        "task": "notifications.tasks.notifications_digest_task",
        "schedule": crontab(
            hour=",".join(map(str, NOTIFICATION_DIGEST_HOURS)), minute=NOTIFICATION_DIGEST_MINUTE
        ),
    },
    # Appointment terms ending in 90 and 30 days with no successor: daily (three runs, see above).
    "representatives-terms-sweep": {
        "task": "representatives.tasks.appointment_terms_sweep_task",
        "schedule": crontab(hour=DAILY_SWEEP_HOURS, minute=0),
    },
    # Open the period's reports (quarterly after each quarter, the duty report in January), then
    # remind of reports due in 7 days, due today and overdue: daily (three runs, see above).
    "representatives-reports-daily": {
        "task": "representatives.tasks.reports_daily_task",
        "schedule": crontab(hour=DAILY_SWEEP_HOURS, minute=5),
    },
    # Voting instructions are due hours before a meeting on the urgent path, so every five
    # minutes: warn HQ before the deadline, tell HQ and leadership once it is missed.
    "representatives-instructions-sweep": {
        "task": "representatives.tasks.meeting_instructions_sweep_task",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Demand deadlines are hours apart at most, so every five minutes: warnings before
    # acknowledge-by and resolve-by, then one escalation rung per interval once late.
    "demands-deadlines-sweep": {
        "task": "demands.tasks.demand_deadlines_sweep_task",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # The annual research: open the year's research once the campaign's day has come (and for JVs
    # that became operating since), then remind of data returns and research due and overdue.
    # Daily (three runs, see above); a missed day is caught up by the next run.
    "research-daily": {
        "task": "research.tasks.research_daily_task",
        "schedule": crontab(hour=DAILY_SWEEP_HOURS, minute=10),
    },
    # Engagements: commitments due in 7 days, on the day and overdue, and JVs that passed their
    # contact target. Due dates and targets are whole days, so daily (three runs, see above).
    "engagements-daily": {
        "task": "engagements.tasks.engagements_daily_task",
        "schedule": crontab(hour=DAILY_SWEEP_HOURS, minute=20),
    },
    # Leadership's weekly digest of the week just ended, Monday before the working day in Beijing
    # (after the daily digest, so the week's last notifications are in).
    "portfolio-leadership-weekly": {
        "task": "portfolio.tasks.leadership_weekly_digest_task",
        # Again at 11:45 and 15:45: a run beat could not publish goes out later that Monday, once
        # (the key names the week and the person).
        "schedule": crontab(hour="7,11,15", minute=45, day_of_week="mon"),
    },
    # Resolved demands nobody rated within the rating window close on their own; hourly is ample.
    "demands-autoclose-sweep": {
        "task": "demands.tasks.demand_autoclose_sweep_task",
        "schedule": crontab(minute=20),
        "options": {"expires": 50 * 60},
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One JSON record per security event (core/security_log.py); route it to its own file or
        # collector by giving it a handler of its own (the README's Security section).
        "jvportal.security": {"level": "INFO"},
        # django-axes says of every sign-in what the security log says in one record; keep its errors.
        "axes": {"level": "ERROR"},
    },
}

# --- Portal ---------------------------------------------------------------------------------
# Sessions end after this many minutes without a request, and this many hours after signing in
# (core.middleware.SessionTimeoutMiddleware); the cookie itself lives no longer than the latter.
PORTAL_SESSION_IDLE_MINUTES = env.int("PORTAL_SESSION_IDLE_MINUTES", default=30)
PORTAL_SESSION_MAX_HOURS = env.int("PORTAL_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = PORTAL_SESSION_MAX_HOURS * 3600
PORTAL_PAGE_SIZE = env.int("PORTAL_PAGE_SIZE", default=25)
# Largest attachment accepted, in megabytes (the web server's body limit must allow it).
PORTAL_MAX_UPLOAD_MB = env.int("PORTAL_MAX_UPLOAD_MB", default=20)
# Development demands: a resolved demand closes on its own this many working days after it was
# resolved when nobody rates it; it may be reopened within as many working days.
DEMAND_RATING_WORKING_DAYS = env.int("DEMAND_RATING_WORKING_DAYS", default=10)
DEMAND_REOPEN_WORKING_DAYS = env.int("DEMAND_REOPEN_WORKING_DAYS", default=10)
# The portal's public address, used for links in e-mails; by default the local server's, on the port
# `make run` serves (PORTAL_PORT, which the Makefile sets from PORT).
PORTAL_BASE_URL = env(
    "PORTAL_BASE_URL",
    default=f"http://127.0.0.1:{env.int('PORTAL_PORT', default=env.int('PORT', default=8000))}",
)
# A fresh install seeds the working-day calendar when `migrate` first runs (see core/apps.py).
PORTAL_CALENDAR_SEED_ON_MIGRATE = env.bool("PORTAL_CALENDAR_SEED_ON_MIGRATE", default=True)
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Exporting a model from the admin needs the permission to view it (the package allows any staff
# user by default); importing needs add and change (core.admin.ImportTemplateMixin).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
COUNTRIES_FIRST = ["CN", "US", "DE", "JP", "FR", "IT", "GB", "SE", "CH", "KR"]
SIMPLE_HISTORY_REVERT_DISABLED = True
# Voting instructions: due this many working days before a JV meeting (fewer on the urgent path
# for a meeting called at short notice); HQ is warned this many working days before they are due.
MEETING_INSTRUCTION_WORKING_DAYS = env.int("MEETING_INSTRUCTION_WORKING_DAYS", default=5)
MEETING_URGENT_INSTRUCTION_WORKING_DAYS = env.int("MEETING_URGENT_INSTRUCTION_WORKING_DAYS", default=1)
MEETING_INSTRUCTION_WARNING_WORKING_DAYS = env.int("MEETING_INSTRUCTION_WARNING_WORKING_DAYS", default=1)
# Reports: a quarterly work report is due this many days after its quarter ends; the annual duty
# report this many days after the year ends (31: the end of January); HQ hears of a report this
# many days overdue.
REPORT_QUARTERLY_DUE_DAYS = env.int("REPORT_QUARTERLY_DUE_DAYS", default=15)
REPORT_ANNUAL_DUE_DAYS = env.int("REPORT_ANNUAL_DUE_DAYS", default=31)
REPORT_OVERDUE_HQ_DAYS = env.int("REPORT_OVERDUE_HQ_DAYS", default=5)
# Annual research: leadership hears of a research this many days past its due date (its lead and
# department head from the first day). The campaign's day and due dates are in the admin.
RESEARCH_OVERDUE_LEADERSHIP_DAYS = env.int("RESEARCH_OVERDUE_LEADERSHIP_DAYS", default=14)
