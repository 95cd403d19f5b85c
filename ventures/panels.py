"""Panels other apps add to the JV page, so ventures needs to import none of them.

An app registers ``provider(venture, user) -> dict | None`` from its ``apps.ready``; the dict is
the panel's template context and must name its ``template``. The JV page renders each panel in
registration order, below its own sections.
"""

from collections.abc import Callable

_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def panels_for(venture, user) -> list[dict]:
    return [panel for provider in _PROVIDERS if (panel := provider(venture, user)) is not None]
