from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "treem.indicators"
    default_auto_field = "django.db.models.BigAutoField"
