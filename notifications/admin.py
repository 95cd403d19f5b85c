"""Admins see the outbox, failed emails first, and can queue failed ones again."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin

from .models import EmailStatus, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The outbox is written by the portal and the sender; the admin re-queues, nothing more."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "subject_text",
        "email_status",
        "attempts",
        "handovers",
        "read_at",
    ]
    list_filter = ["email_status", "kind"]
    search_fields = ["recipient__username", "recipient__display_name", "key", "last_error"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]

    @admin.display(description=_("subject"))
    def subject_text(self, obj):
        return obj.subject()

    @admin.action(description=_("Queue the selected failed emails again"))
    def retry_failed(self, request, queryset):
        count = queryset.filter(email_status=EmailStatus.FAILED).update(
            email_status=EmailStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request,
            _(
                "%(count)d emails queued again: the sender tries them within a minute. If they fail"
                " again, check the mail server (EMAIL_URL) first; the sender also queues e-mails that"
                " failed during an outage again by itself once the server takes e-mail again."
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username"]
