"""Third-party apps under Vietnamese names in the admin site (INSTALLED_APPS names these classes).

DRF's authtoken keeps its own config (its admin needs "rest_framework.authtoken" in INSTALLED_APPS): its
"Auth Token" is translated in treem/vendor_locale instead."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    """django-axes: failed sign-ins and lockouts (docs/roles.md)."""

    verbose_name = _("Khóa đăng nhập")
