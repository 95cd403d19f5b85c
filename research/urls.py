from django.urls import path

from . import views

app_name = "research"

urlpatterns = [
    path("", views.ResearchListView.as_view(), name="research_list"),
    path("export.<str:fmt>", views.ResearchListView.as_view(), name="research_list_export"),
    path("new/", views.ResearchOpenView.as_view(), name="research_open"),
    path("<int:pk>/", views.ResearchDetailView.as_view(), name="research_detail"),
    path("<int:pk>/edit/", views.ResearchUpdateView.as_view(), name="research_update"),
    path("<int:pk>/share/", views.ShareSummaryView.as_view(), name="research_share"),
    path("<int:pk>/files/", views.ResearchFileUploadView.as_view(), name="research_file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.ResearchFileDownloadView.as_view(), name="research_file"),
    path("<int:pk>/return/", views.DataReturnUpdateView.as_view(), name="return_update"),
    path("<int:pk>/return/submit/", views.DataReturnSubmitView.as_view(), name="return_submit"),
    path("<int:pk>/return/review/", views.DataReturnReviewView.as_view(), name="return_review"),
    path("<int:pk>/return/wishes/<int:wish_pk>/demand/", views.WishDemandView.as_view(), name="wish_demand"),
    path(
        "<int:pk>/recommendations/new/",
        views.RecommendationCreateView.as_view(),
        name="recommendation_create",
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/edit/",
        views.RecommendationUpdateView.as_view(),
        name="recommendation_update",
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/demand/",
        views.RecommendationDemandView.as_view(),
        name="recommendation_demand",
    ),
    path("<int:pk>/move/<str:action>/", views.ResearchTransitionView.as_view(), name="research_transition"),
]
