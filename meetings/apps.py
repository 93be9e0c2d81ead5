from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Møter"

    def ready(self):
        # Registers the meetings' permission rules with django-rules, what waits for a
        # person on the front page, and the receiver that forgets a deleted meeting's PDF.
        from helsefellesskap import waiting

        from . import documents, permissions  # noqa: F401
        from .waiting import meeting_tasks

        waiting.register(meeting_tasks)
