"""The case dashboard (/ho-so/thong-ke/): counts of a district's or province's cases by harm, risk, step,
overdue or on time, open or closed, and a drill-down table with a row per unit one level down.

Every role with an area opens it for its area (commune and district officers, the province's case manager,
coordinator, leader and administrator, an agency reporter for its agency's area, the national role for
every province); `?unit=<code>` narrows it to a unit inside that area. A role without an area, and a unit
that is missing or outside the area, get the same 404.

No child's name, no form content: counts, and for roles that work on the cases (those with a `case_path`)
a table of the overdue cases' codes, communes, overdue steps and deadlines, each code linking to its case
page (which has its own access log). So the page writes no access event and is not behind the second
factor (`case_factor_required`): the counts are open to every role with an area, a case worker included
before it has entered its code. The overdue-case table alone lists single cases, so a case worker sees it
once its session is verified (treem.accounts.otp), and a link to verify until then. Outside case
management small counts are suppressed (treem.cases.selectors.case_counts); roles without case access
see overdue counts per unit only.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from treem.accounts.otp import confirmed_device, is_verified, with_next
from treem.accounts.policy import scope_for, scope_of
from treem.core.formatting import format_count
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope, unit_by_path, unit_in_scope

from . import selectors
from .procedure import default_procedure

NOT_FOUND = gettext_lazy("Không tìm thấy đơn vị trong phạm vi của bạn.")
PAGE_SIZE = 50
COUNTRY = gettext_lazy("Cả nước")


def _param(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    return value if isinstance(value, str) else ""


def _area(request: HttpRequest, scope: Scope) -> AdministrativeUnit | None:
    """The unit the page counts: `?unit=` inside the scope, else the scope's own area (None: every
    province, for a scope that sees them all). 404 when the scope has no area or the unit is not in it."""
    if not scope.has_access:
        raise Http404(NOT_FOUND)
    ref = _param(request, "unit").strip()
    if not ref:
        if scope.unit_path is None:
            return None
        ref = scope.unit_path
    # A path names one unit; a code the one valid today (or its last version): see `unit_ref`.
    unit = unit_by_path(scope, ref) if "/" in ref else unit_in_scope(scope, ref)
    if unit is None:
        raise Http404(NOT_FOUND)
    return unit


def _shown(count: int | None) -> str:
    if count is selectors.SUPPRESSED:
        return f"< {selectors.small_count_threshold()}"
    return format_count(count or 0)


def _rows(counts: Mapping[str, int | None], labels: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(label, shown count) in the labels' order, then any code the procedure no longer names."""
    known = [(label, _shown(counts.get(code, 0))) for code, label in labels]
    extra = [(code, _shown(n)) for code, n in counts.items() if code not in dict(labels)]
    return known + extra


def _breakdowns(scope: Scope, within: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    procedure = default_procedure()
    harms = [(c.code, c.label) for c in procedure.choices("harms")]
    risks = [(c.code, c.label) for c in procedure.choices("risk_levels")] + [("", _("Chưa đánh giá"))]
    steps = [(s.code, s.label) for s in procedure.steps]
    count = selectors.case_counts
    return [
        (_("Theo hành vi xâm hại, nguy cơ"), _rows(count(scope, "harm", within=within), harms)),
        (_("Theo mức độ nguy cơ"), _rows(count(scope, "risk", within=within), risks)),
        (_("Theo bước gần nhất đã thực hiện"), _rows(count(scope, "step", within=within), steps)),
    ]


def _late_by(delta: datetime.timedelta) -> str:
    days, hours = delta.days, delta.seconds // 3600
    if days:
        return _("%(days)d ngày %(hours)d giờ") % {"days": days, "hours": hours}
    return _("%(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": delta.seconds % 3600 // 60}


def _works_on(scope: Scope, within: str | None) -> bool:
    return scope.case_path is not None and within is not None and geometry.is_within(within, scope.case_path)


def _verify_url(request: HttpRequest) -> str:
    """Where a case worker enters its code (or sets up its authenticator), coming back here after."""
    url_name = "otp:verify" if confirmed_device(request.user) is not None else "otp:setup"
    return with_next(url_name, request.get_full_path())


def _overdue_table(request: HttpRequest, scope: Scope, within: str | None, now: datetime.datetime) -> Any:
    """A page of the area's overdue cases, each with its overdue steps and how late it is, for a scope
    that works on them in a verified session; None for the others."""
    if not _works_on(scope, within) or not is_verified(request.user):
        return None
    page = Paginator(selectors.overdue_cases(scope, now, within=within), PAGE_SIZE).get_page(
        _param(request, "page")
    )
    steps = selectors.overdue_steps(page.object_list, now)
    for case in page.object_list:
        case.late_steps = steps.get(case.pk) or []
        case.late_by = _late_by(now - case.next_due_at)
    return page


def unit_ref(unit: AdministrativeUnit) -> str:
    """How a link names a unit in `?unit=`: a current unit by its GSO code, a former one by its path (its
    code may now name a 2025 commune: 2023 commune 19900 and 2025 phường 19900)."""
    return unit.code if unit.valid_to is None else unit.path


def _crumbs(scope: Scope, unit: AdministrativeUnit | None) -> list[tuple[str, str]]:
    """(name, query string) from the top of what the scope sees down to the unit."""
    crumbs: list[tuple[str, str]] = [(str(COUNTRY), "")] if scope.all_provinces else []
    if unit is not None:
        paths = [*geometry.ancestor_paths(unit.path), unit.path]
        for above in AdministrativeUnit.objects.filter(path__in=paths).order_by("path"):
            if scope.sees_unit(above):
                crumbs.append((above.name, "?" + urlencode({"unit": unit_ref(above)})))
    return crumbs


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = works_on = scope_of(request)
    if scope.case_path is not None and not is_verified(request.user):
        # A password alone does not open case management: counts are hidden as for any other role.
        scope = dataclasses.replace(scope_for(request.user), case_path=None)
    unit = _area(request, scope)
    within = unit.path if unit is not None else None
    now = timezone.now()
    counted = selectors.area_counts(scope, within, now=now)  # totals and the table from one GROUP BY
    totals = counted.totals
    units = [
        (row.unit, {key: _shown(n) for key, n in row.counts.items()}, unit_ref(row.unit))
        for row in counted.units
    ]
    provinces = AdministrativeUnit.objects.filter(level="province") if scope.all_provinces else None
    return render(
        request,
        "cases/dashboard.html",
        {
            "unit": unit,
            "area_name": unit.name if unit is not None else COUNTRY,
            "crumbs": _crumbs(scope, unit),
            "totals": {key: _shown(totals.get(key, 0)) for key in ("open", "closed")},
            "clocks": {key: _shown(totals.get(key, 0)) for key in ("overdue", "on_time")},
            "breakdowns": _breakdowns(scope, within),
            "units": units,
            "overdue": _overdue_table(request, scope, within, now),
            "verify_url": (
                _verify_url(request) if _works_on(works_on, within) and not is_verified(request.user) else ""
            ),
            "provinces": provinces,
            "threshold": selectors.small_count_threshold(),
            "unit_query": urlencode({"unit": unit.code}) if unit is not None else "",
        },
    )
