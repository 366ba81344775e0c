from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .scope import attached_scope


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    roots = selectors.unit_tree(attached_scope(request), query)
    return render(request, "units/unit_tree.html", {"roots": roots, "query": query})
