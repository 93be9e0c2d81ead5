from django.apps import AppConfig


class AnnualReportConfig(AppConfig):
    name = "annual_report"
    label = "annual_report"
    verbose_name = "Årsrapport"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the annual report's permission rules with django-rules.
        from . import permissions  # noqa: F401
