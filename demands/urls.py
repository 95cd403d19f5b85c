from django.urls import path

from . import views

app_name = "demands"
urlpatterns = [
    path("", views.DemandListView.as_view(), name="demand_list"),
    path("export.<str:fmt>", views.DemandListView.as_view(), name="demand_list_export"),
    path("new/", views.DemandCreateView.as_view(), name="demand_create"),
    path("reports/", views.DemandReportView.as_view(), name="demand_report"),
    path(
        "reports/export.<str:fmt>",
        views.DemandReportExportView.as_view(),
        name="demand_report_export",
    ),
    path("<int:pk>/", views.DemandDetailView.as_view(), name="demand_detail"),
    path("<int:pk>/timeline/", views.DemandTimelineView.as_view(), name="demand_timeline"),
    path("<int:pk>/edit/", views.DemandUpdateView.as_view(), name="demand_update"),
    path("<int:pk>/assign/", views.DemandRouteView.as_view(), name="demand_route"),
    path("<int:pk>/comment/", views.DemandCommentView.as_view(), name="demand_comment"),
    path("<int:pk>/rate/", views.DemandRateView.as_view(), name="demand_rate"),
    path("<int:pk>/do/<slug:action>/", views.DemandTransitionView.as_view(), name="demand_transition"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
]
