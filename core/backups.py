"""Backups of the portal: the database and the uploaded files, taken together and restored together.

A backup is one folder ``jvportal-<UTC time>/`` holding

- ``database.dump``: ``pg_dump --format=custom`` of the PostgreSQL database (``database.sqlite3``,
  a copy made with SQLite's online backup, on the development default);
- ``media.tar.gz``: every file under ``MEDIA_ROOT``;
- ``manifest.json``: when and from what it was taken, the rows of every table and each file's
  size and SHA-256, so that a restore can prove it found every record and every file.

The folder is written under a temporary name and renamed when complete, so a backup that died
half-way never looks like one. ``backup_restore`` refuses a database that already holds tables or
a media folder that holds files: a restore goes into a fresh place, never over live data.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
PREFIX = "jvportal-"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    """What a restore found, table by table and file by file, against the backup's manifest."""

    tables: int
    rows: int
    files: int
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


def _engine(alias: str) -> str:
    engine = connections[alias].settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_env(alias: str) -> dict[str, str]:
    """libpq's environment for the connection: the password never appears on a command line."""
    conf = connections[alias].settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGDATABASE", conf.get("NAME")),
        ("PGUSER", conf.get("USER")),
        ("PGPASSWORD", conf.get("PASSWORD")),
        ("PGHOST", conf.get("HOST")),
        ("PGPORT", str(conf.get("PORT") or "")),
    ):
        if value:
            env[key] = value
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()}") from exc


def _row_counts(alias: str) -> dict[str, int]:
    """Rows per table of every installed model (auto-created many-to-many tables included)."""
    tables = sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True) if model._meta.managed}
    )
    existing = set(connections[alias].introspection.table_names())
    counts = {}
    with connections[alias].cursor() as cursor:
        for table in tables:
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connections[alias].ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> dict[str, dict]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): {"size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup_create(*, destination: Path, alias: str = "default", keep: int | None = None) -> Path:
    """Take a backup into a new folder under ``destination`` and return its path; with ``keep``,
    delete the oldest backups there beyond that many."""
    engine = _engine(alias)
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(datetime.UTC)
    name = PREFIX + stamp.strftime("%Y%m%dT%H%M%S%fZ")
    partial = destination / f".{name}.partial"
    partial.mkdir()
    try:
        if engine == "postgresql":
            # Custom format: compressed, restorable table by table; no owners or grants, so that it
            # restores under whichever role the new host uses.
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(partial / PG_DUMP),
                ],
                _pg_env(alias),
            )
        else:
            source = sqlite3.connect(connections[alias].settings_dict["NAME"])
            target = sqlite3.connect(partial / SQLITE_COPY)
            with target:
                source.backup(target)
            source.close()
            target.close()
        media_root = Path(settings.MEDIA_ROOT)
        files = _media_files(media_root)
        with tarfile.open(partial / MEDIA_ARCHIVE, "w:gz") as archive:
            for relative in files:
                archive.add(media_root / relative, arcname=relative)
        manifest = {
            "created_at": stamp.isoformat(),
            "engine": engine,
            "tables": _row_counts(alias),
            "files": files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        final = destination / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep is not None:
        backups = sorted(p for p in destination.iterdir() if p.is_dir() and p.name.startswith(PREFIX))
        for old in backups[:-keep] if keep > 0 else []:
            shutil.rmtree(old)
    return final


def _read_manifest(backup: Path) -> dict:
    try:
        return json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{backup} is not a complete backup: it has no {MANIFEST}.") from exc


def backup_verify(*, backup: Path, alias: str = "default") -> RestoreReport:
    """Compare the live database and media folder with a backup's manifest."""
    manifest = _read_manifest(Path(backup))
    counts = _row_counts(alias)
    missing = [
        f"table {table}: {rows} rows in the backup, {counts.get(table, 'none')} here"
        for table, rows in sorted(manifest["tables"].items())
        if counts.get(table) != rows
    ]
    media_root = Path(settings.MEDIA_ROOT)
    for relative, meta in sorted(manifest["files"].items()):
        path = media_root / relative
        if not path.is_file() or _sha256(path) != meta["sha256"]:
            missing.append(f"file {relative}")
    return RestoreReport(
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["files"]),
        missing=missing,
    )


def backup_restore(*, backup: Path, alias: str = "default") -> RestoreReport:
    """Restore a backup into the (empty) database and media folder the settings name, then verify."""
    backup = Path(backup)
    manifest = _read_manifest(backup)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(f"The backup is of a {manifest['engine']} database; this one is {engine}.")
    if connections[alias].introspection.table_names():
        raise BackupError("The database already has tables: restore into a new, empty database.")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"{media_root} already holds files: restore into an empty media folder.")
    if engine == "postgresql":
        connections[alias].close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                _pg_env(alias)["PGDATABASE"],
                str(backup / PG_DUMP),
            ],
            _pg_env(alias),
        )
    else:
        connections[alias].close()
        source = sqlite3.connect(backup / SQLITE_COPY)
        target = sqlite3.connect(connections[alias].settings_dict["NAME"])
        with target:
            source.backup(target)
        source.close()
        target.close()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup / MEDIA_ARCHIVE, "r:gz") as archive:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(media_root, filter="data")
    return backup_verify(backup=backup, alias=alias)
