"""What the search box finds among the high-level engagements: the title first, then the place and
the summary. The internal notes are never searched (not everyone may read them), and a hit names
no JV, so an engagement shared with other JVs (a symposium) reveals none of them to a
representative."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Match, Provider, excerpt

from .models import Engagement


class EngagementProvider(Provider):
    code = "engagements"
    order = 55
    label = _("High-level engagements")
    list_url = "engagements:engagement_list"
    then = ("-starts_on", "pk")

    def queryset(self, user):
        return Engagement.objects.visible_to(user)

    def match(self, text, user):
        return Match(names=("title",), text=Q(place__icontains=text) | Q(summary__icontains=text))

    def hit(self, row, text, user):
        context = f"{row.starts_on:%Y-%m-%d} · {row.get_kind_display()} · {row.get_status_display()}"
        if text.lower() not in row.title.lower():
            for value in (row.place, row.summary):
                if value and text.lower() in value.lower():
                    context = f"{context} · {excerpt(value, text)}"
                    break
        return Hit(title=row.title, url=row.get_absolute_url(), context=context)
