"""Admin for users (with their roles, department and two-factor sign-in), departments and sign-in
lock-outs."""

from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyMixin
from core.roles import Role

from .models import Authenticator, Department, RecoveryCodes, User
from .security import password_changed
from .services import login_locks_lift, two_factor_reset
from .throttling import cool_off, locked_out


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "head"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["head"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = [
        "username",
        "display_name",
        "email",
        "department",
        "role_list",
        "is_active",
        "is_staff",
        "two_factor",
    ]
    list_filter = ["groups", "department", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    list_select_related = ["department"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("display_name", "department", "language", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ("display_name", "email", "department", "groups")}),
    )

    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return (
            super().get_queryset(request).prefetch_related("groups").annotate(has_two_factor=Exists(enrolled))
        )

    @admin.display(description=_("two-factor sign-in"), boolean=True, ordering="has_two_factor")
    def two_factor(self, obj):
        return obj.has_two_factor

    @admin.action(description=_("Reset two-factor sign-in of the selected users"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        """A lost phone: the user signs in with the password again (and enrols anew where required)."""
        count = sum(two_factor_reset(user=user, actor=request.user, request=request) for user in queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d user.",
                "Two-factor sign-in was reset for %(count)d users.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            password_changed(request=request, user=self.get_object(request, id))
        return response

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(g.name, g.name)) for g in obj.groups.all())


# django-otp's own admin pages show the secret keys and let anyone add a device with a known key;
# the portal's show who has which device and nothing secret, and change nothing: devices are made
# by enrolment, and removed by the users' "Reset two-factor sign-in" action (accounts.services).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class _DeviceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user_name", "confirmed_flag", "created", "last_used", "failures"]
    search_fields = ["user__username", "user__display_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user_name", "confirmed_flag", "created", "last_used", "failures"]
    readonly_fields = fields
    ordering = ["user__username"]

    @admin.display(description=_("user"), ordering="user__username")
    def user_name(self, obj):
        return obj.user

    @admin.display(description=_("confirmed"), boolean=True)
    def confirmed_flag(self, obj):
        return obj.confirmed

    @admin.display(description=_("set up"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    @admin.display(description=_("wrong codes in a row"))
    def failures(self, obj):
        return obj.throttling_failure_count


@admin.register(Authenticator)
class AuthenticatorAdmin(_DeviceAdmin):
    pass


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(_DeviceAdmin):
    list_display = [*_DeviceAdmin.list_display, "codes_left"]
    fields = [*_DeviceAdmin.fields, "codes_left"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tokens=Count("token_set"))

    @admin.display(description=_("codes left"), ordering="tokens")
    def codes_left(self, obj):
        return obj.tokens


class LockedOutFilter(admin.SimpleListFilter):
    title = _("locked out now")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(locked=True)
        if self.value() == "no":
            return queryset.filter(locked=False)
        return queryset


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Failed sign-ins by username and address (django-axes), filtered by "locked out now"; the
    "unlock" action lifts a lock-out before its cool-off ends. Read-only otherwise."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked_until"]
    list_filter = [LockedOutFilter, "attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    ordering = ["-attempt_time"]
    actions = ["unlock"]

    def get_queryset(self, request):
        locked = Exists(locked_out().filter(pk=OuterRef("pk")))
        return super().get_queryset(request).annotate(locked=locked)

    @admin.display(description=_("locked out until"))
    def locked_until(self, obj):
        if not getattr(obj, "locked", False):
            return "-"
        return formats.localize(timezone.localtime(obj.attempt_time + cool_off()))

    def has_unlock_permission(self, request):
        return request.user.has_perm("axes.delete_accessattempt")

    @admin.action(
        description=_("Unlock: forget the failed sign-ins of these usernames and addresses"),
        permissions=["unlock"],
    )
    def unlock(self, request, queryset):
        removed = login_locks_lift(attempts=list(queryset), actor=request.user, request=request)
        self.message_user(
            request,
            ngettext(
                "Unlocked: %(count)d failed sign-in record removed.",
                "Unlocked: %(count)d failed sign-in records removed.",
                removed,
            )
            % {"count": removed},
        )
