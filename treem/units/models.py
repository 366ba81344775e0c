"""Administrative units (GSO codes) and the agencies that plans name."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import geometry


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")


class UnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def existing_during(self, start: datetime.date, end: datetime.date) -> UnitQuerySet:
        """Units that existed at any time from `start` to `end` (see AdministrativeUnit.exists_during)."""
        return self.filter(geometry.existing_during_q(start, end))


class AdministrativeUnit(models.Model):
    """A province, district-level unit or commune, identified by its GSO code.

    Units are never deleted: one that stops existing gets `valid_to`, so data entered for it stays.
    `path` holds the codes from the province down ("46/478/19900/") so a subtree is one indexed
    prefix query, in SQLite and PostgreSQL alike.
    """

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices, db_index=True)
    unit_type = models.CharField(
        _("loại"), max_length=40
    )  # tỉnh, thành phố, thị xã, huyện, quận, phường, xã, thị trấn
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cha"),
    )
    path = models.CharField(max_length=60, db_index=True, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.path = geometry.child_path(self.parent.path if self.parent else "", self.code)
        super().save(*args, **kwargs)

    def exists_during(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the unit existed at any time from `start` to `end` (the same rule evaluation uses in SQL:
        valid_from ≤ end and valid_to > start)."""
        return geometry.exists_during(self.valid_from, self.valid_to, start, end)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    @property
    def depth(self) -> int:
        return len(geometry.path_codes(self.path)) - 1


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    POLICE = "police", _("Công an")
    COMMITTEE = "committee", _("Ban")
    DISTRICT_COMMITTEE = "district_committee", _("UBND cấp huyện")
    AUTHORITY = "authority", _("Cơ quan cấp trên")
    FRONT = "front", _("Mặt trận Tổ quốc")
    MASS_ORGANISATION = "mass_organisation", _("Tổ chức chính trị – xã hội")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    GROUP = "group", _("Nhóm cơ quan")


class Agency(models.Model):
    """A body that plans give tasks to, that reports, or that receives reports.

    A group ("the district-level People's Committees") is an Agency of kind `group` whose members are
    the bodies it stands for, so a task given to the group is owed by each member.
    """

    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=30, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("địa bàn"),
    )
    members = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="groups", verbose_name=_("thành viên")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_group(self) -> bool:
        return self.kind == AgencyKind.GROUP

    def owing_agencies(self) -> list[Agency]:
        """The bodies that actually owe a task given to this agency (a group's members, else itself)."""
        return list(self.members.order_by("code")) if self.is_group else [self]
