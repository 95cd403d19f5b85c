"""State machines as tables: which move takes a record from which states to which, and who may make
it. One table per record drives both its services (``require`` then ``move``) and its pages
(``available``, ``can``); nothing else decides where a state may go.

A ``Transition``'s ``allowed(user, obj, now=None)`` says who may make the move (the state aside);
``target`` is the state it leads to, a callable of the record where the record decides (an
instruction goes to leadership or to the representative), or None for a move that keeps the state
(an edit of a draft).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple[str, ...]
    target: str | Callable | None
    allowed: Callable


class Workflow:
    def __init__(self, field: str, transitions: list[Transition]):
        self.field = field
        self.transitions: dict[str, Transition] = {t.name: t for t in transitions}

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def can(self, name: str, user, obj, now=None) -> bool:
        """Whether ``user`` may make the move ``name`` on ``obj`` as it stands."""
        transition = self.transitions[name]
        return getattr(obj, self.field) in transition.sources and transition.allowed(user, obj, now=now)

    def available(self, user, obj, now=None) -> list[Transition]:
        """The moves ``user`` may make on ``obj`` now, in the table's order (what a page offers)."""
        return [t for t in self.transitions.values() if self.can(t.name, user, obj, now=now)]

    def require(self, name: str, user, obj, now=None) -> Transition:
        """Refuse a move from another state or by someone the rule turns down (``PermissionDenied``);
        services call it under the record's lock."""
        if not self.can(name, user, obj, now=now):
            raise PermissionDenied
        return self.transitions[name]

    def move(self, name: str, obj) -> set[str]:
        """Set the state the move leads to; return the fields changed."""
        target = self.transitions[name].target
        if callable(target):
            target = target(obj)
        if target is None or getattr(obj, self.field) == target:
            return set()
        setattr(obj, self.field, target)
        return {self.field}
