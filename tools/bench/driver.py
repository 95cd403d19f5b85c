"""The load driver: HTTP/1.1 clients on loopback (http.client), one per thread, each keeping its
session cookie; a sequential phase (one client: p50, p95) and a concurrent one (N clients:
requests per second). No Django here: it runs in the harness's process, apart from gunicorn's.
"""

import http.client
import itertools
import re
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT = 180
_ids = itertools.count(1)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    ms: float
    size: int
    queries: int | None
    location: str = ""


class Session:
    """One signed-in person: the cookies gunicorn set. Threads share it (each has its own
    connection)."""

    def __init__(self, host: str, port: int, query_log: Path | None = None):
        self.host, self.port, self.query_log = host, port, query_log
        self.cookies: dict[str, str] = {}
        self._local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        return conn

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[Reply, bytes]:
        bench_id = f"{threading.get_ident()}-{next(_ids)}"
        headers = {"X-Bench-Id": bench_id, "Accept-Language": "en", "Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                # gunicorn's sync workers close the connection after each response: reconnect once.
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        ms = (time.perf_counter() - started) * 1000
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            self._local.conn = None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        queries = response.getheader("X-Bench-Queries")
        reply = Reply(
            status=response.status,
            ms=ms,
            size=len(payload),
            queries=int(queries) if queries is not None else self._logged_queries(bench_id),
            location=response.getheader("Location", ""),
        )
        return reply, payload

    def get(self, path: str) -> Reply:
        return self.request("GET", path)[0]

    def _logged_queries(self, bench_id: str) -> int | None:
        """A streamed response's count, which the middleware writes once the stream has ended."""
        if self.query_log is None or not self.query_log.exists():
            return None
        for _ in range(20):
            for line in self.query_log.read_text().splitlines():
                key, _, count = line.partition(" ")
                if key == bench_id:
                    return int(count)
            time.sleep(0.05)
        return None

    def login(self, username: str, password: str) -> bool:
        """Sign in through the real form; True when the baseline page then answers 200.

        Tolerant: a sign-in that does not end on a signed-in page (a second factor, a throttle)
        returns False and the harness falls back to a session it writes itself (run.py).
        """
        reply, page = self.request("GET", "/accounts/login/")
        match = _CSRF.search(page.decode("utf-8", "replace"))
        if reply.status != 200 or not match:
            return False
        form = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": match.group(1),
            "next": "/",
        }
        reply, _ = self.request("POST", "/accounts/login/", body=form)
        if reply.status not in (302, 303):
            return False
        return self.signed_in()

    def signed_in(self) -> bool:
        return self.get("/bench/baseline/").status == 200


@dataclass
class Measure:
    """Figures of one page for one role."""

    status: int = 0
    size: int = 0
    queries: int | None = None
    queries_seen: list[int] = field(default_factory=list)
    sequential_ms: list[float] = field(default_factory=list)
    throughput: float = 0.0
    concurrent_requests: int = 0
    concurrent_errors: int = 0

    @property
    def p50(self) -> float | None:
        return statistics.median(self.sequential_ms) if self.sequential_ms else None

    @property
    def p95(self) -> float | None:
        return percentile(self.sequential_ms, 95)


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (p95 of 20 samples is the 19th): no interpolation on few samples."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def sequential(session: Session, path: str, *, requests: int, seconds: float) -> Measure:
    """One warm-up, then up to ``requests`` one after the other (stopping after ``seconds``, but
    never before three; two when the warm-up alone took longer than ``seconds``)."""
    m = Measure()
    warm = session.get(path)
    m.status, m.size = warm.status, warm.size
    if warm.status != 200:
        return m
    if warm.queries is not None:
        m.queries_seen.append(warm.queries)
    least = 2 if warm.ms / 1000 > seconds else 3
    started = time.perf_counter()
    while len(m.sequential_ms) < requests:
        reply = session.get(path)
        m.sequential_ms.append(reply.ms)
        if reply.queries is not None:
            m.queries_seen.append(reply.queries)
        if len(m.sequential_ms) >= least and time.perf_counter() - started > seconds:
            break
    m.queries = Counter(m.queries_seen).most_common(1)[0][0] if m.queries_seen else None
    return m


def concurrent(session: Session, path: str, *, clients: int, seconds: float) -> tuple[float, int, int]:
    """``clients`` threads request ``path`` over and over, starting new requests for ``seconds``;
    return (requests per second until the last one finished, requests, errors)."""
    done = errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    def worker():
        nonlocal done, errors
        while time.perf_counter() < deadline:
            try:
                reply = session.get(path)
                ok = reply.status == 200
            except Exception:
                ok = False
            with lock:
                done += 1
                errors += not ok
        session._local.conn = None

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return ((done - errors) / elapsed if elapsed else 0.0), done, errors


def worker_memory(master_pid: int) -> dict[int, dict[str, int]]:
    """Each gunicorn worker's resident memory now and at its peak (VmRSS, VmHWM; kB)."""
    out = {}
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return out
    for pid in map(int, children):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        out[pid] = {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM") if k in fields}
    return out
