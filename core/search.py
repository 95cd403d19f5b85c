"""One search box across the portal: the registry of what each app lets people find, the ranking,
and the results page.

An app registers a provider from its ``apps.ready`` (``register(provider)``, with the provider in
``<app>/search.py``), so that core imports no app and a new app (engagements) adds its records by
registering one more. A provider is a ``Provider`` subclass:

- ``queryset(user)`` starts from the model's ``visible_to(user)``: a representative never finds a
  JV not theirs, not even by its exact code;
- ``match(text, user)`` says where the text is looked for (a ``Match``: the exact codes, the names,
  the other text); text only HQ may read is left out of a representative's match, so a hit never
  reveals it. The list page's ``q`` filter asks the same ``match``, so "see all" lists what the
  search found;
- ``hit(row, text, user)`` turns a row into what the page shows (a ``Hit``: title, link, context).

The ranking: an exact code or reference first, then names that start with the text, then names
that contain it, then any other text. Each provider's hits are one query: on PostgreSQL a UNION
ALL of the ranks, each rank's rows in the provider's own order and cut at the page's few (so a
word in half of 100,000 demands walks the order's index for six rows instead of sorting 50,000);
elsewhere (SQLite cannot cut the parts of a UNION) one ``CASE`` sorted over every match. Matching is
``icontains`` everywhere: on PostgreSQL, GIN trigram indexes (pg_trgm, ``core.trigram``) on the
searched columns serve substrings of three characters or more, Chinese included (Chinese has no
spaces, so word-based full-text search would need a segmenter); shorter queries are still correct
(a sequential scan). On SQLite the same lookups run as plain ``LIKE``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.generic import TemplateView

# Below two characters a query matches too much to be of use (one Chinese character is in
# thousands of titles); a single character gets a hint instead of results.
MIN_LENGTH = 2
# Hits shown per kind on the results page; "see all" opens the kind's list for the rest.
PER_KIND = 5
# The longest query taken: a search box is not a document.
MAX_LENGTH = 100

CODE, NAME_PREFIX, NAME, TEXT = 0, 1, 2, 3


@dataclass(frozen=True)
class Match:
    """Where a provider looks for the text: ``code`` an exact code or reference (a ``Q``), ``names``
    the name fields (prefix before substring), ``text`` any other condition (a ``Q``: other
    fields, related rows)."""

    code: Q | None = None
    names: tuple[str, ...] = ()
    text: Q | None = None

    def _names(self, text: str, lookup: str) -> Q | None:
        if not self.names:
            return None
        return reduce(or_, (Q(**{f"{name}__{lookup}": text}) for name in self.names))

    def condition(self, text: str) -> Q:
        """Every row that matches somewhere."""
        parts = [self.code, self._names(text, "icontains"), self.text]
        parts = [part for part in parts if part is not None]
        return reduce(or_, parts) if parts else Q(pk__in=[])

    def ranks(self, text: str) -> list[tuple[int, Q]]:
        """(rank, the rows that have at least that rank) for each rank that can match: a row
        of one rank may be found again by a lower one (a name that starts with the text also
        contains it). Not excluded in SQL: a negated condition would hide from the planner how
        few rows are left, and it would walk a whole index for none."""
        parts = [(CODE, self.code)]
        if self.names:
            parts += [(NAME_PREFIX, self._names(text, "istartswith")), (NAME, self._names(text, "icontains"))]
        parts.append((TEXT, self.condition(text)))
        return [(rank, condition) for rank, condition in parts if condition is not None]

    def rank(self, text: str) -> Case:
        """0 for an exact code, 1 a name that starts with the text, 2 a name that contains it, 3 other text."""
        whens = []
        if self.code is not None:
            whens.append(When(self.code, then=Value(CODE)))
        if self.names:
            whens.append(When(self._names(text, "istartswith"), then=Value(NAME_PREFIX)))
            whens.append(When(self._names(text, "icontains"), then=Value(NAME)))
        return Case(*whens, default=Value(TEXT), output_field=IntegerField())


def ranked(queryset: QuerySet, match: Match, text: str, *, then: Iterable[str] = ()) -> QuerySet:
    """``queryset`` narrowed to the rows that match ``text``, best first (then by ``then``)."""
    return (
        queryset.filter(match.condition(text))
        .annotate(search_rank=match.rank(text))
        .order_by("search_rank", *then, "pk")
    )


def _order_expression(name: str):
    return F(name[1:]).desc() if name.startswith("-") else F(name).asc()


def clean_query(raw) -> str:
    """The text to search for: trimmed, inner runs of spaces made one, at most ``MAX_LENGTH``."""
    return " ".join(str(raw or "").split())[:MAX_LENGTH]


def excerpt(source: str, text: str, width: int = 24) -> str:
    """A few words of ``source`` around the first place ``text`` occurs (its start otherwise)."""
    source = " ".join((source or "").split())
    at = source.lower().find(text.lower()) if text else -1
    if at < 0 or len(source) <= width * 2:
        return source if len(source) <= width * 2 else source[: width * 2].rstrip() + "…"
    start = max(0, at - width // 2)
    end = min(len(source), at + len(text) + width)
    return ("…" if start else "") + source[start:end].strip() + ("…" if end < len(source) else "")


@dataclass(frozen=True)
class Hit:
    """One row found: what it is called, where it is, a code to show beside it and a few words.
    ``aside`` is its name in the other language (``aside_lang``), marked so on the page."""

    title: str
    url: str
    code: str = ""
    context: str = ""
    aside: str = ""
    aside_lang: str = ""
    rank: int = TEXT


def other_name(row) -> dict:
    """A bilingual record's name in the language the page does not show, as ``Hit`` arguments."""
    if row.display_name == row.name:
        return {"aside": row.name_en, "aside_lang": "en"} if row.name_en else {}
    return {"aside": row.name, "aside_lang": "zh-hans"}


class Provider:
    """What one kind of record contributes to the search; subclasses say the model's part.

    ``list_url`` names the kind's list page whose ``q`` filter asks this provider's ``match`` (the
    "see all" link); None where the list has no search.
    """

    code: str = ""
    label = ""
    # Where the kind's group stands on the page (JVs 10, shareholders 20, representatives 30,
    # demands 40, meetings 50, reports 60, research 70: a new kind picks a number between).
    order: int = 100
    list_url: str | None = None
    # Ties within a rank, after the rank (a model's natural order).
    then: tuple[str, ...] = ()

    def queryset(self, user) -> QuerySet:
        raise NotImplementedError

    def match(self, text: str, user) -> Match:
        raise NotImplementedError

    def hit(self, row, text: str, user) -> Hit:
        raise NotImplementedError

    def annotate(self, queryset: QuerySet, text: str, user) -> QuerySet:
        """Add what a hit shows of a related row that matched (a subquery, so still one query)."""
        return queryset

    def find(self, user, text: str, limit: int) -> tuple[list[Hit], bool]:
        """The best ``limit`` hits and whether there are more: one query."""
        match = self.match(text, user)
        if connection.features.supports_slicing_ordering_in_compound:
            rows = self._best_by_rank(user, match, text, limit + 1)
        else:
            queryset = ranked(self.queryset(user), match, text, then=self.then)
            rows = list(self.annotate(queryset, text, user)[: limit + 1])
        hits = [replace(self.hit(row, text, user), rank=row.search_rank) for row in rows[:limit]]
        return hits, len(rows) > limit

    def _best_by_rank(self, user, match: Match, text: str, count: int) -> list:
        """The best ``count`` rows: a UNION ALL of the ranks, each rank's first rows in the
        provider's order, then each row kept at its best rank.

        The first rank takes ``count`` rows, every other ``2 * count``: a lower rank matters only
        when the better ranks together found fewer than ``count`` rows (then they found all of
        theirs), so fewer than ``count`` of its rows are ones a better rank already has."""
        order = (*self.then, "pk")
        parts = [
            self.annotate(self.queryset(user).filter(condition), text, user)
            .annotate(
                search_rank=Value(rank, output_field=IntegerField()),
                search_place=Window(RowNumber(), order_by=[_order_expression(name) for name in order]),
            )
            .order_by(*order)[: count if index == 0 else 2 * count]
            for index, (rank, condition) in enumerate(match.ranks(text))
        ]
        first, *others = parts
        rows = list(first.union(*others, all=True)) if others else list(first)
        best = {}
        for row in sorted(rows, key=lambda row: (row.search_rank, row.search_place)):
            best.setdefault(row.pk, row)
        return list(best.values())[:count]

    def see_all_url(self, text: str) -> str | None:
        if self.list_url is None:
            return None
        return f"{reverse(self.list_url)}?{urlencode({'q': text})}"


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add ``provider`` (once per code); the page shows the kinds by their ``order``."""
    _PROVIDERS.setdefault(provider.code, provider)
    return provider


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda each: each.order)


def provider(code: str) -> Provider:
    return _PROVIDERS[code]


def list_search(code: str, queryset: QuerySet, value, user) -> QuerySet:
    """A list page's ``q`` filter: the rows of ``queryset`` that the search would find for ``value``,
    so that "see all" lists what the results page counted."""
    text = clean_query(value)
    if not text:
        return queryset
    return queryset.filter(provider(code).match(text, user).condition(text))


@dataclass
class Group:
    """One kind's hits on the results page."""

    code: str
    label: object
    hits: list[Hit]
    more: bool
    see_all_url: str | None = None


@dataclass
class Results:
    text: str
    groups: list[Group] = field(default_factory=list)
    too_short: bool = False

    @property
    def total(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def search(user, raw, *, per_kind: int = PER_KIND) -> Results:
    """What ``user`` finds for ``raw``: per kind, the best ``per_kind`` hits, one query per kind."""
    text = clean_query(raw)
    results = Results(text=text)
    if not text:
        return results
    if len(text) < MIN_LENGTH:
        results.too_short = True
        return results
    for each in providers():
        hits, more = each.find(user, text, per_kind)
        if hits:
            url = each.see_all_url(text) if more else None
            results.groups.append(Group(each.code, each.label, hits, more, url))
    return results


class SearchView(LoginRequiredMixin, TemplateView):
    """The results page: a plain GET form (the top bar's box), so it works without JavaScript; the
    page's own box refreshes the results alone through htmx as the person types."""

    template_name = "search/search.html"
    partial_template_name = "search/includes/results.html"

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return [self.partial_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = search(self.request.user, self.request.GET.get("q"))
        context["min_length"] = MIN_LENGTH
        context["kinds"] = [each.label for each in providers()]
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
        return response
