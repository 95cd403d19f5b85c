"""What one app provides another at run time, so that a dependency is explicit and points one way.

The JV registry (``ventures``) imports no app that depends on it; those apps hand it what it needs
from their ``AppConfig.ready``:

- ``register_venture_admin_inline(inline)``: a row type edited on the JV's admin page
  (representatives adds appointments).
"""

_VENTURE_ADMIN_INLINES: list[type] = []


def register_venture_admin_inline(inline: type) -> type:
    if inline not in _VENTURE_ADMIN_INLINES:
        _VENTURE_ADMIN_INLINES.append(inline)
    return inline


def venture_admin_inlines() -> list[type]:
    return list(_VENTURE_ADMIN_INLINES)
