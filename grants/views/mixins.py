"""What the grants' pages share: the round or the application a page is about, and the refusal
of pages that change a draft once it has been sent in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from ..models import Application, Round
from ..receipt import receipt_recipients
from ..workflow import DRAFT_LOCKED


class RoundMixin:
    @cached_property
    def round(self) -> Round:
        return get_object_or_404(Round.objects.select_related("scheme"), pk=self.kwargs["pk"])


class ApplicationStepMixin(PermissionRequiredMixin):
    """A POST-only step on one application, from its form (`form_class`) on the round's page;
    the permission is checked against the application. A form that was not accepted is shown
    on the round's page (`round_page`) again, 422; an accepted one goes to `form_valid`."""

    http_method_names = ["post"]
    form_class: type
    round_page: staticmethod  # (request, round, *, bound, status) -> the round's page

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, application=self.application)
        if not form.is_valid():
            return self.page(form, status=422)
        return self.form_valid(form)

    def page(self, form, *, status: int):
        bound = {self.application.pk: form}
        return self.round_page(self.request, self.application.round, bound=bound, status=status)

    def form_valid(self, form):
        raise NotImplementedError

    @cached_property
    def application(self) -> Application:
        return get_object_or_404(
            Application.objects.select_related("round__scheme", "sector"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.application

    def page_url(self, name: str) -> str:
        url = reverse(name, args=[self.application.round_id])
        return f"{url}#soknad-{self.application.pk}"


def visible_application(user, pk: int) -> Application:
    """The application if the user may see it; another sector's draft is a 404."""
    try:
        return (
            Application.objects.visible_to(user)
            .with_related()
            .prefetch_related("measures")
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise Http404("Fant ikke søknaden.") from None


def refuse_unless_changeable(request, application: Application, message: str):
    """None when the user may change the draft; a redirect with a message once it has been
    sent in; PermissionDenied for users who may see it but not change it."""
    if application.state != Application.State.DRAFT:
        messages.error(request, message)
        return HttpResponseRedirect(application.get_absolute_url())
    if not request.user.has_perm("grants.change_draft", application):
        raise PermissionDenied
    return None


class DraftOnlyMixin:
    """Pages that change a draft: once it is sent in they redirect with `submitted_message`;
    users who may see the draft but not change it get 403, and others 404."""

    submitted_message = DRAFT_LOCKED

    def get_application(self) -> Application:
        return visible_application(self.request.user, self.kwargs["pk"])

    @cached_property
    def application(self) -> Application:
        return self.get_application()

    def dispatch(self, request, *args, **kwargs):
        refusal = refuse_unless_changeable(request, self.application, self.submitted_message)
        return refusal or super().dispatch(request, *args, **kwargs)


def submitted_message(application: Application) -> str:
    addresses = ", ".join(receipt_recipients(application))
    receipt = (
        f" En kvittering med en kopi av søknaden (PDF) sendes til {addresses}." if addresses else ""
    )
    return "Søknaden er sendt inn og kan ikke endres lenger." + receipt
