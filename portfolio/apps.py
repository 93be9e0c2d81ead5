from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio"
    verbose_name = "Porteføljeplan"

    def ready(self):
        # Registers the plan's permission rules with django-rules, and how the background
        # worker makes a large plan's documents and reads and applies an Excel import.
        from helsefellesskap import jobs, waiting

        from . import (
            importing,
            permissions,  # noqa: F401
        )
        from .background_documents import PLAN_DOCUMENT, build_plan_document
        from .waiting import plan_tasks

        jobs.register(PLAN_DOCUMENT, build_plan_document)
        jobs.register(importing.PREVIEW, importing.build_preview)
        jobs.register(importing.APPLY, importing.build_apply)
        waiting.register(plan_tasks)
