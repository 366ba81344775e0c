from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def unit_tree(request):
    query = request.GET.get("q", "").strip()
    roots = selectors.unit_tree(request.user, query)
    return render(request, "units/unit_tree.html", {"roots": roots, "query": query})
