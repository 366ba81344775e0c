"""Children owed monthly social assistance (/so-theo-doi/chua-duoc-huong/): those eligible today who receive
nothing, or less than they are owed, for the officer to act on.

Who: roles whose scope has a `case_path` (commune and district officers, the province's case manager),
with the second factor, like the case pages; everybody else gets the 404 of a missing page. A commune
(`?dv=<commune code>`, a commune officer's own by default) lists its children with the rule met, the
amount owed from today and a link to the child's page, one access event per child listed
(treem.register.eligibility.unserved_children). A district or the province lists the count per unit one
level down, each linking one level further; a unit outside the scope is the same 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.cases.selectors import SUPPRESSED, small_count_threshold
from treem.core.formatting import format_count, format_number
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope, last_version

from .benefits import age_on, base_on, benefit_rules, format_money
from .eligibility import unserved_children, unserved_counts

NOT_FOUND = gettext_lazy("Không tìm thấy trang.")
CODE_MAX_LENGTH = 10


class RuleFilter(forms.Form):
    """The list's filter (GET): one rule of the benefit file; any other value is ignored."""

    rule = forms.ChoiceField(label=gettext_lazy("Đối tượng"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rule"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Tất cả"))] + [(r.code, r.label) for r in benefit_rules().rules]

    def wanted(self) -> str:
        return str(self.cleaned_data.get("rule") or "") if self.is_valid() else ""


def _case_scope(request: HttpRequest) -> Scope:
    scope = scope_of(request)
    if scope.case_path is None:
        raise Http404(NOT_FOUND)
    return scope


def _area(request: HttpRequest, scope: Scope) -> AdministrativeUnit:
    """`?dv=<code>` if that unit lies under the scope's case path, else the case path's own unit; 404 for a
    unit missing or outside (the same page)."""
    assert scope.case_path is not None
    code = request.GET.get("dv", "")
    within = AdministrativeUnit.objects.filter(path__startswith=scope.case_path)
    if not isinstance(code, str) or not code.strip():
        unit = within.filter(path=scope.case_path).first()
    else:
        # Today's unit of that code under the case path (or, for a code no longer in use, its last one):
        # after the 2025 reform a 2023 commune may share a 2025 commune's code.
        code = code.strip()[:CODE_MAX_LENGTH].replace("\x00", "")
        unit = within.version_of(code, on=timezone.localdate()) or last_version(within, code)
    if unit is None:
        raise Http404(NOT_FOUND)
    return unit


def _count_text(count: int | None) -> str:
    if count is SUPPRESSED:
        return f"< {small_count_threshold()}"
    return format_count(count or 0)


def _parents(unit: AdministrativeUnit, scope: Scope) -> list[AdministrativeUnit]:
    """The units above `unit` up to the scope's case path, for the way back."""
    assert scope.case_path is not None
    wanted = [p for p in geometry.ancestor_paths(unit.path) if geometry.is_within(p, scope.case_path)]
    return list(AdministrativeUnit.objects.filter(path__in=wanted).order_by("path"))


@login_required
@case_factor_required
@require_GET
def eligible_list(request: HttpRequest) -> HttpResponse:
    """The counts of an area or the list of a commune (see the module's docstring)."""
    scope = _case_scope(request)
    area = _area(request, scope)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "area": area,
        "parents": _parents(area, scope),
        "today": today,
        "base": format_money(base_on(today)),
        "title": benefit_rules().title,
    }
    if area.level != "commune":
        counts = unserved_counts(scope, area.path, today)
        context["total"] = _count_text(counts.total)
        context["units"] = [(row.unit, _count_text(row.count)) for row in counts.units]
        return render(request, "register/eligible_counts.html", context)
    filters = RuleFilter(request.GET)
    page, rows = unserved_children(
        scope, area, today, user=request.user, rule=filters.wanted(), page=request.GET.get("trang")
    )
    query = request.GET.copy()
    query.pop("trang", None)
    context |= {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "rows": [
            {
                "child": row.child,
                "age": age_on(row.child.date_of_birth, today) if row.child.date_of_birth else None,
                "rule": row.rule,
                "coefficient": format_number(row.rule.coefficient),
                "owed": format_money(row.owed),
                "paid": format_money(row.paid) if row.paid is not None else "",
            }
            for row in rows
        ],
    }
    return render(request, "register/eligible.html", context)
