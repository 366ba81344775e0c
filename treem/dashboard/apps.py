from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "treem.dashboard"
    verbose_name = _("Bảng theo dõi chỉ tiêu")
    default_auto_field = "django.db.models.BigAutoField"
