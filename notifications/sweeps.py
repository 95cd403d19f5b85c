"""The one pattern every deadline sweep follows.

A periodic task (never a delayed broker message) asks the database what is due with an indexed
query, walks it in primary-key batches, and turns each due thing into notifications whose unique
key names the thing, the deadline and the step (``"term-ending:<id>:<date>:30:<user>"``). Running
the sweep twice, on two workers, or after a crash creates each row once; a deadline that moves
gets a new key and so a new reminder. The sender then emails each row once (services.send_one).

A sweep is a queryset plus "what is due for this row" (``to_specs``). Where a person's action can
make a row no longer due between the read and the telling (an instruction issued, a report filed,
a demand accepted), the sweep passes a ``Recheck``: the batch's rows are locked, and only those
still due under the same deadline are told (and handed to ``Recheck.then`` for what else the sweep
records, under the same lock).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from .kinds import in_each_language
from .services import NotificationSpec, notify_many

BATCH_SIZE = 1000
_URL_PK = 987654321987


class SweepMemo:
    """What a sweep works out once per run rather than once per row: a model's detail address
    (``reverse`` per row was a tenth of a run) and a label in each language (activating each
    language for every row was a fifth)."""

    def __init__(self):
        self._urls: dict[type, str] = {}
        self._labels: dict[object, dict[str, str]] = {}

    def url(self, model: type, pk) -> str:
        """``model(pk=pk).get_absolute_url()`` for an address that is the row's id in a pattern."""
        if model not in self._urls:
            self._urls[model] = model(pk=_URL_PK).get_absolute_url()
        return self._urls[model].replace(str(_URL_PK), str(pk))

    def in_each_language(self, key, label) -> dict[str, str]:
        """``kinds.in_each_language(label)``, rendered once per ``key``."""
        if key not in self._labels:
            self._labels[key] = in_each_language(label)
        return self._labels[key]


@dataclass(frozen=True)
class Recheck:
    """Before telling anyone, lock the batch's rows in ``still_due`` and keep those whose ``field``
    (the deadline the specs were worked out for) has not moved; ``then(kept)`` runs under the same
    lock. Every write that could make a row no longer due takes the same row lock first."""

    still_due: QuerySet
    field: str
    then: Callable[[list], None] | None = None


def run_sweep(
    queryset: QuerySet,
    to_specs: Callable[[object], Iterable[NotificationSpec]],
    *,
    recheck: Recheck | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict[str, int]:
    """Walk ``queryset`` in primary-key batches; create the notifications ``to_specs`` yields.

    Each batch costs the queryset's own query (with its select_related), notify_many's three and,
    with a ``recheck``, one locking query plus what ``then`` does: a fixed number however many
    rows it holds.
    """
    seen = created = 0
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            break
        specs = {row.pk: list(to_specs(row)) for row in batch}
        if recheck is None:
            created += notify_many([spec for row_specs in specs.values() for spec in row_specs])
        else:
            created += _tell_if_still_due(batch, specs, recheck)
        seen += len(batch)
        last_pk = batch[-1].pk
    return {"due": seen, "created": created}


def _tell_if_still_due(batch: list, specs: dict, recheck: Recheck) -> int:
    with transaction.atomic():
        current = dict(
            recheck.still_due.select_for_update()
            .filter(pk__in=[row.pk for row in batch])
            .values_list("pk", recheck.field)
        )
        kept = [row for row in batch if row.pk in current and current[row.pk] == getattr(row, recheck.field)]
        created = notify_many([spec for row in kept for spec in specs[row.pk]])
        if recheck.then is not None:
            recheck.then(kept)
    return created
