from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("language/", views.LanguageSwitchView.as_view(), name="language"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/enrol/", views.TwoFactorEnrolView.as_view(), name="two_factor_enrol"),
    path("two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/recovery-codes/", views.TwoFactorRecoveryView.as_view(), name="two_factor_recovery"),
    path("two-factor/disable/", views.TwoFactorDisableView.as_view(), name="two_factor_disable"),
]
