"""A child's register pages: register a child (/so-theo-doi/tre-em/moi/), its page, its details, and adding
or ending a circumstance or a support (each end with a confirmation step first).

Guards as the case pages (treem.cases.views_case): signed in, the second factor for roles that open
children's records, and the scope: every page opens its child through treem.register.selectors, which
writes the one READ access event of the view; a child (or an item of it) that does not exist and one
outside the scope are the same 404 and leave no event. Writes go through treem.register.services; a
refusal (RegisterError) comes back on the form's fields in Vietnamese, never as a 500.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.cases.models import Child, Disability, Household
from treem.cases.procedure import default_procedure
from treem.core.formatting import format_count, format_date

from . import selectors, services
from .benefits import entitlement
from .forms import ChildDetailsForm, CircumstanceForm, EndForm, NewChildForm, RegisterForm, SupportForm
from .models import Circumstance, Support
from .reference import reference
from .selectors import ChildRecord
from .services import CHILD_FIELDS, RegisterError
from .views_list import case_scope

NOT_FOUND = "Không tìm thấy trẻ em trong phạm vi của bạn."


def money(amount: Decimal | int | None) -> str:
    """360000 → '360.000 đ' (the active language's grouping); None → ''."""
    return "" if amount is None else f"{format_count(amount)} đ"


def _open(request: HttpRequest, pk: int, what: str) -> ChildRecord:
    record = selectors.child_record(scope_of(request), pk, user=request.user, what=what)
    if record is None:
        raise Http404(NOT_FOUND)
    return record


def _detail_url(child: Child) -> str:
    return reverse("register:detail", args=(child.pk,))


# --- the child's page ---------------------------------------------------------------------------------


def monthly_assistance(record: ChildRecord, day: datetime.date) -> tuple[str, str]:
    """(the monthly social assistance the child is entitled to on `day`, as money, and the rule that sets it
    with its legal basis); ("", "") when it is not entitled that day (treem.register.benefits)."""
    found = entitlement(record.child, record.circumstances, day)
    if found is None:
        return "", ""
    rule, amount = found
    return money(amount), f"{rule.label} ({rule.basis})" if rule.basis else rule.label


def _labels(name: str) -> dict[str, str]:
    return reference().labels(name)


def _circumstance_row(row: Circumstance, day: datetime.date) -> dict[str, Any]:
    return {
        "item": row,
        "label": reference().group_label(row.group),
        "active": row.is_active_on(day),
        "ended": row.ended_on is not None and row.ended_on < day,
        "started": format_date(row.started_on),
        "until": format_date(row.ended_on) if row.ended_on else "",
    }


def _support_row(row: Support, day: datetime.date) -> dict[str, Any]:
    active = row.started_on <= day and (row.ended_on is None or row.ended_on >= day)
    return {
        "item": row,
        "label": _labels("support_kinds").get(row.kind, row.kind),
        "active": active,
        "ended": row.ended_on is not None and row.ended_on < day,
        "started": format_date(row.started_on),
        "until": format_date(row.ended_on) if row.ended_on else "",
        "amount": money(row.amount),
    }


def _sex_label(code: str) -> str:
    return next((c.label for c in default_procedure().choices("sexes") if c.code == code), code)


@login_required
@case_factor_required
@require_GET
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _open(request, pk, "register page")
    child, day = record.child, timezone.localdate()
    assistance, assistance_rule = monthly_assistance(record, day)
    context = {
        "record": record,
        "child": child,
        "sex": _sex_label(child.sex) if child.sex else "",
        "ethnicity": _labels("ethnicities").get(child.ethnicity, ""),
        "disability": Disability(child.disability).label if child.disability in Disability.values else "",
        "household": Household(child.household).label if child.household in Household.values else "",
        "born": format_date(child.date_of_birth) if child.date_of_birth else "",
        "circumstances": [_circumstance_row(row, day) for row in record.circumstances],
        "supports": [_support_row(row, day) for row in record.supports],
        "assistance": assistance,
        "assistance_rule": assistance_rule,
        "today": format_date(day),
    }
    return render(request, "register/child_detail.html", context)


# --- registering a child, its details -------------------------------------------------------------------


def _render_form(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"register/{template}", context, status=status)


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def child_create(request: HttpRequest) -> HttpResponse:
    communes = selectors.communes_for(case_scope(request))
    if request.method != "POST":
        form = NewChildForm(communes)
        return _render_form(request, "child_form.html", {"form": form, "child": None})
    form = NewChildForm(communes, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            child = services.do_register_child(
                request.user, commune_code=data["commune"], name=data["name"], **form.details()
            )
        except RegisterError as error:
            form.add_problems(error)
        else:
            messages.success(request, _("Đã thêm trẻ em vào sổ theo dõi."))
            return redirect(_detail_url(child))
    return _render_form(request, "child_form.html", {"form": form, "child": None}, 400)


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _open(request, pk, "register details form")
    child = record.child
    if request.method != "POST":
        form = ChildDetailsForm(initial={name: getattr(child, name) for name in CHILD_FIELDS})
        return _render_form(request, "child_form.html", {"form": form, "child": child})
    form = ChildDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.do_update_child(request.user, child, **form.details())
        except RegisterError as error:
            form.add_problems(error)
        else:
            messages.success(request, _("Đã lưu thông tin của trẻ em."))
            return redirect(_detail_url(child))
    return _render_form(request, "child_form.html", {"form": form, "child": child}, 400)


# --- adding a circumstance or a support -----------------------------------------------------------------


def _add(request: HttpRequest, pk: int, what: str, form_class: type[RegisterForm], save: Any) -> HttpResponse:
    """The add form of a circumstance (`what` "circumstance") or a support: `save(user, child, data)`."""
    record = _open(request, pk, f"register {what} form")
    context: dict[str, Any] = {"child": record.child, "what": what}
    if request.method != "POST":
        context["form"] = form_class()
        return _render_form(request, "item_form.html", context)
    form = context["form"] = form_class(request.POST)
    if form.is_valid():
        try:
            save(request.user, record.child, form.cleaned_data)
        except RegisterError as error:
            form.add_problems(error)
        else:
            done = _("Đã ghi hoàn cảnh.") if what == "circumstance" else _("Đã ghi hỗ trợ.")
            messages.success(request, done)
            return redirect(_detail_url(record.child))
    return _render_form(request, "item_form.html", context, 400)


def _save_circumstance(user: Any, child: Child, data: dict[str, Any]) -> None:
    services.do_add_circumstance(
        user, child, group=data["group"], started_on=data["started_on"], ended_on=data["ended_on"]
    )


def _save_support(user: Any, child: Child, data: dict[str, Any]) -> None:
    services.do_add_support(
        user,
        child,
        kind=data["kind"],
        started_on=data["started_on"],
        ended_on=data["ended_on"],
        amount=data["amount"],
        provider=data["provider"],
        decision=data["decision"],
    )


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def circumstance_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(request, pk, "circumstance", CircumstanceForm, _save_circumstance)


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def support_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(request, pk, "support", SupportForm, _save_support)


# --- ending one (a confirmation step first) -------------------------------------------------------------


def _end(request: HttpRequest, child: Child, row: dict[str, Any], what: str, end: Any) -> HttpResponse:
    """The end form of a circumstance or a support (`row` as the child's page shows it): a day, then a
    confirmation, then `end(user, item, day)` (a service)."""
    context: dict[str, Any] = {"child": child, "row": row, "what": what, "confirming": False}
    item = row["item"]
    if item.ended_on is not None:  # ended already: nothing to do here (the page says when)
        return _render_form(request, "item_end.html", context, 409 if request.method == "POST" else 200)
    if request.method != "POST":
        context["form"] = EndForm(initial={"ended_on": timezone.localdate()})
        return _render_form(request, "item_end.html", context)
    form = context["form"] = EndForm(request.POST)
    if not form.is_valid():
        return _render_form(request, "item_end.html", context, 400)
    if not form.confirmed:
        context |= {"confirming": True, "ended_text": format_date(form.cleaned_data["ended_on"])}
        return _render_form(request, "item_end.html", context)
    try:
        end(request.user, item, form.cleaned_data["ended_on"])
    except RegisterError as error:
        form.add_problems(error)
        return _render_form(request, "item_end.html", context, 400)
    messages.success(request, _("Đã ghi ngày kết thúc."))
    return redirect(_detail_url(child))


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def circumstance_end(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = selectors.circumstance_record(
        scope_of(request), pk, item, user=request.user, what="register circumstance end form"
    )
    if found is None:
        raise Http404(NOT_FOUND)
    child, row = found
    day = timezone.localdate()
    return _end(request, child, _circumstance_row(row, day), "circumstance", services.do_end_circumstance)


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def support_end(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = selectors.support_record(
        scope_of(request), pk, item, user=request.user, what="register support end form"
    )
    if found is None:
        raise Http404(NOT_FOUND)
    child, row = found
    return _end(request, child, _support_row(row, timezone.localdate()), "support", services.do_end_support)
