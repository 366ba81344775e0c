"""The figures behind the plan's indicators: data elements, disaggregations, periods and values.

Shapes follow DHIS2 so data moves in and out as dataValueSets: a value is
(data element, category option combo, org unit, period) → number.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from treem.core import comparisons
from treem.core.periods import PeriodType

DEFAULT_COMBO = "default"


class Category(models.Model):
    """A way of splitting a figure, e.g. area (rural/urban) or sex."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("phân tổ")
        verbose_name_plural = _("phân tổ")

    def __str__(self) -> str:
        return self.name


class CategoryOption(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["category", "order"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="unique_category_option")]
        verbose_name = _("nhóm phân tổ")
        verbose_name_plural = _("nhóm phân tổ")

    def __str__(self) -> str:
        return self.name


class CategoryOptionCombo(models.Model):
    """One cell of a disaggregation: `default` (no split), `rural`, `urban`, `rural.female`…"""

    code = models.CharField(_("mã"), max_length=100, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    options = models.ManyToManyField(CategoryOption, blank=True, related_name="combos")

    class Meta:
        ordering = ["code"]
        verbose_name = _("tổ hợp phân tổ")
        verbose_name_plural = _("tổ hợp phân tổ")

    def __str__(self) -> str:
        return self.name


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Số nguyên (đếm)")
    NUMBER = "number", _("Số")
    PERCENT = "percent", _("Tỷ lệ %")


class AggregationType(models.TextChoices):
    SUM = "sum", _("Cộng dồn theo kỳ")
    LAST = "last", _("Lấy kỳ gần nhất (số tồn, dân số)")


class DataElement(models.Model):
    code = models.CharField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    value_type = models.CharField(
        _("kiểu giá trị"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        _("cách cộng theo thời gian"),
        max_length=10,
        choices=AggregationType.choices,
        default=AggregationType.SUM,
    )
    supplier = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="data_elements",
        verbose_name=_("cơ quan cung cấp"),
    )
    collection_level = models.CharField(
        _("cấp thu thập"),
        max_length=10,
        choices=[("district", _("Huyện")), ("commune", _("Xã"))],
        default="commune",
        help_text=_("Cấp đơn vị nhập số liệu; dùng để biết đơn vị nào chưa báo cáo."),
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="data_elements", verbose_name=_("phân tổ")
    )
    # Derived elements (the plan file's `derived`): from periods starting on or after `derived_since`,
    # their values are computed from records (the app that registered `derived_rule`, e.g.
    # "register.special_circumstances") and written through the one write path; nobody types them.
    # Periods starting before keep the figures entered then.
    derived_rule = models.CharField(_("quy tắc tính tự động"), max_length=60, blank=True)
    derived_params = models.JSONField(_("tham số của quy tắc"), default=dict, blank=True)
    derived_since = models.DateField(_("tính tự động từ ngày"), null=True, blank=True)
    combos = models.ManyToManyField(
        CategoryOptionCombo, related_name="data_elements", verbose_name=_("tổ hợp thu thập")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("chỉ số dữ liệu")
        verbose_name_plural = _("chỉ số dữ liệu")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def is_derived_for(self, start_date: datetime.date) -> bool:
        """Whether values of the period starting on `start_date` are computed from records."""
        return bool(self.derived_rule) and self.derived_since is not None and start_date >= self.derived_since


class Period(models.Model):
    """A DHIS2 period: `2023`, `2023S1`, `2023Q2`, `202306`."""

    code = models.CharField(_("mã kỳ"), max_length=10, unique=True)
    period_type = models.CharField(_("loại kỳ"), max_length=12, choices=PeriodType.choices)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["start_date", "-end_date"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")

    def __str__(self) -> str:
        return self.code


class DataValue(models.Model):
    # National imports write millions of rows, and each index and foreign-key check costs per row:
    # - only the indexes lookups need: the unique constraint (element first) serves lookups by element,
    #   (period, element) serves evaluation, unit serves a unit's values;
    # - no foreign-key constraints in the database (db_constraint=False): PostgreSQL checks five of them
    #   per new row at commit, a third of a national import's time (docs/benchmarks.md). Every id written
    #   comes from a lookup in the same import, and Django still enforces on_delete (PROTECT, SET_NULL)
    #   for every delete made through it; units, elements, combos and periods are never deleted otherwise.
    element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="values", db_index=False, db_constraint=False
    )
    combo = models.ForeignKey(
        CategoryOptionCombo,
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="data_values", db_constraint=False
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="values", db_index=False, db_constraint=False
    )
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4)
    comment = models.CharField(_("ghi chú"), max_length=500, blank=True)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    # When the value was first stored (DHIS2 `created`); values stored before this field: their last change.
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    # DHIS2's "mark for follow-up": kept as sent, exported as sent.
    followup = models.BooleanField(_("cần theo dõi thêm"), default=False)
    # History is read by value id (indexed) and date; indexes on its other columns would only slow imports.
    history = HistoricalRecords(no_db_index=["element", "combo", "unit", "period", "stored_by"])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["element", "combo", "unit", "period"], name="unique_data_value")
        ]
        indexes = [models.Index(fields=["period", "element"])]
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")

    def __str__(self) -> str:
        return f"{self.element.code}/{self.combo.code}/{self.unit.code}/{self.period.code}={self.value}"


class ValidationRule(models.Model):
    """`left operator right` between expressions over data elements, checked for one unit and period.

    Rules come from the plan file (`validation_rules`); each percent indicator also implies
    numerator ≤ denominator (see validation.py)."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    left = models.CharField(_("vế trái"), max_length=300)
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=comparisons.CHOICES)
    right = models.CharField(_("vế phải"), max_length=300)
    message = models.CharField(_("thông báo"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")

    def __str__(self) -> str:
        return f"{self.left} {self.get_operator_display()} {self.right}"


class Completion(models.Model):
    """A reporting entity has marked its figures for a unit and period complete."""

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="completions")
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="completions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="completions")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    completed_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "unit", "period"], name="unique_completion")]
        verbose_name = _("xác nhận hoàn thành")
        verbose_name_plural = _("xác nhận hoàn thành")

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.unit.code}/{self.period.code}"
