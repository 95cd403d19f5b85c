"""What every action page of the app shares: load the record through the viewer's scope, check the
rule for this action, hand the form to a service."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.views.generic import FormView

from core.uploads import download_response
from core.views import ServiceFormMixin


class ObjectActionView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """An action on one record.

    ``load`` fetches it through the viewer's scope (a 404 outside it). ``allowed(user, obj)`` is the
    rule for the action now; ``role_ok(user)`` says whether the viewer could ever do it. Someone who
    never could gets 403; someone who could, arriving by a stale link after the record moved on,
    is sent back to the record with a message, GET or POST.
    """

    template_name = "includes/form_page.html"
    heading = ""
    submit_label = ""
    object_context_name = "object"

    def load(self, request, **kwargs):
        raise NotImplementedError

    def allowed(self, user, obj) -> bool:
        raise NotImplementedError

    def role_ok(self, user) -> bool:
        return False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.load(request, **kwargs)
        if not self.allowed(request.user, self.object):
            if not self.role_ok(request.user):
                raise PermissionDenied
            messages.info(
                request, gettext("This cannot be done now: the record has moved on. Here it is as it stands.")
            )
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


def file_response(attachment):
    return download_response(
        file=attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
