from django.urls import path

from . import views

app_name = "ventures"
urlpatterns = [
    path("", views.VentureListView.as_view(), name="venture_list"),
    path("export.<str:fmt>", views.VentureListView.as_view(), name="venture_list_export"),
    path("new/", views.VentureCreateView.as_view(), name="venture_create"),
    path("<int:pk>/", views.VentureDetailView.as_view(), name="venture_detail"),
    path("<int:pk>/edit/", views.VentureUpdateView.as_view(), name="venture_update"),
    path(
        "<int:venture_pk>/shareholdings/new/",
        views.ShareholdingCreateView.as_view(),
        name="shareholding_create",
    ),
    path(
        "<int:venture_pk>/shareholdings/<int:pk>/edit/",
        views.ShareholdingUpdateView.as_view(),
        name="shareholding_update",
    ),
    path(
        "<int:venture_pk>/shareholdings/<int:pk>/delete/",
        views.ShareholdingDeleteView.as_view(),
        name="shareholding_delete",
    ),
    path("<int:venture_pk>/indicators/new/", views.IndicatorsCreateView.as_view(), name="indicators_create"),
    path(
        "<int:venture_pk>/indicators/<int:pk>/edit/",
        views.IndicatorsUpdateView.as_view(),
        name="indicators_update",
    ),
    path(
        "<int:venture_pk>/indicators/<int:pk>/delete/",
        views.IndicatorsDeleteView.as_view(),
        name="indicators_delete",
    ),
    path("parties/", views.PartyListView.as_view(), name="party_list"),
    path("parties/export.<str:fmt>", views.PartyListView.as_view(), name="party_list_export"),
    path("parties/new/", views.PartyCreateView.as_view(), name="party_create"),
    path("parties/<int:pk>/", views.PartyDetailView.as_view(), name="party_detail"),
    path("parties/<int:pk>/edit/", views.PartyUpdateView.as_view(), name="party_update"),
]
