from django.apps import AppConfig


class AnnualReportConfig(AppConfig):
    name = "annual_report"
    label = "annual_report"
    verbose_name = "Årsrapport"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the annual report's permission rules with django-rules, and how the
        # background worker makes a draft and publishes an approved version.
        from helsefellesskap import jobs, waiting

        from . import permissions  # noqa: F401
        from .versions import APPROVAL_DOCUMENT, DRAFT_DOCUMENT, build_approval, build_draft
        from .waiting import report_tasks

        jobs.register(DRAFT_DOCUMENT, build_draft)
        jobs.register(APPROVAL_DOCUMENT, build_approval)
        waiting.register(report_tasks)
