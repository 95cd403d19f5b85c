"""The pieces every portal view is built from: the scoped list, the service form and the one base
view for an action on a record (``ObjectActionView``)."""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.generic import CreateView, FormView
from django_filters.views import FilterView

from core.exports import FORMATS, Column, ListExport
from core.forms import add_bootstrap_classes


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (form-wide otherwise)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


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


class UserFormKwargsMixin:
    """Hand the form the user, so it scopes its dropdowns to what they may see."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class RecordCreateView(LoginRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    """A page that creates a record through a service (``perform``): for those ``allowed(user)``
    admits (403 for others), with its form's dropdowns scoped to the user, and fields named in
    ``initial_from_query`` filled from the address (``?jv=3`` from a JV's page)."""

    initial_from_query: tuple[str, ...] = ()

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        for name in self.initial_from_query:
            if name in self.request.GET:
                initial[name] = self.request.GET[name]
        return initial


class ScopedFilterView(LoginRequiredMixin, FilterView):
    """A paginated list whose filter form knows the user (to scope its dropdowns).

    With ``export`` (a ``core.exports.ListExport``) the same view answers its export URL (a
    ``fmt`` of csv or xlsx in the URL): every row the list would show under the same filters and
    sort, in the user's scope, streamed. ``listed(user, params)`` gives that queryset without a
    request, for the dashboards' figures, which must count exactly what their link lists.

    An htmx request from the filter form gets only the results (``partial_template_name``); htmx
    restoring a page it has no copy of (Back after the page left its history cache) asks with
    ``HX-History-Restore-Request`` and needs the whole page. The same URL thus answers two ways,
    so every response says it varies on those headers, or a cache (the browser's own, on Back)
    could hand the results alone to a plain page load.
    """

    partial_template_name: str | None = None
    vary_on_headers = ("HX-Request", "HX-History-Restore-Request")
    export: ListExport | None = None

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, self.vary_on_headers)
        return response

    def get(self, request, *args, **kwargs):
        fmt = kwargs.get("fmt")
        if fmt is not None:
            if self.export is None or fmt not in FORMATS:
                raise Http404
            return self.export.response(self.filtered(), fmt, columns=self.export_columns())
        self.object_list = self.filtered()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def export_columns(self) -> list[Column]:
        """The export's columns for this viewer (a view may leave out what the viewer cannot read)."""
        return self.export.columns

    def filtered(self):
        """Every row the list shows under the request's filters and sort, as FilterView decides it
        (an invalid filter under strict mode: none)."""
        self.filterset = filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            return filterset.qs
        return filterset.queryset.none()

    @classmethod
    def listed(cls, user, params: dict | None = None):
        """The rows the list shows ``user`` for the query ``params``, as a queryset."""
        view = cls()
        query = QueryDict(mutable=True)
        for key, value in (params or {}).items():
            query[key] = value
        view.request = SimpleNamespace(user=user, GET=query, method="GET", htmx=None)
        view.args, view.kwargs = (), {}
        return view.filtered()

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


class ObjectActionView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """An action on one record: load it through the viewer's scope, check the action's rule, hand the
    form to a service. Every app's edit, action and child-record pages are one of these.

    - ``load(request, **kwargs)`` fetches the record through a selector (a 404 outside the viewer's
      scope, whatever the action: ids reveal nothing). A child row is fetched through its parent.
    - ``allowed(user, obj)`` is the rule for the action now; ``role_ok(user, obj)`` whether the viewer
      could ever take it. Someone who never could gets 403; someone who could, arriving by a stale
      link after the record moved on, is sent back to it with ``not_now_message``, GET or POST.
    - ``form_object_kwargs()`` says what the form is built on (``obj`` for an action form, the
      record as ``instance`` for a model form, a new child row for an "add" page).
    - ``perform(form)`` calls the service, which checks the rule again (views 404 through selectors;
      services refuse what their rule refuses, whoever calls them).
    """

    template_name = "includes/form_page.html"
    heading = ""
    submit_label = ""
    object_context_name = "object"

    def load(self, request, **kwargs):
        raise NotImplementedError

    def allowed(self, user, obj) -> bool:
        raise NotImplementedError

    def role_ok(self, user, obj) -> bool:
        return False

    def not_now_message(self, obj) -> str:
        return gettext("This cannot be done now: the record has moved on. Here it is as it stands.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.load(request, **kwargs)
        if not self.allowed(request.user, self.object):
            if not self.role_ok(request.user, self.object):
                raise PermissionDenied
            messages.info(request, self.not_now_message(self.object))
            return HttpResponseRedirect(self.object.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(self.form_object_kwargs())
        return kwargs

    def form_object_kwargs(self) -> dict:
        """``obj`` for an action form; ``instance`` for a model form."""
        from core.forms import ObjectVersionForm

        if issubclass(self.get_form_class(), ObjectVersionForm):
            return {"obj": self.object}
        return {"instance": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.object_context_name] = self.object
        context["object"] = self.object
        context["page_heading"] = self.heading
        context["submit_label"] = self.submit_label
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def get_success_url(self):
        return self.object.get_absolute_url()
