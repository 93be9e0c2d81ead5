from django.apps import AppConfig


class HelsefellesskapConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "helsefellesskap"
    verbose_name = "Register"

    def ready(self):
        # Registers the portal's permission rules with django-rules.
        from . import permissions  # noqa: F401
