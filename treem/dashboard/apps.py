from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "treem.dashboard"
    default_auto_field = "django.db.models.BigAutoField"
