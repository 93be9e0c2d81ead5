from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio"
    verbose_name = "Porteføljeplan"

    def ready(self):
        # Registers the plan's permission rules with django-rules.
        from . import permissions  # noqa: F401
