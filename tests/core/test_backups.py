"""Backups (core.backups, ``portal_backup`` / ``portal_restore``): a backup restored into a fresh
database and an empty media folder holds every record and every file, and a restore never goes over
live data. The restore runs as the operator runs it: ``manage.py`` in a process of its own."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from core.backups import MANIFEST, backup_create
from core.uploads import check_upload
from demands.models import Demand, DemandAttachment
from tests import factories as f
from tests.demands.test_views import PDF, _pdf

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jvportal.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def fresh_pg_database():
    """An empty PostgreSQL database next to the test database, dropped afterwards."""
    conf = connection.settings_dict
    name = f"{conf['NAME']}_restore"
    params = {"host": conf["HOST"] or None, "port": conf["PORT"] or None, "user": conf["USER"] or None}
    params["password"] = conf["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = conf["USER"] or ""
    password = f":{conf['PASSWORD']}" if conf["PASSWORD"] else ""
    url = f"postgres://{user}{password}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"
    yield url, params | {"dbname": name}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="the PostgreSQL round trip"
)
def test_a_postgresql_backup_restores_every_record_and_file_into_a_fresh_database(
    transactional_db, portfolio, settings, tmp_path, fresh_pg_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    demand = f.make_demand(
        portfolio["own"],
        portfolio["rep"],
        title="备份的需求 Backed up",
        attachment=check_upload(_pdf("计划.pdf")),
    )
    attachment = demand.attachments.get()

    backup = backup_create(destination=tmp_path / "backups")

    assert sorted(p.name for p in backup.iterdir()) == ["database.dump", "manifest.json", "media.tar.gz"]
    url, params = fresh_pg_database
    restored_media = tmp_path / "restored-media"
    env = {"DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(restored_media)}
    result = _manage("portal_restore", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert "1 files: all present" in result.stdout

    # The restored database holds the records, read without Django, and the file its bytes.
    with psycopg.connect(**params) as restored:
        titles = restored.execute(f"SELECT title FROM {Demand._meta.db_table}").fetchall()
        files = restored.execute(
            f"SELECT file, original_name FROM {DemandAttachment._meta.db_table}"
        ).fetchall()
        users = restored.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0]
    assert titles == [("备份的需求 Backed up",)]
    assert files == [(attachment.file.name, "计划.pdf")]
    assert users == type(portfolio["rep"]).objects.count()
    assert (restored_media / attachment.file.name).read_bytes() == PDF

    # A second restore refuses the database that now has tables, and changes nothing.
    again = _manage("portal_restore", str(backup), env={**env, "DJANGO_MEDIA_ROOT": str(tmp_path / "other")})
    assert again.returncode != 0
    assert "already has tables" in again.stderr
    assert not (tmp_path / "other").exists()

    # A file lost after the restore is named by the check.
    (restored_media / attachment.file.name).unlink()
    check = _manage("portal_restore", "--verify-only", str(backup), env=env)
    assert check.returncode != 0
    assert f"file {attachment.file.name}" in check.stderr


def test_a_sqlite_backup_restores_into_a_fresh_file_and_old_backups_are_pruned(tmp_path):
    """The development default, end to end through the two commands."""
    live = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    assert _manage("migrate", "-v0", env=live).returncode == 0
    (tmp_path / "media" / "demands" / "1").mkdir(parents=True)
    (tmp_path / "media" / "demands" / "1" / "a.pdf").write_bytes(PDF)
    made = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from accounts.models import User; User.objects.create_user('kept', password='x' * 12)",
        env=live,
    )
    assert made.returncode == 0, made.stderr

    first = _manage("portal_backup", "--output", str(tmp_path / "backups"), env=live)
    second = _manage("portal_backup", "--output", str(tmp_path / "backups"), "--keep", "1", env=live)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    backup = Path(second.stdout.strip())
    # --keep 1 removed the older backup; no half-written folder is left.
    assert [p.name for p in (tmp_path / "backups").iterdir()] == [backup.name]
    assert (backup / MANIFEST).is_file()

    fresh = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "new"),
    }
    restored = _manage("portal_restore", str(backup), env=fresh)
    assert restored.returncode == 0, restored.stderr
    assert "1 files: all present" in restored.stdout
    assert (tmp_path / "new" / "demands" / "1" / "a.pdf").read_bytes() == PDF
    found = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from accounts.models import User; print(User.objects.get().username)",
        env=fresh,
    )
    assert found.stdout.strip() == "kept"
