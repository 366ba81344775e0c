"""The draft editor's pages around the edits: the draft's overview, its changes against the plan it was drafted
from, issuing it, and its plan file as YAML.

Only a scope that manages the plans of the plan's province opens them; everyone else gets the 404 of a
missing plan. An issued plan's pages still show it (and its changes and file), but refuse every edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from treem.accounts.models import User
from treem.accounts.policy import scope_of
from treem.units.models import Agency

from . import drafts, selectors
from .changes import AGENCY_FIELDS, PlanChange, plan_changes
from .exporter import export_plan
from .models import Plan
from .services import PlanIssueError, do_issue_plan

FROZEN = gettext_lazy("Kế hoạch đã ban hành, không sửa được.")
CONFLICT = gettext_lazy("Kế hoạch vừa được người khác sửa; hãy tải lại.")

# The changes list, one group per part of the plan file, in the document's order.
SECTIONS = {
    "header": gettext_lazy("Thông tin chung"),
    "targets": gettext_lazy("I. Mục tiêu và chỉ tiêu"),
    "solutions": gettext_lazy("II. Giải pháp"),
    "funding_sources": gettext_lazy("III. Kinh phí"),
    "tasks": gettext_lazy("IV. Nhiệm vụ"),
    "milestones": gettext_lazy("V. Thời hạn báo cáo"),
    "data_elements": gettext_lazy("Chỉ số dữ liệu"),
    "validation_rules": gettext_lazy("Quy tắc kiểm tra"),
    "legal_bases": gettext_lazy("Căn cứ pháp lý"),
}


def draft_plan_or_404(request: HttpRequest, code: str) -> Plan:
    plan = drafts.editable_plan(scope_of(request), code)
    if plan is None:
        raise Http404
    return plan


def refuse_frozen(request: HttpRequest, plan: Plan) -> HttpResponse:
    messages.error(request, FROZEN)
    return redirect("plans:draft", code=plan.code)


@login_required
def draft_overview(request: HttpRequest, code: str) -> HttpResponse:
    plan = draft_plan_or_404(request, code)
    return render(
        request,
        "plans/draft/overview.html",
        {
            "plan": plan,
            "targets": selectors.plan_targets(plan),
            "funding_sources": plan.fundingsources.filter(is_active=True),
            "task_sections": selectors.tasks_by_section(plan),
            "milestones": selectors.plan_milestones(plan),
        },
    )


@dataclass
class ChangeGroup:
    key: str
    label: str
    changes: list[Any] = field(default_factory=list)


def _section_of(path: Any) -> str:
    """The top-level key of a change's path: ("targets", 3, …), "targets[3].text" or "targets/<code>/…"."""
    if isinstance(path, list | tuple):
        first = str(path[0]) if path else ""
    else:
        first = re.split(r"[.\[/]", str(path), maxsplit=1)[0]
    return first if first in SECTIONS else "header"


@dataclass(frozen=True)
class NamedBodiesChange(PlanChange):
    """A change of bodies as the page shows it: their names, with the codes for a title attribute."""

    old_codes: str = ""
    new_codes: str = ""


def with_body_names(changes: list[PlanChange]) -> list[PlanChange]:
    """Bodies by short name (or name) instead of the codes the plan file and copy_plan's output use."""
    about_bodies = [c for c in changes if re.sub(r"\[\d+\]", "", c.path).rsplit(".", 1)[-1] in AGENCY_FIELDS]
    codes = {code for c in about_bodies for value in (c.old, c.new) if value for code in value.split(", ")}
    names = {agency.code: str(agency) for agency in Agency.objects.filter(code__in=codes)}

    def named(value: str | None) -> str | None:
        return value and ", ".join(names.get(code, code) for code in value.split(", "))

    return [
        NamedBodiesChange(
            c.path, c.label, named(c.old), named(c.new), c.note, old_codes=c.old or "", new_codes=c.new or ""
        )
        if c in about_bodies
        else c
        for c in changes
    ]


def group_changes(changes: Iterable[Any]) -> list[ChangeGroup]:
    groups = {key: ChangeGroup(key, str(label)) for key, label in SECTIONS.items()}
    for change in changes:
        groups[_section_of(change.path)].changes.append(change)
    return [group for group in groups.values() if group.changes]


@login_required
def draft_changes(request: HttpRequest, code: str) -> HttpResponse:
    plan = draft_plan_or_404(request, code)
    groups: list[ChangeGroup] = []
    if plan.source is not None:
        groups = group_changes(with_body_names(plan_changes(plan, plan.source)))
    return render(
        request,
        "plans/draft/changes.html",
        {"plan": plan, "source": plan.source, "groups": groups, "count": sum(len(g.changes) for g in groups)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_issue(request: HttpRequest, code: str) -> HttpResponse:
    """A confirmation page; its POST issues the draft, which freezes it."""
    plan = draft_plan_or_404(request, code)
    if not plan.is_draft:
        return refuse_frozen(request, plan)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        # The page confirmed a version: a change saved since then must be seen before issuing. The
        # comparison is made under the plan's row lock (do_issue_plan), so no edit slips in after it.
        try:
            do_issue_plan(
                plan, actor=cast(User, request.user), expected_version=request.POST.get("version", "")
            )
        except drafts.DraftConflict:
            plan.refresh_from_db()  # the page offers the version saved meanwhile
            errors = [str(CONFLICT)]
            status = 409
        except PlanIssueError:  # issued by someone else in between
            return refuse_frozen(request, plan)
        else:
            messages.success(request, _("Đã ban hành kế hoạch. Từ nay kế hoạch không sửa được nữa."))
            return redirect("plans:draft", code=plan.code)
    return render(
        request,
        "plans/draft/issue.html",
        {"plan": plan, "version": drafts.current_version(plan), "errors": errors},
        status=status,
    )


@login_required
def draft_yaml(request: HttpRequest, code: str) -> HttpResponse:
    """The plan file, as `export_plan --format yaml` writes it: `load_plan` loads it back unchanged."""
    plan = draft_plan_or_404(request, code)
    response = HttpResponse(drafts.plan_file_text(plan), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{drafts.yaml_filename(plan)}"'
    return response


def exported(plan: Plan) -> tuple[dict, str]:
    """The plan's dict and its version, from one read."""
    data = export_plan(plan)
    return data, drafts.plan_version(data)
