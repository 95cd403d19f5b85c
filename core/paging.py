"""Keyset paging, newest first: the page after a row is asked by that row's position, never by an
offset, so a deep page costs what the first does (docs/performance.md)."""

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404


@dataclass
class KeysetPage:
    """A page of rows, newest first, and the id to ask ``before`` for the next page (None at the end)."""

    rows: list
    earlier: int | None


def cursor_param(value: str | None) -> int | None:
    """The ``before`` of a request: an id, or None when absent; anything else names no row (404)."""
    if value in (None, ""):
        return None
    # At most as long as a bigint: a longer run of digits names no row.
    if not value.isdecimal() or len(value) > 18:
        raise Http404
    return int(value)


def keyset_page(queryset: QuerySet, *, field: str, size: int, anchor: Model | None = None) -> KeysetPage:
    """The ``size`` rows of ``queryset`` that come after ``anchor`` in the order (``field`` desc,
    id desc), or the first ones without an anchor.

    Rows of one moment are told apart by id, so none shows twice or goes missing at a page's edge.
    An index on (…, ``field``, id) serves it read backwards. One query: one row more than the page
    says whether another page follows.
    """
    if anchor is not None:
        moment = getattr(anchor, field)
        queryset = queryset.filter(**{f"{field}__lte": moment}).filter(
            Q(**{f"{field}__lt": moment}) | Q(pk__lt=anchor.pk)
        )
    rows = list(queryset.order_by(f"-{field}", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows=rows, earlier=rows[-1].pk if more else None)
