"""``make bench``: build (or reuse) the datasets, start gunicorn as in production, drive it, run
the sweeps, print the table and the budgets, write the JSON.

    python -m tools.bench                 # the full run (PostgreSQL when reachable)
    python -m tools.bench --quick         # the quick run: small dataset, few requests (< 2 min)
    python -m tools.bench --compare A.json B.json

Configuration (environment): ``BENCH_DATABASE_NAME`` (default ``jvportal_bench``; the tiny
dataset the query counts are compared with is ``<name>_tiny``, the sweeps' copy
``<name>_sweeps``), ``BENCH_PG_URL`` (the server, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_BACKEND`` (``postgres`` or ``sqlite``; default PostgreSQL when the server answers),
``BENCH_PORT`` (default 8106), ``BENCH_REDIS_URL`` (the cache and the sessions, as production's
``REDIS_URL``; default ``redis://127.0.0.1:6379/15`` when it answers, else none: each worker's
memory and sessions in the database). The harness creates and drops these databases itself.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from . import dataset, driver, report

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
PY = sys.executable

MODES = {
    # scale, sequential requests, sequential seconds cap, concurrent seconds, baseline seconds
    "full": {
        "scale": dataset.SIZES["full"],
        "requests": 30,
        "seconds": 8.0,
        "concurrent": 4.0,
        "baseline": 2.0,
    },
    "quick": {
        "scale": dataset.SIZES["quick"],
        "requests": 4,
        "seconds": 0.3,
        "concurrent": 0.4,
        "baseline": 0.25,
    },
}
CLIENTS = 8
WORKERS = 4
# One per run, shared by gunicorn and the harness's own Django steps: a session the harness writes
# is signed (and its user's hash derived) with the key gunicorn checks it with.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the pages ------------------------------------------------------------------------------
def pages(meta: dict) -> list[dict]:
    """Every page measured, as (name, role, path, kind). A page a role may not open (403, 404)
    is recorded as such and not timed."""
    jv, demand, q = meta["biggest_jv"], meta["longest_demand"], meta["search"]
    common = [
        ("home", "/"),
        ("JV list", "/ventures/"),
        ("JV detail (biggest)", f"/ventures/{jv}/"),
        ("demand list", "/demands/"),
        ("demand list open", "/demands/?status=open"),
        ("demand list overdue", "/demands/?due=overdue"),
        ("demand list sorted by deadline", "/demands/?ordering=due"),
        ("demand detail (longest timeline)", f"/demands/{demand}/"),
        ("representative list", "/representatives/"),
        ("meeting list", "/representatives/meetings/"),
        ("instruction queue", "/representatives/instructions/"),
        ("report list", "/representatives/reports/"),
        ("notification list", "/notifications/"),
        ("search", f"/search/?q={_quote(q)}"),
    ]
    out = []
    for role in ("hq", "rep"):
        out += [{"name": n, "role": role, "path": p, "kind": "page"} for n, p in common]
        out += [
            {"name": "SLA report", "role": role, "path": "/demands/reports/", "kind": "report"},
            {
                "name": "SLA report export XLSX",
                "role": role,
                "path": "/demands/reports/export.xlsx",
                "kind": "report",
            },
            {"name": "demand export CSV", "role": role, "path": "/demands/export.csv", "kind": "export"},
            {"name": "demand export XLSX", "role": role, "path": "/demands/export.xlsx", "kind": "export"},
        ]
    for model in (
        "demands/demand",
        "notifications/notification",
        "representatives/report",
        "representatives/meeting",
        "representatives/appointment",
        "representatives/representative",
        "ventures/jointventure",
        "accounts/user",
        "engagements/engagement",
        "research/annualresearch",
    ):
        out.append({"name": f"admin {model}", "role": "admin", "path": f"/admin/{model}/", "kind": "page"})
    return out


def _quote(text: str) -> str:
    import urllib.parse

    return urllib.parse.quote(text)


# --- databases ------------------------------------------------------------------------------
class Database:
    """One bench database (PostgreSQL or a SQLite file) that the harness creates and drops."""

    def __init__(self, backend: str, name: str):
        self.backend, self.name = backend, name
        self.server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        self.path = VAR / f"{name}.sqlite3"

    @property
    def url(self) -> str:
        return f"{self.server}/{self.name}" if self.backend == "postgres" else f"sqlite:///{self.path}"

    def _admin(self):
        import psycopg

        return psycopg.connect(f"{self.server}/postgres", autocommit=True)

    def exists(self) -> bool:
        if self.backend == "sqlite":
            return self.path.exists()
        with self._admin() as conn:
            return (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
                is not None
            )

    def drop(self) -> None:
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def create(self, template: "Database | None" = None) -> None:
        self.drop()
        if self.backend == "sqlite":
            VAR.mkdir(parents=True, exist_ok=True)
            if template is not None:
                with sqlite3.connect(template.path) as src:
                    src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                shutil.copyfile(template.path, self.path)
            return
        with self._admin() as conn:
            extra = f' TEMPLATE "{template.name}"' if template else ""
            conn.execute(f'CREATE DATABASE "{self.name}"{extra}')

    def stored(self) -> tuple[str, dict] | None:
        """The fingerprint and meta the builder left, or None."""
        if not self.exists():
            return None
        try:
            if self.backend == "sqlite":
                with sqlite3.connect(self.path) as conn:
                    row = conn.execute("SELECT fingerprint, meta FROM bench_dataset").fetchone()
            else:
                import psycopg

                with psycopg.connect(self.url) as conn:
                    row = conn.execute("SELECT fingerprint, meta FROM bench_dataset").fetchone()
        except Exception:
            return None
        return (row[0], json.loads(row[1])) if row else None


def pg_available() -> bool:
    try:
        Database("postgres", "postgres")._admin().close()
        return True
    except Exception:
        return False


DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
REDIS_URL = ""  # the run's, set by main()


def redis_url() -> str:
    """``BENCH_REDIS_URL``, else the local server's database 15 when it answers, else none."""
    if "BENCH_REDIS_URL" in os.environ:
        return os.environ["BENCH_REDIS_URL"]
    try:
        import redis

        redis.Redis.from_url(DEFAULT_REDIS_URL, socket_connect_timeout=1).ping()
        return DEFAULT_REDIS_URL
    except Exception:
        return ""


def bench_env(db: Database, **extra) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "jvportal.settings.bench",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DJANGO_STATIC_ROOT": str(VAR / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": db.url,
        "REDIS_URL": REDIS_URL,
        # Commits nudge the e-mail sender through the broker: an in-process broker, no server.
        "CELERY_BROKER_URL": "memory://",
        "PORTAL_CALENDAR_SEED_ON_MIGRATE": "True",
        **extra,
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(db: Database, *args: str) -> None:
    subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=bench_env(db), check=True, stdout=subprocess.DEVNULL
    )


def ensure_dataset(db: Database, scale: float, *, rebuild: bool) -> dict:
    fingerprint = dataset.source_fingerprint(scale)
    stored = None if rebuild else db.stored()
    if stored and stored[0] == fingerprint:
        log(f"reusing {db.backend} database {db.name} (fingerprint {fingerprint})")
        return stored[1]
    log(f"building {db.backend} database {db.name} at scale {scale}")
    started = time.perf_counter()
    db.create()
    manage(db, "migrate", "--noinput")
    migrated = time.perf_counter()
    subprocess.run(
        [PY, "-m", "tools.bench", "build", "--scale", str(scale)], cwd=ROOT, env=bench_env(db), check=True
    )
    meta = db.stored()[1]
    meta["build_seconds"] = {"migrate": migrated - started, "rows": time.perf_counter() - migrated}
    log(f"built in {time.perf_counter() - started:.0f} s (migrate {migrated - started:.0f} s)")
    return meta


def ensure_static(db: Database) -> None:
    """collectstatic into var/bench/static (the manifest storage needs it), again when a source
    changed: the project's static folder or the npm packages (package-lock.json)."""
    vendor = ROOT / "node_modules" / "bootstrap" / "dist"
    manifest = VAR / "static" / "staticfiles.json"
    sources = [ROOT / "static", ROOT / "package-lock.json"]
    files = [p for s in sources if s.exists() for p in ([s] if s.is_file() else s.rglob("*")) if p.is_file()]
    stamp = str(sorted((str(p.relative_to(ROOT)), p.stat().st_size, int(p.stat().st_mtime)) for p in files))
    marker = VAR / "static.stamp"
    if manifest.exists() and marker.exists() and marker.read_text() == stamp:
        return
    if not vendor.exists():
        if manifest.exists():
            log("node_modules is empty: keeping the static files collected before (run `make install`)")
            return
        raise SystemExit("node_modules is empty: run `make install` (npm ci) first; the pages need its files")
    log("collecting static files for the manifest storage")
    manage(db, "collectstatic", "--noinput", "--clear")
    marker.write_text(stamp)


# --- gunicorn -------------------------------------------------------------------------------
class Gunicorn:
    def __init__(self, db: Database, port: int, query_log: Path):
        self.db, self.port, self.query_log = db, port, query_log
        self.proc = None

    def __enter__(self):
        self.query_log.unlink(missing_ok=True)
        self.errors = errors = open(VAR / "gunicorn.log", "a")
        self.proc = subprocess.Popen(
            [
                str(Path(PY).with_name("gunicorn")),
                "jvportal.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=bench_env(self.db, BENCH_QUERY_LOG=str(self.query_log)),
            stdout=errors,
            stderr=errors,
            start_new_session=True,
        )
        deadline = time.time() + 60
        probe = driver.Session("127.0.0.1", self.port)
        while time.time() < deadline:
            try:
                if probe.get("/accounts/login/").status == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {VAR / 'gunicorn.log'}")
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.errors.close()


def sign_in(db: Database, port: int, username: str, password: str, query_log: Path) -> driver.Session:
    """Through the login form; if that does not end signed in (a second factor, a throttle),
    with a session the harness writes into the bench database itself (``session`` command)."""
    session = driver.Session("127.0.0.1", port, query_log)
    if session.login(username, password):
        return session
    log(f"the login form did not sign {username} in: using a session written by the harness")
    key = subprocess.run(
        [PY, "-m", "tools.bench", "session", username],
        cwd=ROOT,
        env=bench_env(db),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    name, _, key = key.partition("=")  # the cookie's name is the settings' (``__Host-`` in production)
    session.cookies = {name: key}
    if not session.signed_in():
        raise RuntimeError(f"cannot sign {username} in, neither through the form nor with a session")
    return session


def peak_kb(master: int) -> int:
    return max((w.get("VmHWM", 0) for w in driver.worker_memory(master).values()), default=0)


def selected(entries: list[dict], pattern: str | None) -> list[dict]:
    """The pages whose "name (role)" matches the regular expression ``pattern`` (all without one)."""
    if not pattern:
        return entries
    import re

    return [e for e in entries if re.search(pattern, f"{e['name']} ({e['role']})")]


def measure_pages(
    db: Database, meta: dict, mode: dict, port: int, *, queries_only: bool = False, pattern: str | None = None
) -> dict:
    query_log = VAR / f"queries-{db.name}.log"
    with Gunicorn(db, port, query_log) as server:
        users, password = meta["users"], meta["password"]
        sessions = {
            role: sign_in(db, port, users[role], password, query_log) for role in ("hq", "rep", "admin")
        }
        if queries_only:
            out = []
            for page in selected(pages(meta), pattern):
                m = driver.sequential(sessions[page["role"]], page["path"], requests=1, seconds=0)
                out.append({**page, "status": m.status, "queries": m.queries})
            return {"pages": out}
        baseline = sessions["hq"]
        base = driver.sequential(
            baseline, "/bench/baseline/", requests=mode["requests"], seconds=mode["seconds"]
        )

        def baseline_throughput():
            tp, n, errors = driver.concurrent(
                baseline, "/bench/baseline/", clients=CLIENTS, seconds=mode["baseline"]
            )
            return {"throughput": tp, "requests": n, "errors": errors}

        baselines = [baseline_throughput()]
        results = []
        for page in selected(pages(meta), pattern):
            session = sessions[page["role"]]
            before = peak_kb(server.proc.pid)
            m = driver.sequential(session, page["path"], requests=mode["requests"], seconds=mode["seconds"])
            row = {
                **page,
                "status": m.status,
                "size": m.size,
                "queries": m.queries,
                "queries_seen": sorted(set(m.queries_seen)),
            }
            if m.status == 200:
                tp, n, errors = driver.concurrent(
                    session, page["path"], clients=CLIENTS, seconds=mode["concurrent"]
                )
                baselines.append(baseline_throughput())
                around = (baselines[-2]["throughput"] + baselines[-1]["throughput"]) / 2
                row.update(
                    p50_ms=m.p50,
                    p95_ms=m.p95,
                    samples=len(m.sequential_ms),
                    throughput=tp,
                    concurrent_requests=n,
                    concurrent_errors=errors,
                    baseline_throughput=around,
                    ratio=tp / around if around else None,
                )
            row["memory_growth_kb"] = peak_kb(server.proc.pid) - before
            results.append(row)
            log(
                f"{page['name']} ({page['role']}): {m.status}, {row.get('queries')} queries, "
                f"p50 {row.get('p50_ms') or 0:.0f} ms, ratio {row.get('ratio') or 0:.3f}"
            )
        return {
            "pages": results,
            "baselines": baselines,
            "baseline_p50_ms": base.p50,
            "baseline_queries": base.queries,
            "workers": driver.worker_memory(server.proc.pid),
        }


def run_sweeps(db: Database) -> list[dict]:
    copy = Database(db.backend, f"{db.name}_sweeps")
    log(f"copying {db.name} to {copy.name} for the sweeps (they write)")
    copy.create(template=db)
    out = VAR / "sweeps.json"
    try:
        subprocess.run(
            [PY, "-m", "tools.bench", "sweeps", "--out", str(out)], cwd=ROOT, env=bench_env(copy), check=True
        )
        return json.loads(out.read_text())
    finally:
        copy.drop()


def environment(mode_name: str, db: Database) -> dict:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "mode": mode_name,
        "vendor": db.backend,
        "database": db.name,
        "workers": WORKERS,
        "clients": CLIENTS,
        "redis": bool(REDIS_URL),
        "cpus": os.cpu_count(),
        "loadavg": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "commit": commit,
        "python": sys.version.split()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small dataset, few requests: under two minutes")
    parser.add_argument(
        "--rebuild", action="store_true", help="build the datasets even when the fingerprint matches"
    )
    parser.add_argument("--no-sweeps", action="store_true")
    parser.add_argument("--no-tiny", action="store_true", help="skip the tiny dataset's query counts")
    parser.add_argument("--no-pages", action="store_true", help="the sweeps only")
    parser.add_argument("--pages", metavar="REGEX", help='only the pages whose "name (role)" matches')
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default=os.environ.get("BENCH_BACKEND"))
    parser.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"))
    args = parser.parse_args(argv)
    global REDIS_URL
    REDIS_URL = redis_url()

    if args.compare:
        a, b = (json.loads(Path(p).read_text()) for p in args.compare)
        print(report.compare(a, b))
        return 0

    mode_name = "quick" if args.quick else "full"
    mode = MODES[mode_name]
    backend = args.backend or ("postgres" if pg_available() else "sqlite")
    name = os.environ.get("BENCH_DATABASE_NAME", "jvportal_bench")
    port = int(os.environ.get("BENCH_PORT", "8106"))
    VAR.mkdir(parents=True, exist_ok=True)
    full = Database(backend, name if mode_name == "full" else f"{name}_quick")
    tiny = Database(backend, f"{name}_tiny")
    started = time.perf_counter()
    result = {"environment": environment(mode_name, full)}

    meta = ensure_dataset(full, mode["scale"], rebuild=args.rebuild)
    ensure_static(full)
    result["dataset"] = meta
    small = {}
    if not args.no_tiny and not args.no_pages:
        tiny_meta = ensure_dataset(tiny, dataset.SIZES["tiny"], rebuild=args.rebuild)
        log("query counts on the tiny dataset")
        small = {
            (p["name"], p["role"]): p
            for p in measure_pages(tiny, tiny_meta, mode, port, queries_only=True, pattern=args.pages)[
                "pages"
            ]
        }
        result["dataset_tiny"] = tiny_meta["rows"]
    if not args.no_pages:
        log(f"measuring the pages ({mode_name})")
        result.update(measure_pages(full, meta, mode, port, pattern=args.pages))
    for row in result.get("pages", []):
        row["queries_small"] = small.get((row["name"], row["role"]), {}).get("queries")
    if not args.no_sweeps:
        result["sweeps"] = run_sweeps(full)
    result["seconds"] = time.perf_counter() - started
    print()
    print(report.render(result))
    path = report.write(result, VAR, time.strftime("%Y%m%d-%H%M%S"))
    print(f"\nwritten: {path.relative_to(ROOT)} ({result['seconds']:.0f} s in all)")
    return 0


def _second_factor(store, user) -> None:
    """Production asks staff (the bench admin) for a second factor: give the bench user a device
    of django-otp's and mark the session as having passed it, as the verify page would."""
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        from accounts import two_factor
    except ImportError:
        return
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[two_factor.PENDING] = True


def django_command(argv: list[str]) -> int:
    """The steps that run inside Django, in the bench database's environment."""
    import django

    django.setup()
    if argv[0] == "build":
        scale = float(argv[argv.index("--scale") + 1])
        started = time.perf_counter()
        meta = dataset.build(scale)
        print(f"[bench] rows {meta['rows']} in {time.perf_counter() - started:.0f} s", flush=True)
    elif argv[0] == "sweeps":
        from . import sweeps

        out = Path(argv[argv.index("--out") + 1])
        out.write_text(json.dumps(sweeps.run_all(), default=str))
    elif argv[0] == "session":
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

        user = get_user_model().objects.get(username=argv[1])
        # The portal's own session engine (cached with Redis) and the backend its sign-in records.
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "accounts.backends.PortalModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        _second_factor(store, user)
        store.create()
        print(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return 0
