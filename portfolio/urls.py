from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("", views.PortfolioView.as_view(), name="portfolio"),
    path("figures/", views.FiguresListView.as_view(), name="figures"),
    path("figures/export.<str:fmt>", views.FiguresListView.as_view(), name="figures_export"),
]
