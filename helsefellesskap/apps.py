from django.apps import AppConfig


class HelsefellesskapConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "helsefellesskap"
    verbose_name = "Register"

    def ready(self):
        # `permissions` registers the portal's rules with django-rules on import; the PDF
        # speed-ups go in on the pydyf and WeasyPrint they were written for (else none); the
        # admin's imports run as background jobs.
        from . import admin_imports, pdf_speedups, permissions  # noqa: F401

        pdf_speedups.install()
        admin_imports.register_builders()
