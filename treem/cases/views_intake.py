"""Intake (/ho-so/tiep-nhan/): a new notification (the procedure's first step, Form 01) on a phone.

Who: roles whose scope has a `case_path` (commune officer: its commune, fixed; district officer and case
manager: a commune under theirs, chosen from a list); everybody else gets the 404 of a missing page.

The page reads top to bottom: the form is checked (treem.cases.forms: the procedure's own checks); then,
unless the officer already decided, the children of the scope that look like the notification's child are
looked up (treem.cases.duplicates) and, when there are any, the form comes back with a panel of their cases
(one access event per case shown) and two answers: "link to this child" (button `link_child`, the child's
id) or "confirm a new child" (button `confirm_new`). A linked id the scope does not read, or that does not
exist, is refused with one message for both. Then the service registers the notification; its refusal
comes back on the form, field by field, nothing typed is lost.

Offline draft: the form carries `data-draft` (cases/draft.js keeps it in the browser while the network is
down); after a successful save the next page tells the script to drop it (a message tagged "draft-clear",
and `data-draft-clear` on this app's next page).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.core.deadlines import local_date, today
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from . import duplicates, services
from .access import record_accesses
from .forms import StepForm, prefilled, step_form
from .models import AccessAction, Case, Child
from .procedure import default_procedure
from .services import CaseError

NOT_FOUND = "Không tìm thấy trang."
CHILD_NOT_FOUND = gettext_lazy("Không tìm thấy trẻ em trong phạm vi của bạn.")
DRAFT_CLEAR = "treem_cases_draft_clear"


class CommuneForm(forms.Form):
    """The commune of the notification, among those of the officer's case scope (grouped by district)."""

    commune = forms.ChoiceField(
        label=gettext_lazy("Xã tiếp nhận"),
        error_messages={
            "required": gettext_lazy("Cần chọn xã tiếp nhận."),
            "invalid_choice": gettext_lazy("Không có xã này trong phạm vi của bạn."),
        },
        widget=forms.Select(attrs={"class": "field-input field-choice"}),
    )

    def __init__(self, communes: list[AdministrativeUnit], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communes = {unit.code: unit for unit in communes}
        groups: dict[str, list[tuple[str, str]]] = {}
        for unit in communes:
            district = unit.parent.name if unit.parent else ""
            groups.setdefault(district, []).append((unit.code, unit.name))
        field_ = self.fields["commune"]
        assert isinstance(field_, forms.ChoiceField)
        field_.choices = [("", _("— Chọn xã —")), *groups.items()]

    @property
    def chosen(self) -> AdministrativeUnit:
        return self.communes[self.cleaned_data["commune"]]


@dataclass
class Match:
    """A known child that looks like the notification's child, with the cases of it the scope reads."""

    child: Child
    cases: list[Case] = field(default_factory=list)

    @property
    def sex_label(self) -> str:
        sexes = {choice.code: choice.label for choice in default_procedure().choices("sexes")}
        return sexes.get(self.child.sex, self.child.sex)


@dataclass
class Page:
    form: StepForm
    communes: list[AdministrativeUnit]
    place: CommuneForm | None = None
    matches: list[Match] = field(default_factory=list)

    @property
    def fixed_commune(self) -> AdministrativeUnit | None:
        return self.communes[0] if self.place is None else None


def _communes(scope: Scope) -> list[AdministrativeUnit]:
    """The communes a notification may be registered in: those existing today under the case path."""
    if scope.case_path is None:
        return []
    now = today()
    units = AdministrativeUnit.objects.filter(level="commune", path__startswith=scope.case_path).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=now)
    )
    return list(units.select_related("parent").order_by("path"))


def _place(communes: list[AdministrativeUnit], data: Any = None) -> CommuneForm | None:
    """The commune chooser, or None when the scope has one commune (a commune officer's, fixed)."""
    return CommuneForm(communes, data) if len(communes) > 1 else None


def _birth_year(values: dict[str, Any]) -> int | None:
    age, received = values.get("child_age_estimate"), values.get("received_at")
    if age is None or not isinstance(received, datetime.datetime):
        return None
    return local_date(received).year - int(age)


def _matches(request: HttpRequest, scope: Scope, form: StepForm, commune: AdministrativeUnit) -> list[Match]:
    """The known children like this one, each with its cases; one access event per case shown."""
    data = form.cleaned_data
    children = duplicates.similar_children(
        scope,
        name=data.get("child_name") or "",
        date_of_birth=data.get("child_birth_date"),
        birth_year=_birth_year(data),
        commune=commune,
        sex=data.get("child_sex") or "",
    )[: duplicates.MOST_SHOWN]
    found = {child.pk: Match(child) for child in children}
    if not found:
        return []
    shown = duplicates.duplicate_cases(scope, children)
    for case in shown:
        found[case.child_id].cases.append(case)
    record_accesses(request.user, AccessAction.READ, shown, "duplicate check")
    return list(found.values())


def _render(request: HttpRequest, page: Page, status: int = 200) -> HttpResponse:
    step = page.form.step
    context = {
        "page": page,
        "step": step,
        "procedure": default_procedure(),
        "bound": page.form.is_bound,
        "draft_clear": request.session.pop(DRAFT_CLEAR, False),
    }
    return render(request, "cases/intake.html", context, status=status)


def _refused(form: StepForm, error: CaseError) -> None:
    for name, problem in error.problems.items():
        form.add_error(name if name in form.fields else None, problem)
    if not error.problems:
        form.add_error(None, error.message)


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Register a notification (Form 01): the form, the duplicate check, the service."""
    scope = scope_of(request)
    communes = _communes(scope)
    if not communes:
        raise Http404(NOT_FOUND)
    step = services._first_step(default_procedure())
    if request.method == "GET":
        form = step_form(step, initial=prefilled(step, request.user))
        return _render(request, Page(form, communes, _place(communes)))

    form, place = step_form(step, request.POST), _place(communes, request.POST)
    page = Page(form, communes, place)
    if not (form.is_valid() and (place is None or place.is_valid())):
        return _render(request, page)
    commune = place.chosen if place is not None else communes[0]
    child: Child | None = None
    if linked := request.POST.get("link_child", ""):
        child = duplicates.child_in_scope(scope, linked)
        if child is None:
            form.add_error(None, str(CHILD_NOT_FOUND))
            return _render(request, page)
    elif not request.POST.get("confirm_new"):
        page.matches = _matches(request, scope, form, commune)
        if page.matches:
            return _render(request, page)
    values, secret_values = form.split()
    try:
        case = services.do_register_notification(
            request.user, commune_code=commune.code, values=values, secret_values=secret_values, child=child
        )
    except CaseError as error:
        _refused(form, error)
        return _render(request, page)
    messages.success(
        request, _("Đã tiếp nhận thông báo, mã trường hợp %(code)s.") % {"code": case.code}, "draft-clear"
    )
    request.session[DRAFT_CLEAR] = True
    return redirect(reverse("cases:detail", args=[case.code]))
