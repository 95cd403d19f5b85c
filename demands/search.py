"""What the search box finds among the demands: by reference, title and description.

A demand's timeline (its comments, some of them internal to HQ) is not searched: what a hit
shows is what its page shows everyone who sees the demand.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Match, Provider, excerpt

from .models import Demand


def reference_pk(text: str) -> int | None:
    """The id a reference names, as people quote it: "D-00042", "d-42" or "42"."""
    digits = text.strip().upper().removeprefix("D-").removeprefix("D").lstrip("0")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if digits.isdecimal() and len(digits) < 19:
        return int(digits)
    return None


class DemandProvider(Provider):
    code = "demands"
    order = 40
    label = _("Demands")
    list_url = "demands:demand_list"
    then = ("-submitted_at",)

    def queryset(self, user):
        return Demand.objects.visible_to(user).select_related("jv")

    def match(self, text, user):
        pk = reference_pk(text)
        return Match(
            code=Q(pk=pk) if pk is not None else None,
            names=("title",),
            text=Q(description__icontains=text),
        )

    def hit(self, row, text, user):
        words = str(row.jv)
        if text.lower() not in row.title.lower():
            words = f"{words} · {excerpt(row.description, text)}"
        return Hit(
            title=row.title,
            url=row.get_absolute_url(),
            code=row.reference,
            context=f"{words} · {row.get_status_display()}",
        )
