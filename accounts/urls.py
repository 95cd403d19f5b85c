from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("language/", views.LanguageSwitchView.as_view(), name="language"),
]
