"""Admins see the outbox, failed emails first, and can queue failed ones again."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin

from . import kinds
from .models import EmailStatus, Notification, NotificationPreference


class KindFilter(admin.SimpleListFilter):
    """The kinds by their names in the reader's language (the column holds their codes)."""

    title = _("kind")
    parameter_name = "kind__exact"

    def lookups(self, request, model_admin):
        return sorted(((code, str(label)) for code, label in kinds.choices()), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The outbox is written by the portal and the sender; the admin re-queues, nothing more."""

    list_display = [
        "created_at",
        "recipient",
        "kind_text",
        "subject_text",
        "email_status",
        "attempts",
        "handovers",
        "read_at",
    ]
    # The outbox is the biggest table (200,000 rows on the bench): no date hierarchy (its years and
    # months are a DISTINCT over every row on each view) but a date filter that needs no query,
    # and the filtered rows counted once (not the whole table again beside them).
    list_filter = ["email_status", KindFilter, "created_at"]
    search_fields = ["recipient__username", "recipient__display_name", "key", "last_error"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    show_full_result_count = False
    actions = ["retry_failed"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_text(self, obj):
        return obj.kind_label

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
