from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntryConfig(AppConfig):
    name = "treem.entry"
    verbose_name = _("Nhập số liệu")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import excel, staging

        staging.register_kind(excel.STAGED_KIND, excel.apply_staged_values)
