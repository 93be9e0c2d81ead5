"""A body's memberships: adding and changing them (through `save_membership`, which holds the
rule "one leader at a time"), and their history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import CreateView, UpdateView

from ..forms import MembershipForm
from ..memberships import save_membership
from ..models import Body, Membership, today
from ..pages import FormPageMixin, HistoryView, ObjectPermissionRequiredMixin


class MembershipFormMixin(ObjectPermissionRequiredMixin, FormPageMixin):
    model = Membership
    form_class = MembershipForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body}

    def form_valid(self, form):
        try:
            self.object = save_membership(
                membership=form.instance,
                user=self.request.user,
                reason=form.cleaned_data.get("change_reason", ""),
            )
        except ValidationError as error:  # a leader was added meanwhile
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message.format(object=self.object))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.body.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(body=self.body, **kwargs)


class MembershipCreateView(MembershipFormMixin, CreateView):
    permission_required = "helsefellesskap.add_membership"
    create_title = "Nytt medlemskap"
    saved_message = "Lagt til: {object}."

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"cancel_url": self.body.get_absolute_url()}

    def dispatch(self, request, *args, **kwargs):
        self.body = get_object_or_404(Body, pk=kwargs["body_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"start": today()}


class MembershipUpdateView(MembershipFormMixin, UpdateView):
    permission_required = "helsefellesskap.change_membership"
    history_url_name = "membership_history"
    queryset = Membership.objects.with_related()

    def get_object(self, queryset=None):
        membership = super().get_object(queryset)
        self.body = membership.body
        return membership


class MembershipHistoryView(HistoryView):
    queryset = Membership.objects.with_related()
