"""A province's annual plan: its targets and indicators, solutions, funding, tasks and deadlines.

Everything here is loaded from a plan file (see docs/plan-file.md); code never names a plan's contents.
Items that disappear from a re-loaded file are marked `is_active=False`, never deleted, so reports
and figures linked to them stay.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class Plan(models.Model):
    code = models.SlugField(_("mã kế hoạch"), max_length=40, unique=True)
    year = models.PositiveIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    province = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, verbose_name=_("tỉnh"))
    owner = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="owned_plans",
        verbose_name=_("cơ quan chủ trì"),
    )
    # The issued document: `document` keeps its header (type, number, date, issuer, place, signer, recipients).
    document = models.JSONField(_("văn bản"), default=dict)
    preamble = models.TextField(_("căn cứ ban hành"), blank=True)
    general_objective = models.TextField(_("mục tiêu chung"), blank=True)
    # The codes of the file's `data_elements`, in its order: an element no indicator uses yet (a figure
    # counted from records for reports) is still the plan's, and is exported with it.
    element_codes = models.JSONField(_("chỉ số dữ liệu của kế hoạch"), default=list, blank=True)
    # A draft (from `copy_plan` or the browser editor) can be edited; issuing freezes it.
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ISSUED
    )
    source = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("soạn từ kế hoạch"),
    )
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def province_name(self) -> str:
        """The province's name in the plan's year ("Tỉnh Thừa Thiên Huế" for 2023, "Thành phố Huế" later)."""
        return self.province.name_on(datetime.date(self.year, 1, 1))


class PlanItem(models.Model):
    """Fields every ordered, loadable part of a plan shares."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="%(class)ss")
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(
        default=True, help_text=_("Bỏ chọn khi mục không còn trong tệp kế hoạch.")
    )

    class Meta:
        abstract = True
        ordering = ["order"]


class LegalBasis(PlanItem):
    number = models.CharField(_("số hiệu"), max_length=60)
    date = models.DateField(_("ngày"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    title = models.TextField(_("trích yếu"), blank=True)

    class Meta(PlanItem.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_legal_basis")]
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")

    def __str__(self) -> str:
        return self.number


class Target(PlanItem):
    code = models.CharField(_("mã"), max_length=30)
    number = models.PositiveIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung"))
    history = HistoricalRecords()

    class Meta(PlanItem.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_target_code")]
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"


class Direction(models.TextChoices):
    LT = "lt", _("dưới")
    LE = "le", _("không quá")
    GE = "ge", _("đạt")
    GT = "gt", _("trên")


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", "%"
    PER_1000_LIVE_BIRTHS = "per_1000_live_births", _("‰ trẻ đẻ sống")
    PER_100000_CHILDREN = "per_100000_children", _("/100.000 trẻ em")


class Indicator(PlanItem):
    """One measurable clause of a target: value compared with `threshold` in `direction`."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã"), max_length=40)
    text = models.TextField(_("nội dung"))
    direction = models.CharField(_("chiều"), max_length=2, choices=Direction.choices)
    threshold = models.DecimalField(_("ngưỡng"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("đơn vị tính"), max_length=30, choices=MeasureUnit.choices)
    disaggregation = models.JSONField(_("phân tổ"), null=True, blank=True)
    supplier = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="supplied_indicators",
        verbose_name=_("cơ quan cung cấp số liệu"),
    )
    numerator = models.CharField(_("tử số"), max_length=300)
    denominator = models.CharField(_("mẫu số"), max_length=300)
    factor = models.PositiveIntegerField(_("hệ số"), default=100)
    # A flow counted over the period (vaccinations, injuries) over a yearly stock (a population): a
    # period shorter than a year is scaled to the year (× days in the year / days in the period).
    annualized = models.BooleanField(
        _("quy ra cả năm"),
        default=False,
        help_text=_("Kỳ ngắn hơn một năm: giá trị × số ngày trong năm / số ngày của kỳ."),
    )
    history = HistoricalRecords()

    class Meta(PlanItem.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code")]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return self.code


class Solution(PlanItem):
    number = models.PositiveIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung"))

    class Meta(PlanItem.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_solution_number")]
        verbose_name = _("giải pháp")
        verbose_name_plural = _("giải pháp")

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class FundingSource(PlanItem):
    number = models.PositiveIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung"))

    class Meta(PlanItem.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_funding_number")]
        verbose_name = _("nguồn kinh phí")
        verbose_name_plural = _("nguồn kinh phí")

    def __str__(self) -> str:
        return self.text[:80]


class Task(PlanItem):
    """A task of section IV. Given to a group, it is owed by each member of the group."""

    code = models.CharField(_("mã"), max_length=30)
    section = models.PositiveIntegerField(_("mục"))
    heading = models.CharField(_("tiêu đề mục"), max_length=500, blank=True)
    letter = models.CharField(_("điểm"), max_length=3, blank=True)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("cơ quan")
    )
    cooperating = models.ManyToManyField(
        "units.Agency", blank=True, related_name="cooperating_tasks", verbose_name=_("cơ quan phối hợp")
    )
    text = models.TextField(_("nội dung"))
    history = HistoricalRecords(m2m_fields=[cooperating])

    class Meta(PlanItem.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_task_code")]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")

    def __str__(self) -> str:
        return self.code


class MilestoneKind(models.TextChoices):
    IMPLEMENTATION_PLAN = "implementation_plan", _("Ban hành kế hoạch triển khai")
    REPORT = "report", _("Báo cáo")
    CONSOLIDATED_REPORT = "consolidated_report", _("Báo cáo tổng hợp")


class DataWindow(models.TextChoices):
    """Which days a report's figures count. Statistical figures use the period's calendar dates; an
    administrative report under Decree 09/2019/NĐ-CP counts from 15/12 of the year before to 14/6 (six
    months) or 14/12 (the year)."""

    CALENDAR = "calendar", _("Theo kỳ lịch")
    ADMINISTRATIVE = "administrative", _("Kỳ báo cáo hành chính (Nghị định 09/2019/NĐ-CP)")


class Milestone(PlanItem):
    """A deadline: who reports what to whom, by which date."""

    code = models.CharField(_("mã"), max_length=40)
    date = models.DateField(_("hạn"))
    kind = models.CharField(_("loại"), max_length=30, choices=MilestoneKind.choices)
    period = models.CharField(_("kỳ báo cáo"), max_length=10, blank=True)  # DHIS2 period id, e.g. 2023S1
    data_window = models.CharField(
        _("thời gian lấy số liệu"), max_length=20, choices=DataWindow.choices, default=DataWindow.CALENDAR
    )
    description = models.TextField(_("nội dung"))
    reporters = models.ManyToManyField(
        "units.Agency", related_name="reporting_milestones", verbose_name=_("đơn vị báo cáo")
    )
    via = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collecting_milestones",
        verbose_name=_("qua"),
    )
    recipients = models.ManyToManyField(
        "units.Agency", related_name="receiving_milestones", verbose_name=_("nơi nhận")
    )
    source = models.CharField(_("căn cứ"), max_length=30, blank=True)
    history = HistoricalRecords(m2m_fields=[reporters, recipients])

    class Meta(PlanItem.Meta):
        ordering = ["date", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_milestone_code")]
        verbose_name = _("mốc thời hạn")
        verbose_name_plural = _("mốc thời hạn")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.description[:60]}"
