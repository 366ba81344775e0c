from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "treem.plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from treem.indicators.validation import register_rule_source

        from .metadata import percent_rules

        register_rule_source(percent_rules)
