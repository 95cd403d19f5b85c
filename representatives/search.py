"""What the search box finds among the representatives, the JV meetings and the reports."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Match, Provider, excerpt, other_name

from .models import Meeting, Proposal, Report, Representative


class RepresentativeProvider(Provider):
    code = "representatives"
    order = 30
    label = _("Representatives")
    list_url = "representatives:representative_list"
    then = ("name",)

    def queryset(self, user):
        return Representative.objects.visible_to(user)

    def match(self, text, user):
        return Match(names=("name", "name_en"), text=Q(position__icontains=text))

    def hit(self, row, text, user):
        return Hit(
            title=row.display_name, url=row.get_absolute_url(), context=row.position, **other_name(row)
        )


class MeetingProvider(Provider):
    code = "meetings"
    order = 50
    label = _("JV meetings")
    list_url = "representatives:meeting_list"
    then = ("-meeting_at",)

    def queryset(self, user):
        return Meeting.objects.visible_to(user).select_related("jv")

    def match(self, text, user):
        # A proposal is read by whoever reads its meeting.
        proposal = Proposal.objects.filter(meeting=OuterRef("pk"), title__icontains=text)
        return Match(names=("title",), text=Q(place__icontains=text) | Exists(proposal))

    def annotate(self, queryset, text, user):
        # The proposal whose title matched, so the hit says why the meeting is there.
        proposal = Proposal.objects.filter(meeting=OuterRef("pk"), title__icontains=text).order_by("pk")
        return queryset.annotate(matched_proposal=Subquery(proposal.values("title")[:1]))

    def hit(self, row, text, user):
        when = formats.date_format(timezone.localtime(row.meeting_at), "SHORT_DATE_FORMAT")
        parts = [row.jv, when, row.get_kind_display()]
        if text.lower() not in row.title.lower():
            if row.matched_proposal:
                parts.append(_("Proposal: %(title)s") % {"title": row.matched_proposal})
            elif text.lower() in (row.place or "").lower():
                parts.append(row.place)
        context = " · ".join(str(part) for part in parts if part)
        return Hit(title=row.title, url=row.get_absolute_url(), context=context)


class ReportProvider(Provider):
    code = "reports"
    order = 60
    label = _("Reports")
    # The reports list filters by JV, kind and status, but has no text search.
    list_url = None
    then = ("-year", "-pk")

    def queryset(self, user):
        return Report.objects.visible_to(user).select_related(
            "appointment__jv", "appointment__representative"
        )

    def match(self, text, user):
        return Match(names=("title",), text=Q(body__icontains=text))

    def hit(self, row, text, user):
        appointment = row.appointment
        parts = [str(appointment.jv), str(appointment.representative), str(row.get_status_display())]
        if text.lower() not in (row.title or "").lower():
            parts.append(excerpt(row.body, text))
        return Hit(
            title=str(row.heading), url=row.get_absolute_url(), context=" · ".join(p for p in parts if p)
        )
