from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_calendar(sender, **kwargs):
    """A fresh install gets its working-day calendar from ``migrate``, before anyone counts a deadline."""
    from django.conf import settings

    if not getattr(settings, "PORTAL_CALENDAR_SEED_ON_MIGRATE", True):
        return
    from .holiday_seed import calendar_seed_if_empty

    counts = calendar_seed_if_empty()
    if counts and kwargs.get("verbosity", 1):
        print(f"  Seeded the working-day calendar: {counts['created']} days.")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal core")

    def ready(self):
        post_migrate.connect(_seed_calendar, sender=self, dispatch_uid="core-seed-calendar")
        user_logged_in.connect(_session_started, dispatch_uid="core-session-started")


def _session_started(sender, request, user, **kwargs):
    """A sign-in starts the session's idle and lifetime clocks (core.middleware)."""
    from .middleware import session_started

    if request is not None and hasattr(request, "session"):
        session_started(request)
