from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Møter"

    def ready(self):
        # Registers the meetings' permission rules with django-rules.
        from . import permissions  # noqa: F401
