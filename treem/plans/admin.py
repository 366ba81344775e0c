from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import FundingSource, Indicator, LegalBasis, Milestone, Plan, Solution, Target, Task
from .services import PlanIssueError, do_issue_plan


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["code", "year", "title", "owner", "status", "source", "issued_at"]
    list_filter = ["status", "year"]
    search_fields = ["code", "title"]
    # Status and source come from the plan file, copy_plan and issuing, each with its checks.
    readonly_fields = ["status", "source", "issued_at"]
    actions = ["issue"]

    @admin.action(description=_("Ban hành các dự thảo đã chọn"))
    def issue(self, request: HttpRequest, queryset: QuerySet[Plan]) -> None:
        for plan in queryset:
            try:
                do_issue_plan(plan, request.user)  # type: ignore[arg-type]
            except PlanIssueError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, _("Đã ban hành kế hoạch %(code)s.") % {"code": plan.code})


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
