"""Where a demand came from, told by the app it came from (an annual research, an engagement),
so that demands imports none of them and the demand's page still links back.

An app registers a provider from its ``apps.ready``: ``register(provider)``, called as
``provider(demand, user)``; it returns None (the demand did not come from there, or the viewer may
not see the origin) or ``{"label": ..., "title": ..., "url": ...}``. The apps that raise demands
from their records call ``services.demand_raise`` inside their own transaction and keep the link
on their record.
"""

from collections.abc import Callable

_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def origins_of(demand, user) -> list[dict]:
    return [origin for provider in _PROVIDERS if (origin := provider(demand, user)) is not None]
