"""Every periodic sweep over the whole dataset, timed, with its statements per batch.

Runs inside Django (``python -m tools.bench sweeps``) on a copy of the bench database (the sweeps
write). A sweep walks its rows in batches whose query ends in ``LIMIT <BATCH_SIZE>``; the
statements between two such queries are one batch. Statements other than inserts are counted
(the database's parameter limit splits large inserts, SQLite's especially).
"""

import importlib
import time
import traceback

SWEEPS = [
    ("demand deadlines", "demands.services:demand_deadlines_sweep", "now"),
    ("demand auto-close", "demands.services:demand_autoclose_sweep", "now"),
    ("appointment terms", "representatives.services.people:appointment_terms_sweep", "today"),
    ("reports daily", "representatives.services.reports:reports_daily", "today"),
    ("meeting instructions", "representatives.services.meetings:meeting_instructions_sweep", "now"),
    ("research daily", "research.services.reminders:research_daily", "today"),
    ("engagements daily", "engagements.services:engagements_daily", "today"),
    ("leadership weekly digest", "portfolio.services:leadership_weekly_digest", "now"),
    ("notification e-mails (send)", "notifications.services:send_pending", None),
]
# The sender walks its outbox 200 at a time (its own ``batch_size``), the sweeps BATCH_SIZE. It
# sends each e-mail in a transaction of its own (so a crash never sends one twice): its statements
# grow with the e-mails by design, and the fixed-per-batch budget does not apply to it.
BATCH_SIZES = {"notifications.services:send_pending": 200}
PER_ITEM = {"notifications.services:send_pending"}
# The sweeps before it queue tens of thousands of e-mails (75,000 at full scale), which the
# sender would take a quarter of an hour to send: it is timed over this many, the rest set aside.
SENDER_EMAILS = 2_000


class _Log:
    def __init__(self):
        self.queries: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append(sql)
        return execute(sql, params, many, context)


def batches(queries: list[str], batch_size: int) -> list[tuple[str, list[str]]]:
    """Split ``queries`` at each batch query (one ending in ``LIMIT <batch_size>``), as (the batch
    query's SQL, the batch's statements). A function that runs several sweeps one after the other
    (``research_daily``) has several batch queries: each is a walk of its own."""
    marker = f"LIMIT {batch_size}"
    out: list[tuple[str, list[str]]] = []
    for sql in queries:
        if sql.rstrip().endswith(marker):
            out.append((sql, []))
        if out:
            out[-1][1].append(sql)
    return out


def _counted(sql: str) -> bool:
    """Inserts are left out (split by the parameter limit), and so are the content-type lookups
    Django caches per process (the first batch makes them, the others not)."""
    return not sql.lstrip().upper().startswith("INSERT") and "django_content_type" not in sql


def full_batches(split: list[tuple[str, list[str]]]) -> dict[str, list[int]]:
    """Per walk (batch query), the statements other than inserts of each full batch: every batch
    but the walk's last (the short one, or the empty read that ends the walk)."""
    walks: dict[str, list[list[str]]] = {}
    for head, statements in split:
        walks.setdefault(head, []).append(statements)
    return {
        head[:120]: [sum(1 for sql in b if _counted(sql)) for b in found[:-1]]
        for head, found in walks.items()
    }


def _keep_pending(n: int) -> int:
    """Leave the first ``n`` pending e-mails pending, mark the others skipped (on the copy)."""
    from notifications.models import Notification

    pending = Notification.objects.filter(email_status="pending").order_by("pk")
    keep = list(pending.values_list("pk", flat=True)[:n])
    pending.exclude(pk__in=keep).update(email_status="skipped")
    return len(keep)


def run_all() -> list[dict]:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from notifications import services as notification_services
    from notifications.sweeps import BATCH_SIZE

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Commits nudge the sender through the broker: counted, never published.
    notification_services.enqueue_send = lambda: None
    results = []
    for name, target, arg in SWEEPS:
        module, _, func = target.partition(":")
        row = {"name": name, "function": target, "per_item": target in PER_ITEM}
        try:
            function = getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError) as exc:
            results.append({**row, "error": f"not found: {exc}"})
            continue
        kwargs = {}
        if arg == "now":
            kwargs["now"] = timezone.now()
        elif arg == "today":
            kwargs["today"] = timezone.localdate()
        if target in PER_ITEM:
            row["emails"] = _keep_pending(SENDER_EMAILS)
        log = _Log()
        try:
            with connection.execute_wrapper(log):
                started = time.perf_counter()
                outcome = function(**kwargs)
                seconds = time.perf_counter() - started
        except Exception as exc:
            results.append(
                {**row, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
            )
            continue
        split = batches(log.queries, BATCH_SIZES.get(target, BATCH_SIZE))
        walks = full_batches(split)
        row.update(
            seconds=seconds,
            queries=len(log.queries),
            batches=len(split),
            walks=walks,
            statements_per_batch=[n for counts in walks.values() for n in counts],
            outcome=outcome if isinstance(outcome, dict | int) else str(outcome),
        )
        if isinstance(outcome, dict):
            row["due"] = sum(v for k, v in outcome.items() if "due" in k and isinstance(v, int)) or None
            row["created"] = (
                sum(v for k, v in outcome.items() if "created" in k and isinstance(v, int)) or None
            )
        elif isinstance(outcome, int):
            row["created"] = outcome
        results.append(row)
    return results
