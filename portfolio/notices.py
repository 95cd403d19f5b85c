"""The portfolio's notification kind: leadership's weekly digest."""

from django.utils.translation import gettext_lazy as _

from notifications import kinds

WEEKLY = kinds.register(
    "portfolio.leadership_weekly",
    label=_("Weekly portfolio digest"),
    subject=_("The portfolio's week to %(week_end)s"),
    # The whole body is composed in each language when the digest is made (``summary``).
    body="%(summary)s",
)
