from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo users and figures for `make run` and demo machines. Nothing in treem imports this app."""

    name = "treem.demo"
    verbose_name = "Dữ liệu minh họa"
    default_auto_field = "django.db.models.BigAutoField"
