from django.apps import AppConfig


class ScaleDataConfig(AppConfig):
    """Synthetic data at the size of many years (and many partnerships) for benchmarks and
    scale tests: `manage.py generate_scale_data`. Writes through the apps' models and process
    modules; nothing in the product imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "scale_data"
    verbose_name = "Syntetiske data"
