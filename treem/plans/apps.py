from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "treem.plans"
    default_auto_field = "django.db.models.BigAutoField"
