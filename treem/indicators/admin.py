from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from treem.core.admin import ReadOnlyAdminMixin

from .models import (
    Category,
    CategoryOption,
    CategoryOptionCombo,
    Completion,
    DataElement,
    DataValue,
    Period,
    ValidationRule,
)


class CategoryOptionInline(admin.TabularInline):
    model = CategoryOption
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [CategoryOptionInline]


@admin.register(CategoryOptionCombo)
class CategoryOptionComboAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "value_type", "aggregation", "supplier"]
    list_filter = ["value_type", "supplier"]
    search_fields = ["code", "name"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "period_type", "start_date", "end_date"]
    list_filter = ["period_type"]


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: every value is written through the one write path (datavalues.import_values), which checks
    scope, report locks, validation rules and derived elements; a form here would bypass all four."""

    list_display = [
        "element",
        "combo",
        "unit",
        "period",
        "value",
        "followup",
        "stored_by",
        "created_at",
        "updated_at",
    ]
    list_filter = ["period", "element", "followup"]
    search_fields = ["element__code", "unit__code", "unit__name"]
    raw_id_fields = ["unit", "element", "stored_by"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "left", "operator", "right", "message"]
    search_fields = ["code", "left", "right"]


@admin.register(Completion)
class CompletionAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "unit", "period", "completed_by", "completed_at"]
    list_filter = ["period", "agency"]
    raw_id_fields = ["unit", "completed_by"]


@admin.register(CategoryOption)
class CategoryOptionAdmin(admin.ModelAdmin):
    list_display = ["category", "code", "name", "order"]
