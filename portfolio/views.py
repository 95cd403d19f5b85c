"""Leadership's landing page and HQ's portfolio page, and the JVs' figures by year behind them."""

from types import SimpleNamespace

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from core.exports import Column, ListExport, workbook_response
from core.roles import is_leadership
from core.views import ScopedFilterView
from ventures.models import JointVenture
from ventures.views import HomeView

from . import annual_report, ownership, scorecard, selectors
from .filters import FiguresFilter
from .permissions import may_read_portfolio


class PortfolioAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_portfolio(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PortfolioView(LoginRequiredMixin, PortfolioAccessMixin, TemplateView):
    """The whole portfolio at a glance; every figure links to the list that counts it."""

    template_name = "portfolio/portfolio.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = selectors.dashboard(user=self.request.user)
        ventures = figures["ventures"]
        context.update(
            figures=figures,
            # The header's menu of scorecards.
            scorecard_ventures=JointVenture.objects.visible_to(self.request.user)
            .order_by("name")
            .only("pk", "name", "name_en"),
            breakdowns=[
                ("status", _("By status"), ventures["by_status"]),
                ("tier", _("By strategic tier"), ventures["by_tier"]),
                ("industry", _("By industry"), ventures["by_industry"]),
            ],
            # Keyed by the id of the JSON each canvas names in data-chart (static/js/charts.js).
            charts={
                "chart-status": selectors.chart(ventures["by_status"], _("Joint ventures")),
                "chart-industry": selectors.chart(ventures["by_industry"], _("Joint ventures")),
                "chart-tier": selectors.chart(ventures["by_tier"], _("Joint ventures")),
                "chart-share": selectors.money_chart(
                    figures["money"],
                    [
                        ("share_revenue", _("Group's share of revenue")),
                        ("share_net_profit", _("Group's share of net profit")),
                        ("share_tax", _("Group's share of tax")),
                    ],
                ),
                "chart-dividends": selectors.money_chart(
                    figures["money"],
                    [
                        ("declared", _("Dividends declared")),
                        ("received", _("Dividends received")),
                        ("owed", _("Dividends receivable")),
                    ],
                ),
            },
        )
        return context


def home(request, *args, **kwargs):
    """The portal's front door: leadership lands on the portfolio, everyone else on the home page."""
    if request.user.is_authenticated and is_leadership(request.user):
        return PortfolioView.as_view()(request, *args, **kwargs)
    return HomeView.as_view()(request, *args, **kwargs)


def _money(field):
    return Column(FIGURE_LABELS[field], lambda row: getattr(row, field))


FIGURE_LABELS = {
    "revenue": _("Revenue"),
    "net_profit": _("Net profit"),
    "tax_paid": _("Tax paid"),
    "group_stake": _("Group stake (%)"),
    "revenue_share": _("Group's share of revenue"),
    "net_profit_share": _("Group's share of net profit"),
    "tax_share": _("Group's share of tax"),
    "dividends_declared": _("Dividends declared"),
    "dividends_received": _("Dividends received"),
    "receivable": _("Dividends receivable"),
}


class FiguresListView(PortfolioAccessMixin, ScopedFilterView):
    """Each JV's figures for a year with the group's share; the totals under the table are what the
    portfolio page shows for that year."""

    filterset_class = FiguresFilter
    template_name = "portfolio/figures_list.html"
    partial_template_name = "portfolio/includes/figures_table.html"
    context_object_name = "rows"
    export = ListExport(
        filename="portfolio-figures",
        title=_("JV figures by year"),
        columns=[
            Column(_("Joint venture"), lambda row: str(row.jv)),
            Column(_("Year"), lambda row: row.year),
            *[_money(field) for field in FIGURE_LABELS],
        ],
    )

    def get_queryset(self):
        return selectors.indicators_list(user=self.request.user).order_by("-year", "jv__name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.object_list.order_by().aggregate(**selectors.TOTALS)
        return context


class ScorecardMixin(LoginRequiredMixin, PortfolioAccessMixin):
    """One JV the viewer sees (a 404 otherwise) and its scorecard."""

    def get_venture(self):
        return get_object_or_404(
            JointVenture.objects.visible_to(self.request.user).select_related("department"),
            pk=self.kwargs["pk"],
        )


class ScorecardView(ScorecardMixin, TemplateView):
    """A JV's record year over year, printable and exportable."""

    template_name = "portfolio/scorecard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venture = self.get_venture()
        context.update(venture=venture, **scorecard.scorecard(venture, self.request.user))
        return context


class ScorecardExportView(ScorecardMixin, View):
    """The scorecard as a workbook, one sheet per section."""

    def get(self, request, *args, **kwargs):
        venture = self.get_venture()
        card = scorecard.scorecard(venture, request.user)
        return workbook_response(
            sheets=[section.sheet() for section in card["sections"]],
            filename=f"scorecard-{venture.pk}",
        )


class OwnershipView(LoginRequiredMixin, PortfolioAccessMixin, TemplateView):
    """The group's member companies, the JVs and their partners, with the stakes: a picture and
    the same figures as a table."""

    template_name = "portfolio/ownership.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["portfolio/includes/ownership_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ownership.OwnershipFilterForm(self.request.GET or None, user=user)
        chosen = form.cleaned_data if form.is_valid() else {}
        holdings = list(
            ownership.holdings_for(user=user, member=chosen.get("member"), partner=chosen.get("partner"))
        )
        context.update(filter=SimpleNamespace(form=form), holdings=holdings, chart=ownership.chart(holdings))
        return context


class AnnualReportMixin(LoginRequiredMixin, PortfolioAccessMixin):
    def get_year(self) -> int:
        year = self.kwargs["year"]
        if not 1978 <= year <= 2100:
            raise Http404
        return year


class AnnualReportView(AnnualReportMixin, TemplateView):
    """One year of the portfolio for leadership's meeting: printable, and as a workbook."""

    template_name = "portfolio/annual_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        context.update(
            year=year,
            years=annual_report.years(user=self.request.user),
            sections=annual_report.report(year=year, user=self.request.user),
        )
        return context


class AnnualReportExportView(AnnualReportMixin, View):
    def get(self, request, *args, **kwargs):
        year = self.get_year()
        sections = annual_report.report(year=year, user=request.user)
        return workbook_response(
            sheets=[section.sheet() for section in sections], filename=f"portfolio-report-{year}"
        )


def annual_report_latest(request):
    """The report of the latest year with figures (this year's when none)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_read_portfolio(request.user):
        raise PermissionDenied
    found = annual_report.years(user=request.user)
    return redirect("portfolio:annual_report", year=found[0] if found else timezone.localdate().year)
