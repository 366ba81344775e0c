"""Where a signed-in user lands."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .policy import scope_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not scope_of(request).has_access:
        # A new account: nothing to show until an administrator gives it a role and an area.
        return render(request, "accounts/no_access.html", status=200)
    return redirect("plans:list")
