"""Deleted objects: the secretariat's list of what was deleted, and "Gjenopprett" on each.
The work is in restoring.py."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from ..restoring import RestoreRefused, deleted_records, restore_deleted


class DeletedListView(PermissionRequiredMixin, TemplateView):
    template_name = "helsefellesskap/deleted_list.html"
    permission_required = "helsefellesskap.restore_deleted"

    def get_context_data(self, **kwargs):
        page = deleted_records(page=self.request.GET.get("side"))
        return super().get_context_data(page_obj=page, records=page.object_list, **kwargs)


class DeletedRestoreView(PermissionRequiredMixin, View):
    permission_required = "helsefellesskap.restore_deleted"

    def post(self, request, model_label, history_id):
        try:
            restored = restore_deleted(
                model_label=model_label, history_id=history_id, user=request.user
            )
        except RestoreRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Gjenopprettet: {restored}.")
            for note in restored.notes:
                messages.warning(request, note)
        return HttpResponseRedirect(reverse("deleted_list"))
