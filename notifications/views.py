"""The notifications page, marking read, and delivery preferences: always the viewer's own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from core.paging import cursor_param, keyset_page

from . import selectors, services
from .forms import PreferencesForm
from .models import Notification, NotificationPreference


class NotificationListView(LoginRequiredMixin, TemplateView):
    """The viewer's notifications, newest first, a page at a time by keyset (``?before=<id>``, the
    last row of the page before): a person with 100,000 notifications pages as fast at the end as
    at the start, and a notification arriving meanwhile shifts nothing."""

    template_name = "notifications/notification_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        before = cursor_param(self.request.GET.get("before"))
        anchor = None
        if before is not None:
            anchor = get_object_or_404(
                Notification.objects.visible_to(user).only("pk", "created_at"), pk=before
            )
        unread_only = self.request.GET.get("unread") == "1"
        page = keyset_page(
            selectors.notification_list(user=user, unread_only=unread_only),
            field="created_at",
            size=settings.PORTAL_PAGE_SIZE,
            anchor=anchor,
        )
        context.update(
            notifications=page.rows, object_list=page.rows, earlier=page.earlier, paged=anchor is not None
        )
        return context


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one notification read and go to what it is about."""

    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
        services.notification_mark_read(notification=notification, user=request.user)
        target = notification.url
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "notifications:notification_list"
        return redirect(target)


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        count = services.notification_mark_all_read(user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.", "%(count)d notifications marked as read.", count
            )
            % {"count": count},
        )
        return redirect("notifications:notification_list")


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences_form.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["current"] = dict(
            NotificationPreference.objects.filter(user=self.request.user).values_list("kind", "delivery")
        )
        return kwargs

    def form_valid(self, form):
        services.preferences_set(user=self.request.user, deliveries=form.cleaned_data)
        messages.success(self.request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")


def health(request):
    """For the proxy and the monitor: 200 when healthy, 503 with the problems otherwise. Open to
    anyone (a monitor signs in to nothing) and holding no secret; a handful of cheap queries."""
    from django.http import JsonResponse

    from .health import health_report

    report = health_report()
    response = JsonResponse(report, status=503 if report["problems"] else 200)
    response["Cache-Control"] = "no-store"
    return response
