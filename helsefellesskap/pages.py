"""What the portal's pages build on: the permission check against the page's object, the
shared create/edit form page, the 422 answer to a form that was not accepted, and the
"Historikk" page of any object."""

from django.contrib import messages
from django.urls import reverse
from django.views.generic import DetailView
from rules.contrib.views import PermissionRequiredMixin

from .history import change_log


class UnprocessableFormMixin:
    """A form that was not accepted is shown again with 422, so that tests, htmx and assistive
    tools can tell "not saved" from a page that merely shows a form."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class ObjectPermissionRequiredMixin(PermissionRequiredMixin):
    """Checks the permission against the page's object, loading the object only once."""

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = super().get_object(queryset)
        return self._object


class FormPageMixin:
    """Create and edit pages share one template: a title, the form, save and cancel.

    After a save the user gets a confirmation that names the object, and its page.
    """

    template_name = "helsefellesskap/form_page.html"
    create_title = ""
    saved_message = "Lagret: {object}."
    list_url_name = "home"
    history_url_name = None

    def get_context_data(self, **kwargs):
        obj = getattr(self, "object", None)
        return super().get_context_data(
            page_title=f"Endre «{obj}»" if obj else self.create_title,
            cancel_url=self.get_success_url() if obj else reverse(self.list_url_name),
            history_url=reverse(self.history_url_name, args=[obj.pk])
            if obj and self.history_url_name
            else None,
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.saved_message.format(object=self.object))
        return response


class HistoryView(ObjectPermissionRequiredMixin, DetailView):
    """Who changed what and when, for one object and the objects that belong to it."""

    template_name = "helsefellesskap/history.html"
    permission_required = "helsefellesskap.view_history"

    def history_sources(self):
        return [self.object.history.all()]

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=change_log(*self.history_sources()), **kwargs)
