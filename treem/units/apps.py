from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "treem.units"
    default_auto_field = "django.db.models.BigAutoField"
