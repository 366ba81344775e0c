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

    def valid_on(self, day: datetime.date) -> UnitQuerySet:
        """Units that existed on `day`."""
        return self.existing_during(day, day)

    def version_of(
        self,
        code: str,
        *,
        on: datetime.date | None = None,
        during: tuple[datetime.date, datetime.date] | None = None,
    ) -> AdministrativeUnit | None:
        """The version of the unit with this GSO code that existed on `on` (or during `during`; without
        either, today). A code names a unit only together with a time: after the 2025 reform a commune
        may carry the code a different 2023 commune had. When two versions overlap the time asked
        (a 2025 annual period spans both trees), the later one wins: the structure at the period's end."""
        if not isinstance(code, str) or not code:
            return None
        if during is None:
            day = on or datetime.date.today()
            during = (day, day)
        return (
            self.filter(code=code)
            .existing_during(*during)
            .order_by(models.F("valid_from").desc(nulls_last=True))
            .first()
        )


class AdministrativeUnit(models.Model):
    """A province, district-level unit or commune, identified by its GSO code *and its validity*.

    Units are never deleted: one that stops existing gets `valid_to`, so data entered for it stays.
    A code is not unique: the 2025 reform gave new communes codes that 2023 communes had (a different
    territory), so each is its own row (a "version") with its own dates; `version_of(code, on=day)` finds
    the right one. `path` holds the path segments from the province down ("46/478/19900/") so a subtree
    is one indexed prefix query, in SQLite and PostgreSQL alike. A segment is the code, except for a
    later version of a code already used, whose segment also carries its start ("19900@20250701"): paths
    stay unique and a subtree of one tree never reaches into the other.
    """

    code = models.CharField(_("mã"), max_length=10, db_index=True)
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
    path = models.CharField(max_length=80, unique=True, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # A unit that kept its territory through a reform keeps its row but not always its name (Tỉnh Thừa
    # Thiên Huế → Thành phố Huế): [{"name", "unit_type", "until": "YYYY-MM-DD"}], oldest first.
    former_names = models.JSONField(_("tên trước đây"), default=list, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.path = geometry.child_path(self.parent.path if self.parent else "", self._segment())
        super().save(*args, **kwargs)

    def _segment(self) -> str:
        """This unit's own part of its path, fixed when it is first saved (see the class docstring)."""
        if self.path:
            return geometry.path_segments(self.path)[-1]
        if not AdministrativeUnit.objects.filter(code=self.code).exists():
            return self.code
        if self.valid_from is None:
            raise ValueError(f"A second unit with code {self.code} needs its valid_from date.")
        return geometry.versioned_segment(self.code, self.valid_from)

    def exists_during(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the unit existed at any time from `start` to `end` (the same rule evaluation uses in SQL:
        valid_from ≤ end and valid_to > start)."""
        return geometry.exists_during(self.valid_from, self.valid_to, start, end)

    def name_on(self, day: datetime.date) -> str:
        """The unit's name on `day`: a 2023 plan still says "Tỉnh Thừa Thiên Huế" after the province became
        Huế city."""
        for former in self.former_names:
            if day.isoformat() < former["until"]:
                return str(former["name"])
        return self.name

    def as_named_on(self, day: datetime.date) -> AdministrativeUnit:
        """This unit, showing (not saving) its name of `day`."""
        self.name = self.name_on(day)
        return self

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    @property
    def depth(self) -> int:
        """0 for a province; a 2023 commune is at depth 2, a 2025 commune (no district level) at depth 1."""
        return len(geometry.path_segments(self.path)) - 1


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    POLICE = "police", _("Công an")
    COMMITTEE = "committee", _("Ban")
    DISTRICT_COMMITTEE = "district_committee", _("UBND cấp huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")
    AUTHORITY = "authority", _("Cơ quan cấp trên")
    FRONT = "front", _("Mặt trận Tổ quốc")
    MASS_ORGANISATION = "mass_organisation", _("Tổ chức chính trị – xã hội")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    GROUP = "group", _("Nhóm cơ quan")


LOCAL_COMMITTEE_KINDS = (AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE)


class UnitSuccession(models.Model):
    """One line of the reform's mapping (data/units/): the 2023 unit `predecessor` became (part of) the
    2025 unit `successor` on `since`. `partial` marks a predecessor split between several successors:
    its figures cannot be carried to any one of them, so no trend compares across it."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="successions", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="predecessions",
        verbose_name=_("đơn vị mới"),
    )
    since = models.DateField(_("từ ngày"))
    partial = models.BooleanField(_("chỉ một phần"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_unit_succession")
        ]
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class AgencyQuerySet(models.QuerySet["Agency"]):
    def existing_during(self, start: datetime.date, end: datetime.date) -> AgencyQuerySet:
        """Bodies that existed at any time from `start` to `end` (the units' rule)."""
        return self.filter(geometry.existing_during_q(start, end))


class Agency(models.Model):
    """A body that plans give tasks to, that reports, or that receives reports.

    A group ("the district-level People's Committees") is an Agency of kind `group` whose members are
    the bodies it stands for, so a task given to the group is owed by each member. Bodies are dated like
    units (`valid_from`, `valid_to`): the 2023 Department of Labour and the 2025 bodies of Huế city live
    side by side, linked by `AgencySuccession`.
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
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_group(self) -> bool:
        return self.kind == AgencyKind.GROUP

    @property
    def is_local_committee(self) -> bool:
        """A district's People's Committee (2023) or a commune's (from 07/2025): it reports every figure of
        its area, whoever supplies it."""
        return self.kind in LOCAL_COMMITTEE_KINDS

    def owing_agencies(self) -> list[Agency]:
        """The bodies that actually owe a task given to this agency (a group's members, else itself)."""
        return list(self.members.order_by("code")) if self.is_group else [self]

    def exists_during(self, start: datetime.date, end: datetime.date) -> bool:
        return geometry.exists_during(self.valid_from, self.valid_to, start, end)


class AgencySuccession(models.Model):
    """Which body took over which duty of another, from when: in 2025 the Department of Health took
    child protection from the Department of Labour, Invalids and Social Affairs. `duty` empty: everything."""

    predecessor = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="successions", verbose_name=_("cơ quan cũ")
    )
    successor = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="predecessions", verbose_name=_("cơ quan tiếp nhận")
    )
    since = models.DateField(_("từ ngày"))
    duty = models.CharField(_("nhiệm vụ chuyển giao"), max_length=200, blank=True)

    class Meta:
        ordering = ["since", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "duty"], name="unique_agency_succession"
            )
        ]
        verbose_name = _("chuyển giao nhiệm vụ")
        verbose_name_plural = _("chuyển giao nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
