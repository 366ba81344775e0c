from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "treem.cases"
    verbose_name = _("Trường hợp trẻ em cần bảo vệ")
    default_auto_field = "django.db.models.BigAutoField"
