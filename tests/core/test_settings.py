"""Configuration from the environment: embedded defaults, production refusals, deploy checks."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.db import connection
from jvportal.celery import app
out = {"engine": settings.DATABASES["default"]["ENGINE"], "broker": app.conf.broker_url,
       "cache": settings.CACHES["default"]["BACKEND"]}
if connection.vendor == "sqlite":
    with connection.cursor() as c:
        c.execute("PRAGMA journal_mode")
        out["journal_mode"] = c.fetchone()[0]
    out["transaction_mode"] = settings.DATABASES["default"]["OPTIONS"]["transaction_mode"]
print(json.dumps(out))
"""


def _run(code_or_args, env_overrides, settings_module="jvportal.settings.local"):
    # The probe sees only what the test sets (make exports PORTAL_PORT, for one).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PORT"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **env_overrides})
    args = (
        [sys.executable, "-c", code_or_args]
        if isinstance(code_or_args, str)
        else [sys.executable, *code_or_args]
    )
    return subprocess.run(args, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60)


def test_defaults_need_no_server(tmp_path):
    """With nothing set: SQLite in WAL mode with immediate transactions, a filesystem broker."""
    result = _run(PROBE, {"DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["engine"] == "django.db.backends.sqlite3"
    assert out["journal_mode"] == "wal"
    assert out["transaction_mode"] == "IMMEDIATE"
    assert out["broker"].startswith("filesystem://")
    assert out["cache"].endswith("LocMemCache")


def test_redis_url_switches_broker_and_cache(tmp_path):
    result = _run(
        PROBE,
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}", "REDIS_URL": "redis://127.0.0.1:6379/3"},
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["broker"] == "redis://127.0.0.1:6379/3"
    assert out["cache"].endswith("RedisCache")


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(
        ["manage.py", "check"], {"DJANGO_ALLOWED_HOSTS": "jv.example.com"}, "jvportal.settings.production"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run(["manage.py", "check"], {"DJANGO_SECRET_KEY": "x" * 60}, "jvportal.settings.production")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deploy_check(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SECRET_KEY": "k3y-" + "a9F!x2#Lq" * 7,
            "DJANGO_ALLOWED_HOSTS": "jv.example.com",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        },
        "jvportal.settings.production",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_links_in_emails_follow_the_port_unless_the_base_url_is_set(tmp_path):
    probe = "import django; from django.conf import settings; django.setup(); print(settings.PORTAL_BASE_URL)"
    db = {"DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}"}
    for extra, expected in (
        ({}, "http://127.0.0.1:8000"),
        ({"PORTAL_PORT": "8123", "PORT": "8223"}, "http://127.0.0.1:8123"),
        ({"PORT": "8124"}, "http://127.0.0.1:8124"),
        ({"PORTAL_PORT": "8123", "PORTAL_BASE_URL": "https://jv.example.com"}, "https://jv.example.com"),
    ):
        env = {**db, **extra}
        result = _run(probe, env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected, extra


def test_a_fresh_install_gets_its_calendar_from_migrate(tmp_path):
    """``migrate`` on an empty database seeds last, this and next year (the test settings turn this
    off for the suite itself)."""
    db = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "PORTAL_CALENDAR_SEED_ON_MIGRATE": "true",
    }
    result = _run(["manage.py", "migrate", "--noinput"], db)
    assert result.returncode == 0, result.stderr
    assert "Seeded the working-day calendar" in result.stdout
    count = _run(
        "import django; django.setup(); from core.models import CalendarDay; print(CalendarDay.objects.count())",
        db,
    )
    assert int(count.stdout.strip().splitlines()[-1]) > 20
    again = _run(["manage.py", "migrate", "--noinput"], db)
    assert "Seeded" not in again.stdout


SMTP_PROBE = """
import json, django
django.setup()
from django.core.mail import get_connection
print(json.dumps({"timeout": get_connection().timeout}))
"""


def test_the_smtp_client_times_out_after_email_timeout_seconds(tmp_path):
    """EMAIL_TIMEOUT (default 20 seconds) reaches the SMTP backend EMAIL_URL configures."""
    database = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "EMAIL_URL": "smtp://mail.example.com:25",
    }
    for extra, expected in (({}, 20), ({"EMAIL_TIMEOUT": "5"}, 5)):
        result = _run(SMTP_PROBE, {**database, **extra})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == {"timeout": expected}


PRODUCTION = {"DJANGO_SECRET_KEY": "k3y-" + "a9F!x2#Lq" * 7, "DJANGO_ALLOWED_HOSTS": "jv.example.com"}
COOKIE_PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
from django.test.utils import override_settings
# The page's static files are not collected here; the manifest storage is beside the point.
plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain):
    response = Client().get("/accounts/login/", secure=True, headers={"host": "jv.example.com"})
csrf = response.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "status": response.status_code,
    "session": settings.SESSION_COOKIE_NAME,
    "csrf": settings.CSRF_COOKIE_NAME,
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_PATH, settings.SESSION_COOKIE_DOMAIN],
    "set_cookie": csrf.output(header=""),
}))
"""


def test_production_cookies_carry_the_host_prefix(tmp_path):
    """__Host- names: the browser keeps them only when Secure, Path=/ and without Domain."""
    result = _run(
        COOKIE_PROBE,
        {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}"},
        "jvportal.settings.production",
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 200
    assert (out["session"], out["csrf"]) == ("__Host-sessionid", "__Host-csrftoken")
    assert out["session_cookie"] == [True, "/", None]
    set_cookie = out["set_cookie"]
    assert set_cookie.strip().startswith("__Host-csrftoken=")
    assert "Secure" in set_cookie and "Path=/" in set_cookie and "Domain" not in set_cookie


def test_the_host_prefix_can_be_turned_off_where_the_deployment_cannot_have_it(tmp_path):
    env = {
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "DJANGO_HOST_PREFIX_COOKIES": "false",
    }
    result = _run(COOKIE_PROBE, env, "jvportal.settings.production")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert (out["session"], out["csrf"]) == ("sessionid", "csrftoken")
    assert out["session_cookie"][0] is True


def test_the_session_cookie_is_set_with_the_host_prefix_at_sign_in(client, settings, django_user_model):
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    django_user_model.objects.create_user(username="amy", password="right-horse-battery")
    client.cookies.clear()
    response = client.post(
        "/accounts/login/", {"username": "amy", "password": "right-horse-battery"}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert client.get("/", secure=True).status_code == 200


def test_production_keeps_persistent_connections_and_compiled_templates(tmp_path):
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "from django.template import engines;"
        "db = settings.DATABASES['default'];"
        "loaders = [type(l).__module__ + '.' + type(l).__name__ for l in engines['django'].engine.template_loaders];"
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], loaders]))"
    )
    env = {
        "DJANGO_SECRET_KEY": "k3y-" + "a9F!x2#Lq" * 7,
        "DJANGO_ALLOWED_HOSTS": "jv.example.com",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/probe",
    }
    result = _run(probe, env, "jvportal.settings.production")
    assert result.returncode == 0, result.stderr
    age, checks, loaders = json.loads(result.stdout.strip().splitlines()[-1])
    assert (age, checks, loaders) == (60, True, ["django.template.loaders.cached.Loader"])
    result = _run(probe, {**env, "DATABASE_CONN_MAX_AGE": "0"}, "jvportal.settings.production")
    assert json.loads(result.stdout.strip().splitlines()[-1])[0] == 0
