from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "treem.plans"
    verbose_name = _("Kế hoạch")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from treem.indicators.validation import register_rule_source

        from .metadata import percent_rules

        register_rule_source(percent_rules)
