"""What the search box finds in the annual research: by the JV's name and by what the research says.

What HQ wrote (scope, questions, findings, problems) is searched for HQ and leadership only; a
representative's search reads the summary HQ shared with the JV, and nothing else of the text, so a
hit never reveals an internal word.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Match, Provider, excerpt

from .models import AnnualResearch
from .permissions import reads_internal

INTERNAL_FIELDS = ("scope", "questions", "findings", "problems")


class ResearchProvider(Provider):
    code = "research"
    order = 70
    label = _("Annual research")
    # The research list always shows one year: it cannot list every year's matches.
    list_url = None
    then = ("-year", "jv__name")

    def queryset(self, user):
        return AnnualResearch.objects.visible_to(user).select_related("jv")

    def _fields(self, user) -> tuple[str, ...]:
        return (*INTERNAL_FIELDS, "shared_summary") if reads_internal(user) else ("shared_summary",)

    def match(self, text, user):
        text_q = Q()
        for name in self._fields(user):
            text_q |= Q(**{f"{name}__icontains": text})
        if not reads_internal(user):
            text_q &= Q(shared_at__isnull=False)
        return Match(names=("jv__name", "jv__name_en"), text=text_q)

    def hit(self, row, text, user):
        context = str(row.get_status_display())
        if text.lower() not in f"{row.jv.name} {row.jv.name_en}".lower():
            internal = reads_internal(user)
            for name in self._fields(user):
                if not internal and row.shared_at is None:
                    break
                value = getattr(row, name) or ""
                if text.lower() in value.lower():
                    context = f"{context} · {excerpt(value, text)}"
                    break
        return Hit(title=str(row), url=row.get_absolute_url(), context=context)
