from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("", views.PortfolioView.as_view(), name="portfolio"),
    path("figures/", views.FiguresListView.as_view(), name="figures"),
    path("figures/export.<str:fmt>", views.FiguresListView.as_view(), name="figures_export"),
    path("jv/<int:pk>/", views.ScorecardView.as_view(), name="scorecard"),
    path("jv/<int:pk>/export.xlsx", views.ScorecardExportView.as_view(), name="scorecard_export"),
    path("ownership/", views.OwnershipView.as_view(), name="ownership"),
    path("report/", views.annual_report_latest, name="annual_report_latest"),
    path("report/<int:year>/", views.AnnualReportView.as_view(), name="annual_report"),
    path(
        "report/<int:year>/export.xlsx", views.AnnualReportExportView.as_view(), name="annual_report_export"
    ),
]
