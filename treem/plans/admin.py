from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FundingSource, Indicator, LegalBasis, Milestone, Plan, Solution, Target, Task


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["code", "year", "title", "owner"]
    search_fields = ["code", "title"]


class PlanItemAdmin(SimpleHistoryAdmin):
    list_filter = ["plan", "is_active"]


@admin.register(Target)
class TargetAdmin(PlanItemAdmin):
    list_display = ["code", "plan", "number", "text", "is_active"]
    search_fields = ["code", "text"]


@admin.register(Indicator)
class IndicatorAdmin(PlanItemAdmin):
    list_display = ["code", "plan", "direction", "threshold", "unit", "supplier", "is_active"]
    search_fields = ["code", "text"]


@admin.register(Task)
class TaskAdmin(PlanItemAdmin):
    list_display = ["code", "plan", "agency", "letter", "is_active"]
    search_fields = ["code", "text"]
    filter_horizontal = ["cooperating"]


@admin.register(Milestone)
class MilestoneAdmin(PlanItemAdmin):
    list_display = ["code", "plan", "date", "kind", "period", "via", "is_active"]
    filter_horizontal = ["reporters", "recipients"]


for model in (LegalBasis, Solution, FundingSource):
    admin.site.register(model, PlanItemAdmin)
