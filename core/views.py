"""Mixins every portal view is built from, and the home page."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.cache import patch_vary_headers
from django_filters.views import FilterView

from core.forms import add_bootstrap_classes
from core.roles import can_edit_registry


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (form-wide otherwise)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


class RegistryEditorRequiredMixin(LoginRequiredMixin):
    """Only HQ staff (and superusers) may change the registry; others get 403 after login."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_edit_registry(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ServiceFormMixin:
    """``form_valid`` hands the cleaned form to ``perform`` (a service call) and redirects.

    A ValidationError from the service lands on the form's fields and nothing is saved, because
    each service runs in one transaction.
    """

    success_message = None

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "concurrent_edit" and hasattr(form, "adopt_version"):
                form.adopt_version()
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            from django.contrib import messages

            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ScopedFilterView(LoginRequiredMixin, FilterView):
    """A paginated list whose filter form knows the user (to scope its dropdowns).

    An htmx request from the filter form gets only the results (``partial_template_name``); htmx
    restoring a page it has no copy of (Back after the page left its history cache) asks with
    ``HX-History-Restore-Request`` and needs the whole page. The same URL thus answers two ways,
    so every response says it varies on those headers, or a cache (the browser's own, on Back)
    could hand the results alone to a plain page load.
    """

    partial_template_name: str | None = None
    vary_on_headers = ("HX-Request", "HX-History-Restore-Request")

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, self.vary_on_headers)
        return response

    def wants_partial(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(self.partial_template_name and htmx and not htmx.history_restore_request)

    def get_template_names(self):
        if self.wants_partial():
            return [self.partial_template_name]
        return super().get_template_names()

    def get_paginate_by(self, queryset):
        return settings.PORTAL_PAGE_SIZE

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        add_bootstrap_classes(filterset.form)
        return filterset

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs
