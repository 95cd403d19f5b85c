"""What other apps show on a research page as its research visits (the engagements app's visits), so
that research imports none of them.

An app registers a provider from its ``apps.ready``: ``register(provider)``, called as
``provider(research, user)``; it returns None (nothing to show) or a panel's template context, which
must name its ``template``.
"""

from collections.abc import Callable

_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def visits_for(research, user) -> list[dict]:
    return [panel for provider in _PROVIDERS if (panel := provider(research, user)) is not None]
