import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors
from .scope import attached_scope

QUERY_MAX_CHARS = 100


def _day(text: str) -> datetime.date | None:
    """A day typed dd/mm/yyyy (or sent by a date field, yyyy-mm-dd); None if it is not one."""
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The tree of the units the user sees on one day (today; `?ngay=dd/mm/yyyy` for another): the 2023
    tree with its districts, or the 2025 one with communes right under the province."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:QUERY_MAX_CHARS]
    typed = request.GET.get("ngay", "").strip()[:20]
    today = datetime.date.today()
    day = _day(typed) if typed else today
    error = ""
    if day is None:
        error = _("Ngày “%(typed)s” không hợp lệ (dạng dd/mm/yyyy); đang hiện các đơn vị của hôm nay.") % {
            "typed": typed
        }
        day = today
    roots = selectors.unit_tree(attached_scope(request), query, day)
    context = {"roots": roots, "query": query, "day": day, "is_today": day == today, "error": error}
    return render(request, "units/unit_tree.html", context)
