"""Admin for users (with their roles, department and two-factor sign-in) and departments."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from core.roles import Role

from .models import Authenticator, Department, RecoveryCodes, User
from .services import two_factor_reset


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


class _DeviceAdmin(admin.ModelAdmin):
    list_display = ["user_name", "confirmed_flag", "created", "last_used", "failures"]
    search_fields = ["user__username", "user__display_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user_name", "confirmed_flag", "created", "last_used", "failures"]
    readonly_fields = fields
    ordering = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
