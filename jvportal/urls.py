"""The project's URL map: each app brings its own ``urls.py``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from accounts.forms import PortalAdminAuthenticationForm, PortalAuthenticationForm
from core.search import SearchView
from notifications import views as notification_views
from portfolio.views import home

admin.site.site_header = _("JV Portal administration")
admin.site.site_title = _("JV Portal")
admin.site.index_title = _("Administration")
# The admin's sign-in is throttled like the portal's, and says so when locked out.
admin.site.login_form = PortalAdminAuthenticationForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("ventures/", include("ventures.urls")),
    path("representatives/", include("representatives.urls")),
    path("demands/", include("demands.urls")),
    path("research/", include("research.urls")),
    path("engagements/", include("engagements.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("admin/", admin.site.urls),
    path("health/", notification_views.health, name="health"),
    # Leadership lands on the portfolio; everyone else on the home page (portfolio.views.home).
    path("", home, name="home"),
]
