from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo users and figures for `make run` and demo machines. Nothing in treem imports this app."""

    name = "treem.demo"
    verbose_name = _("Dữ liệu minh họa")
    default_auto_field = "django.db.models.BigAutoField"
