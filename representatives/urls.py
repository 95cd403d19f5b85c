from django.urls import path

from . import views

app_name = "representatives"
urlpatterns = [
    path("", views.RepresentativeListView.as_view(), name="representative_list"),
    path("export.<str:fmt>", views.RepresentativeListView.as_view(), name="representative_list_export"),
    path("new/", views.RepresentativeCreateView.as_view(), name="representative_create"),
    path("<int:pk>/", views.RepresentativeDetailView.as_view(), name="representative_detail"),
    path("<int:pk>/edit/", views.RepresentativeUpdateView.as_view(), name="representative_update"),
    path(
        "<int:representative_pk>/appointments/new/",
        views.AppointmentCreateView.as_view(),
        name="appointment_create",
    ),
    path(
        "<int:representative_pk>/appointments/<int:pk>/edit/",
        views.AppointmentUpdateView.as_view(),
        name="appointment_update",
    ),
    # The governance loop
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/export.<str:fmt>", views.MeetingListView.as_view(), name="meeting_list_export"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting_update"),
    path("meetings/<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="meeting_cancel"),
    path("meetings/<int:pk>/outcome/", views.MeetingOutcomeView.as_view(), name="meeting_outcome"),
    path("meetings/<int:pk>/files/", views.MeetingFileUploadView.as_view(), name="meeting_file_upload"),
    path(
        "meetings/<int:pk>/files/<int:file_pk>/", views.MeetingFileDownloadView.as_view(), name="meeting_file"
    ),
    path("meetings/<int:pk>/proposals/new/", views.ProposalCreateView.as_view(), name="proposal_create"),
    path(
        "meetings/<int:pk>/proposals/<int:proposal_pk>/edit/",
        views.ProposalUpdateView.as_view(),
        name="proposal_update",
    ),
    path(
        "meetings/<int:pk>/proposals/<int:proposal_pk>/instruct/",
        views.InstructionView.as_view(),
        name="proposal_instruct",
    ),
    path(
        "meetings/<int:pk>/proposals/<int:proposal_pk>/approve/",
        views.ApprovalView.as_view(),
        name="proposal_approve",
    ),
    path(
        "meetings/<int:pk>/proposals/<int:proposal_pk>/vote/", views.VoteView.as_view(), name="proposal_vote"
    ),
    path("instructions/", views.InstructionQueueView.as_view(), name="instruction_queue"),
    path(
        "instructions/export.<str:fmt>", views.InstructionQueueView.as_view(), name="instruction_queue_export"
    ),
    # Reports
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/export.<str:fmt>", views.ReportListView.as_view(), name="report_list_export"),
    path("reports/new/", views.MajorReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report_update"),
    path("reports/<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("reports/<int:pk>/refresh/", views.ReportRefreshView.as_view(), name="report_refresh"),
    path("reports/<int:pk>/review/", views.ReportReviewView.as_view(), name="report_review"),
    path("reports/<int:pk>/files/", views.ReportFileUploadView.as_view(), name="report_file_upload"),
    path("reports/<int:pk>/files/<int:file_pk>/", views.ReportFileDownloadView.as_view(), name="report_file"),
    # Evaluations
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/export.<str:fmt>", views.EvaluationListView.as_view(), name="evaluation_list_export"),
    path("evaluations/new/", views.EvaluationCreateView.as_view(), name="evaluation_create"),
    path("evaluations/<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", views.EvaluationUpdateView.as_view(), name="evaluation_update"),
    path("evaluations/<int:pk>/publish/", views.EvaluationPublishView.as_view(), name="evaluation_publish"),
]
