from django.apps import AppConfig


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = "Tilskudd"

    def ready(self):
        # Registers the grants' permission rules with django-rules.
        from . import permissions  # noqa: F401
