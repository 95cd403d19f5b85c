"""What one app provides another at run time, so that a dependency is explicit and points one way.

The JV registry (``ventures``) and the shared building blocks import no app that depends on them;
the representatives app hands them what they need from its ``AppConfig.ready``:

- ``register_membership(provider)``: who serves where. ``membership()`` returns it; its methods are
  those of ``NoMembership`` below (``serving_venture_ids(user)``, the subquery that decides what a
  representative may see; ``seats_in(jv)`` and ``seats_of(user)``, the appointments in force;
  ``logins_in_post(jv_id)``, the JV's side of a matter).
- ``register_venture_admin_inline(inline)``: a row type edited on the JV's admin page
  (appointments).

Without a provider nobody serves anywhere: the portal still runs, and no representative sees a JV.
"""


class NoMembership:
    """What the portal knows of seats when no app provides them: nothing."""

    def serving_venture_ids(self, user):
        """The ids of the JVs where ``user`` holds a seat in force today (a subquery or a list)."""
        return []

    def seats_in(self, jv):
        """The appointments in force in ``jv``, with their representatives."""
        return []

    def note_seats(self, user, jv, seats) -> None:
        """Keep what ``seats`` (``seats_in(jv)``, read for the page) says of ``user``'s own seat
        in ``jv``, for the rules that ask it later in the request."""

    def seats_of(self, user):
        """``user``'s own appointments in force (a queryset, for a ``Prefetch``)."""
        return None

    def logins_in_post(self, jv_id) -> list:
        """The logins of the representatives who hold a seat in force in the JV ``jv_id``."""
        return []


_PROVIDERS: dict[str, object] = {"membership": NoMembership()}
_VENTURE_ADMIN_INLINES: list[type] = []


def register_membership(provider) -> None:
    _PROVIDERS["membership"] = provider


def membership():
    return _PROVIDERS["membership"]


def register_venture_admin_inline(inline: type) -> type:
    if inline not in _VENTURE_ADMIN_INLINES:
        _VENTURE_ADMIN_INLINES.append(inline)
    return inline


def venture_admin_inlines() -> list[type]:
    return list(_VENTURE_ADMIN_INLINES)
