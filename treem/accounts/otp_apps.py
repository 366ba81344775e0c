"""django-otp's TOTP plugin under a Vietnamese name in the admin site (INSTALLED_APPS names this class).

Its label stays `otp_totp`: its migrations and tables are django-otp's own."""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig


class TOTPConfig(DefaultConfig):
    """Authenticator-app devices (TOTP) of the roles that open case records (docs/second-factor.md)."""

    verbose_name = _("Xác thực hai lớp (TOTP)")
