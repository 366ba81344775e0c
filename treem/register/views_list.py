"""The register's list (/so-theo-doi/): the children of the officer's area, 25 a page, each with the groups
it is in today and whether it receives support; searched by name, filtered by commune and group.

Who: roles whose scope has a `case_path`, with their second factor (like the case pages); every other role
gets the 404 of a missing page. One access event per child shown ("register list"), in one insert.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.cases.access import record_child_accesses
from treem.cases.models import AccessAction
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from . import selectors
from .reference import reference

NOT_FOUND = "Không tìm thấy trang."


def case_scope(request: HttpRequest) -> Scope:
    """The request's scope if it reads children's records; the 404 of a missing page otherwise."""
    scope = scope_of(request)
    if scope.case_path is None:
        raise Http404(NOT_FOUND)
    return scope


class ListFilterForm(forms.Form):
    """The list's filters (GET); a value not in the lists filters nothing."""

    q = forms.CharField(label=_("Họ và tên"), required=False, max_length=200)
    xa = forms.ChoiceField(label=_("Xã"), required=False)
    nhom = forms.ChoiceField(label=_("Nhóm hoàn cảnh (hiện nay)"), required=False)

    def __init__(self, communes: list[AdministrativeUnit], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ref = reference()
        anything = ("", _("Tất cả"))
        xa, nhom = self.fields["xa"], self.fields["nhom"]
        assert isinstance(xa, forms.ChoiceField) and isinstance(nhom, forms.ChoiceField)
        xa.choices = [anything, *((unit.code, unit.name) for unit in communes)]
        nhom.choices = [
            anything,
            (_("Hoàn cảnh đặc biệt"), ref.choices("special_circumstances")),
            (pgettext_lazy("circumstance kind", "Nguy cơ"), ref.choices("at_risk")),
        ]
        self.fields["q"].widget.attrs.update({"type": "search", "inputmode": "search", "autocomplete": "off"})

    def wanted(self) -> dict[str, str]:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {
            "query": data.get("q") or "",
            "commune_code": data.get("xa") or "",
            "group": data.get("nhom") or "",
        }


@login_required
@case_factor_required
@require_GET
def child_list(request: HttpRequest) -> HttpResponse:
    scope = case_scope(request)
    communes = selectors.communes_for(scope)
    filters = ListFilterForm(communes, request.GET)
    wanted = filters.wanted()
    page = selectors.register_children(
        scope,
        query=wanted["query"],
        commune_code=wanted["commune_code"],
        group=wanted["group"],
        page=request.GET.get("trang"),
    )
    shown = list(page.object_list)
    record_child_accesses(request.user, AccessAction.READ, shown, "register list")
    ref = reference()
    rows = [{"child": child, "groups": [ref.group_label(c.group) for c in child.active]} for child in shown]
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filtered": any(wanted.values()),
    }
    return render(request, "register/child_list.html", context)
