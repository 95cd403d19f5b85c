"""The kinds of notification. Apps register theirs at import time (``register``); notifications
imports no app, so every app may depend on it.

A subject or body is a lazy string with ``%(name)s`` placeholders. A parameter whose value is a
dict keyed by language code (``{"zh-hans": "...", "en": "..."}``) is resolved in the reader's
language, so one row reads right in Chinese and in English.
"""

from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    subject: object
    body: object


_KINDS: dict[str, Kind] = {}


def register(code: str, *, label, subject, body) -> Kind:
    kind = Kind(code=code, label=label, subject=subject, body=body)
    _KINDS[code] = kind
    return kind


def get(code: str) -> Kind | None:
    return _KINDS.get(code)


def choices() -> list[tuple[str, object]]:
    return [(k.code, k.label) for k in sorted(_KINDS.values(), key=lambda k: k.code)]


def localize_params(params: dict, language: str | None = None) -> dict:
    language = language or translation.get_language() or "zh-hans"
    out = {}
    for key, value in (params or {}).items():
        if isinstance(value, dict) and ("en" in value or "zh-hans" in value):
            out[key] = value.get(language) or value.get("zh-hans") or value.get("en") or ""
        else:
            out[key] = value
    return out


def bilingual(obj) -> dict[str, str]:
    """A record's name in both languages, for a notification parameter."""
    name = getattr(obj, "name", str(obj))
    return {"zh-hans": name, "en": getattr(obj, "name_en", "") or name}


def in_each_language(text) -> dict[str, str]:
    """A translatable label (a choice's label, say) rendered in every portal language. ``text`` may
    be a callable, for words a record composes in the active language (a report's heading)."""
    from django.conf import settings

    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = str(text() if callable(text) else text)
    return out
