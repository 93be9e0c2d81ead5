from django.apps import AppConfig


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = "Tilskudd"

    def ready(self):
        # Registers the grants' permission rules with django-rules, and what waits for a
        # person on the front page.
        from helsefellesskap import waiting

        from . import permissions  # noqa: F401
        from .waiting import grant_tasks

        waiting.register(grant_tasks)
