from django.urls import path

from . import views

app_name = "representatives"
urlpatterns = [
    path("", views.RepresentativeListView.as_view(), name="representative_list"),
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
]
