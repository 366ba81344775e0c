"""Users, their role and their scope (a unit subtree and/or an agency)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NONE = "", _("Chưa phân quyền")
    NATIONAL = "national", _("Cấp trung ương (chỉ xem)")
    ADMIN = "admin", _("Quản trị hệ thống")
    PROVINCE_COORDINATOR = "province_coordinator", _("Điều phối cấp tỉnh")
    AGENCY_REPORTER = "agency_reporter", _("Cán bộ báo cáo của cơ quan")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")
    CASE_MANAGER = "case_manager", _("Quản lý trường hợp cấp tỉnh")


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices, default=Role.NONE, blank=True)
    is_demo = models.BooleanField(_("tài khoản minh họa"), default=False, editable=False)
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("địa bàn"),
        help_text=_("Tỉnh, huyện hoặc xã mà người dùng phụ trách."),
    )
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("cơ quan"),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def is_demo_site() -> bool:
    """Demo users exist only where `load_demo` ran: then every page says it shows demo data."""
    return User.objects.filter(is_demo=True).exists()
