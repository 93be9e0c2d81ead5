"""The page of a document made in the background (see jobs.py): its progress while the worker
makes it (the page asks again every few seconds through htmx, and says the same without
JavaScript when reloaded), the file when it is ready (or the page of the result, such as a new
report version), and why it failed with "Prøv igjen".

A job is seen by whoever ordered it and by the secretariat; others get 404, so a job's address
reveals nothing."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView
from django_htmx.http import HttpResponseClientRedirect

from ..files import PrivateFileDownloadView
from ..jobs import DocumentError, DocumentJob, retry_document
from ..permissions import is_secretariat


class JobMixin:
    @cached_property
    def job(self) -> DocumentJob:
        job = get_object_or_404(DocumentJob, pk=self.kwargs["pk"])
        user = self.request.user
        if job.requested_by_id != user.pk and not is_secretariat(user):
            raise Http404("Ukjent dokument.")
        return job


class DocumentJobView(JobMixin, DetailView):
    template_name = "helsefellesskap/document_job.html"
    context_object_name = "job"

    def get(self, request, *args, **kwargs):
        job = self.job
        if job.leads_elsewhere:
            if job.message:
                messages.success(request, job.message)
            if request.htmx:
                return HttpResponseClientRedirect(job.result_url)
            return HttpResponseRedirect(job.result_url)
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.job

    def get_template_names(self):
        if self.request.htmx:
            return ["helsefellesskap/_document_job_status.html"]
        return [self.template_name]


class DocumentJobDownloadView(JobMixin, PrivateFileDownloadView):
    missing_message = "Dokumentet er ikke ferdig ennå."

    def get_document(self):
        return self.job


class DocumentJobRetryView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            job = retry_document(job=self.job, user=request.user)
        except DocumentError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.job.get_absolute_url())
        messages.success(request, "Jobben er startet på nytt.")
        return HttpResponseRedirect(job.get_absolute_url())
