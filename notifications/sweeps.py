"""The one pattern every deadline sweep follows.

A periodic task (never a delayed broker message) asks the database what is due with an indexed
query, walks it in primary-key batches, and turns each due thing into notifications whose unique
key names the thing, the deadline and the step (``"term-ending:<id>:<date>:30:<user>"``). Running
the sweep twice, on two workers, or after a crash creates each row once; a deadline that moves
gets a new key and so a new reminder. The sender then emails each row once (services.send_one).
"""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from .services import NotificationSpec, notify_many

BATCH_SIZE = 1000


def run_sweep(
    queryset: QuerySet,
    to_specs: Callable[[object], Iterable[NotificationSpec]],
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[list], int | None] | None = None,
) -> dict[str, int]:
    """Walk ``queryset`` in primary-key batches; create the notifications ``to_specs`` yields.

    Each batch costs the queryset's own query (with its select_related) plus notify_many's three,
    however many rows it holds. ``on_batch`` runs after each batch's notifications and may return
    how many it created itself (a sweep that must re-check its rows under a lock before it says
    anything, as the demands' escalation does, says it there).
    """
    seen = created = 0
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            break
        specs = [spec for row in batch for spec in to_specs(row)]
        created += notify_many(specs)
        if on_batch is not None:
            created += on_batch(batch) or 0
        seen += len(batch)
        last_pk = batch[-1].pk
    return {"due": seen, "created": created}
