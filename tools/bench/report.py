"""The run's table on the terminal, its JSON file, and the comparison of two JSON files."""

import json
from pathlib import Path

from .budgets import batch_figure, evaluate


def _n(value, digits=0, unit="") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def page_table(result: dict) -> str:
    head = f"{'page':<34} {'role':<6} {'st':>3} {'KB':>7} {'q tiny':>6} {'q full':>6} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'ratio':>6} {'+MB':>6}"
    lines = [head, "-" * len(head)]
    for e in result.get("pages", []):
        lines.append(
            f"{e['name'][:34]:<34} {e['role']:<6} {e.get('status', 0):>3} {_n(e.get('size', 0) / 1024):>7} "
            f"{_n(e.get('queries_small')):>6} {_n(e.get('queries')):>6} {_n(e.get('p50_ms'), 1):>8} "
            f"{_n(e.get('p95_ms'), 1):>8} {_n(e.get('throughput'), 1):>7} {_n(e.get('ratio'), 3):>6} "
            f"{_n((e.get('memory_growth_kb') or 0) / 1024, 1):>6}"
        )
    baselines = result.get("baselines", [])
    if baselines:
        tps = [b["throughput"] for b in baselines]
        p50 = result.get("baseline_p50_ms")
        lines.append(
            f"baseline (bare logged-in page): p50 {_n(p50, 1)} ms, throughput {min(tps):.1f}–{max(tps):.1f} req/s "
            f"over {len(tps)} measurements"
        )
    return "\n".join(lines)


def sweep_table(result: dict) -> str:
    sweeps = result.get("sweeps", [])
    if not sweeps:
        return ""
    head = f"{'sweep':<34} {'s':>8} {'due':>8} {'created':>8} {'queries':>8} {'batches':>7}  statements per full batch"
    lines = [head, "-" * len(head)]
    for s in sweeps:
        if s.get("error"):
            lines.append(f"{s['name']:<34} error: {s['error'][:80]}")
            continue
        lines.append(
            f"{s['name']:<34} {_n(s.get('seconds'), 2):>8} {_n(s.get('due')):>8} {_n(s.get('created')):>8} "
            f"{_n(s.get('queries')):>8} {_n(s.get('batches')):>7}  "
            + (" / ".join(batch_figure(c) for c in (s.get("walks") or {}).values() if c) or "—")
        )
    return "\n".join(lines)


def memory_table(result: dict) -> str:
    workers = result.get("workers", {})
    if not workers:
        return ""
    parts = [
        f"pid {pid}: peak {w.get('VmHWM', 0) / 1024:.0f} MB, now {w.get('VmRSS', 0) / 1024:.0f} MB"
        for pid, w in workers.items()
    ]
    return "gunicorn workers' memory at the end: " + "; ".join(parts)


def verdict_table(result: dict) -> str:
    verdicts = evaluate(result)
    lines = []
    for v in verdicts:
        mark = {True: "met   ", False: "MISSED", None: "n/a   "}[v.met]
        lines.append(f"{mark} {v.subject:<44} {v.budget:<36} {v.figure}")
    met = sum(v.met is True for v in verdicts)
    missed = sum(v.met is False for v in verdicts)
    lines.append(f"budgets: {met} met, {missed} missed, {len(verdicts) - met - missed} not measured")
    return "\n".join(lines)


def render(result: dict) -> str:
    env = result.get("environment", {})
    head = (
        f"== make bench: {env.get('mode')} on {env.get('vendor')} ({env.get('database')}), "
        f"{env.get('workers')} gunicorn workers, {env.get('clients')} clients, {env.get('cpus')} CPUs, "
        f"load {env.get('loadavg')} at start, commit {env.get('commit')} =="
    )
    rows = result.get("dataset", {}).get("rows", {})
    data = "dataset: " + ", ".join(f"{k} {v:,}" for k, v in rows.items())
    parts = [head, data, page_table(result), sweep_table(result), memory_table(result), verdict_table(result)]
    return "\n\n".join(p for p in parts if p)


def write(result: dict, folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    result = {**result, "verdicts": [v.as_dict() for v in evaluate(result)]}
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    return path


def _change(a, b) -> str:
    if a is None or b is None:
        return "—"
    if not a:
        return "—"
    return f"{(b - a) / a * 100:+.0f}%"


def compare(a: dict, b: dict) -> str:
    """Page by page and sweep by sweep: the figures of run ``a``, of run ``b`` and the change."""
    key = lambda e: (e["name"], e["role"])  # noqa: E731
    pages_a = {key(e): e for e in a.get("pages", [])}
    head = f"{'page':<34} {'role':<6} {'queries':>9} {'p50 ms a -> b':>19} {'chg':>6} {'p95 ms a -> b':>19} {'ratio a -> b':>15}"
    lines = [head, "-" * len(head)]
    for e in b.get("pages", []):
        old = pages_a.get(key(e), {})
        lines.append(
            f"{e['name'][:34]:<34} {e['role']:<6} {_n(old.get('queries')):>4}->{_n(e.get('queries')):<4} "
            f"{_n(old.get('p50_ms'), 1):>9}->{_n(e.get('p50_ms'), 1):<9} {_change(old.get('p50_ms'), e.get('p50_ms')):>6} "
            f"{_n(old.get('p95_ms'), 1):>9}->{_n(e.get('p95_ms'), 1):<9} "
            f"{_n(old.get('ratio'), 3):>7}->{_n(e.get('ratio'), 3):<7}"
        )
    sweeps_a = {s["name"]: s for s in a.get("sweeps", [])}
    for s in b.get("sweeps", []):
        old = sweeps_a.get(s["name"], {})
        lines.append(
            f"sweep {s['name']:<28} {_n(old.get('seconds'), 2)} s -> {_n(s.get('seconds'), 2)} s "
            f"({_change(old.get('seconds'), s.get('seconds'))}), queries {_n(old.get('queries'))} -> {_n(s.get('queries'))}"
        )
    verdicts_a = {(v.subject, v.budget): v.met for v in evaluate(a)}
    flips = [
        f"  {'now met' if v.met else 'now missed'}: {v.subject} {v.budget} ({v.figure})"
        for v in evaluate(b)
        if (v.subject, v.budget) in verdicts_a
        and verdicts_a[(v.subject, v.budget)] != v.met
        and v.met is not None
    ]
    if flips:
        lines.append("budgets that changed:")
        lines += flips
    return "\n".join(lines)
