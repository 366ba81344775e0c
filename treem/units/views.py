from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    roots = selectors.unit_tree(request.scope, query)
    return render(request, "units/unit_tree.html", {"roots": roots, "query": query})
