from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("", views.EngagementListView.as_view(), name="engagement_list"),
    path("export.<str:fmt>", views.EngagementListView.as_view(), name="engagement_list_export"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("contact/", views.ContactTargetListView.as_view(), name="contact_overdue"),
    path("new/", views.EngagementCreateView.as_view(), name="engagement_create"),
    path("<int:pk>/", views.EngagementDetailView.as_view(), name="engagement_detail"),
    path("<int:pk>/edit/", views.EngagementUpdateView.as_view(), name="engagement_update"),
    path(
        "<int:pk>/move/<str:action>/", views.EngagementTransitionView.as_view(), name="engagement_transition"
    ),
    path("<int:pk>/files/", views.EngagementFileUploadView.as_view(), name="engagement_file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.EngagementFileDownloadView.as_view(), name="engagement_file"),
    path("<int:pk>/demands/link/", views.LinkDemandView.as_view(), name="demand_link"),
    path("<int:pk>/commitments/new/", views.CommitmentCreateView.as_view(), name="commitment_create"),
    path(
        "<int:pk>/commitments/<int:c_pk>/edit/",
        views.CommitmentUpdateView.as_view(),
        name="commitment_update",
    ),
    path(
        "<int:pk>/commitments/<int:c_pk>/move/<str:action>/",
        views.CommitmentTransitionView.as_view(),
        name="commitment_transition",
    ),
    path(
        "<int:pk>/commitments/<int:c_pk>/demand/",
        views.CommitmentDemandView.as_view(),
        name="commitment_demand",
    ),
    path("brief/jv/<int:pk>/", views.VentureBriefView.as_view(), name="venture_brief"),
    path("brief/partner/<int:pk>/", views.PartnerBriefView.as_view(), name="partner_brief"),
]
