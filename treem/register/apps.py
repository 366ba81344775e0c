from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "treem.register"
    verbose_name = _("Sổ theo dõi trẻ em có hoàn cảnh đặc biệt")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from treem.indicators.derived import register_rule

        from . import (
            receivers,  # noqa: F401  (recomputes derived figures when records change)
            upload_apply,  # noqa: F401  (registers the "register" staged import kind)
        )
        from .rules import RULES

        for name, description in RULES.items():
            register_rule(name, description)
