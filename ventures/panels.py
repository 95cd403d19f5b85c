"""Panels other apps add to the JV page and the home page, so ventures needs to import none of them.

An app registers a provider from its ``apps.ready``: ``register(provider)`` for the JV page,
called as ``provider(venture, user)``; ``register_home(provider)`` for the home page, called as
``provider(user)``. A provider returns None (nothing to show) or the panel's template context,
which must name its ``template``. Panels render in registration order, below the page's own
sections.
"""

from collections.abc import Callable

_VENTURE: list[Callable] = []
_HOME: list[Callable] = []


def _add(registry: list[Callable], provider: Callable) -> Callable:
    if provider not in registry:
        registry.append(provider)
    return provider


def register(provider: Callable) -> Callable:
    return _add(_VENTURE, provider)


def register_home(provider: Callable) -> Callable:
    return _add(_HOME, provider)


def panels_for(venture, user) -> list[dict]:
    return [panel for provider in _VENTURE if (panel := provider(venture, user)) is not None]


def home_panels_for(user) -> list[dict]:
    return [panel for provider in _HOME if (panel := provider(user)) is not None]
