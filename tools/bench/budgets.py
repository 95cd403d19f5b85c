"""The budgets of issue 16, and the verdict on a run's figures (met, missed, or not measured).

- every page: the same number of queries on the tiny dataset as on the full one, at most 15; p95
  under 150 ms with one client; throughput with 8 clients at least 0.25 of the baseline's;
- the SLA report and its export: under 300 ms (p95, one client), the same query budget, and no
  more memory than a list page (a worker's peak grows by at most ``REPORT_MEMORY_KB``);
- every sweep over the whole dataset: under 10 s, the same number of statements (other than the
  inserts, which the database's parameter limit splits) in every full batch.

The list exports (CSV, XLSX of the demand list) stream every matching row: their time and queries
are printed but the issue sets them no budget.
"""

from dataclasses import asdict, dataclass

PAGE_MAX_QUERIES = 15
PAGE_P95_MS = 150.0
THROUGHPUT_RATIO_MIN = 0.25
REPORT_P95_MS = 300.0
REPORT_MEMORY_KB = 10 * 1024
SWEEP_SECONDS = 10.0


@dataclass(frozen=True)
class Verdict:
    subject: str
    budget: str
    figure: str
    met: bool | None  # None: not measured (the page failed, or no small run to compare)

    def as_dict(self) -> dict:
        return asdict(self)


def _fmt(value, unit="") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}{unit}" if value < 100 else f"{value:.0f}{unit}"
    return f"{value}{unit}"


def page_verdicts(entry: dict) -> list[Verdict]:
    """Verdicts on one measured page (a dict as run.py writes it in the JSON)."""
    subject = f"{entry['name']} ({entry['role']})"
    kind = entry.get("kind", "page")
    if entry.get("status") in (403, 404):
        # Not this role's page (the instruction queue is HQ's): recorded, not judged.
        return [Verdict(subject, "answers 200", f"status {entry['status']}: not open to this role", None)]
    if entry.get("status") != 200:
        return [Verdict(subject, "answers 200", f"status {entry.get('status')}", False)]
    verdicts = []
    full, small = entry.get("queries"), entry.get("queries_small")
    if kind in ("page", "report"):
        if full is None or small is None:
            met = None if full is None or full <= PAGE_MAX_QUERIES else False
        else:
            met = full == small and full <= PAGE_MAX_QUERIES
        verdicts.append(
            Verdict(subject, f"queries flat and <= {PAGE_MAX_QUERIES}", f"{_fmt(small)} -> {_fmt(full)}", met)
        )
    p95 = entry.get("p95_ms")
    if kind == "page":
        verdicts.append(
            Verdict(
                subject,
                f"p95 < {PAGE_P95_MS:.0f} ms",
                _fmt(p95, " ms"),
                None if p95 is None else p95 < PAGE_P95_MS,
            )
        )
        ratio = entry.get("ratio")
        verdicts.append(
            Verdict(
                subject,
                f"throughput >= {THROUGHPUT_RATIO_MIN} x baseline",
                "—" if ratio is None else f"{ratio:.3f}",
                None if ratio is None else ratio >= THROUGHPUT_RATIO_MIN,
            )
        )
    elif kind == "report":
        verdicts.append(
            Verdict(
                subject,
                f"p95 < {REPORT_P95_MS:.0f} ms",
                _fmt(p95, " ms"),
                None if p95 is None else p95 < REPORT_P95_MS,
            )
        )
        grew = entry.get("memory_growth_kb")
        verdicts.append(
            Verdict(
                subject,
                f"worker peak grows <= {REPORT_MEMORY_KB // 1024} MB",
                "—" if grew is None else f"+{grew / 1024:.1f} MB",
                None if grew is None else grew <= REPORT_MEMORY_KB,
            )
        )
    return verdicts


# What a walk may add to its first batch: lookups made once per run and kept for the rest (the
# working-day calendar, a content type, a default policy), not per row.
ONCE_PER_RUN = 2


def _fixed(counts: list[int]) -> bool:
    """Every batch after the first makes the same statements; the first at most ``ONCE_PER_RUN``
    more (and never fewer)."""
    steady = counts[1:] or counts
    return len(set(steady)) == 1 and 0 <= counts[0] - steady[0] <= ONCE_PER_RUN


def batch_figure(counts: list[int]) -> str:
    steady = counts[1:] or counts
    figure = str(sorted(set(steady)))
    if len(counts) > 1 and counts[0] != steady[0]:
        figure += f" (first {counts[0]})"
    return figure


def sweep_verdicts(sweep: dict) -> list[Verdict]:
    subject = f"sweep {sweep['name']}"
    if sweep.get("error"):
        return [Verdict(subject, "runs", sweep["error"][:60], False)]
    seconds = sweep.get("seconds")
    per_batch = sweep.get("statements_per_batch") or []
    verdicts = [
        Verdict(
            subject,
            f"< {SWEEP_SECONDS:.0f} s",
            _fmt(seconds, " s"),
            None if seconds is None else seconds < SWEEP_SECONDS,
        )
    ]
    walks = sweep.get("walks") or {}
    if sweep.get("per_item"):
        verdicts.append(
            Verdict(subject, "fixed statements per full batch", "one transaction per item by design", None)
        )
    elif per_batch:
        runs = [c for c in walks.values() if c] if walks else [per_batch]
        fixed = all(_fixed(counts) for counts in runs)
        figure = " / ".join(batch_figure(counts) for counts in runs)
        verdicts.append(Verdict(subject, "fixed statements per full batch", figure, fixed))
    else:
        # No batch walk seen: fine for a sweep with little to do, but one that makes a statement
        # or more per row it handles grows with the data (the auto-close sweep before issue 16).
        queries, due = sweep.get("queries") or 0, sweep.get("due") or 0
        grows = due > 1 and queries >= due
        verdicts.append(
            Verdict(
                subject,
                "fixed statements per full batch",
                f"{queries} statements for {due} rows, no batches seen",
                False if grows else None,
            )
        )
    return verdicts


def evaluate(result: dict) -> list[Verdict]:
    """Every verdict of a run (the dict run.py writes as JSON)."""
    verdicts = []
    for entry in result.get("pages", []):
        verdicts += page_verdicts(entry)
    for sweep in result.get("sweeps", []):
        verdicts += sweep_verdicts(sweep)
    return verdicts
