"""Placeholder: the gate in front of case records (a verified second factor). Being written."""

from collections.abc import Callable
from typing import Any


def case_factor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Page views that show or change case records: the user must have verified a second factor."""
    return view


class CaseFactorVerified:
    """DRF permission for API views that show or change case records (placeholder: allows all)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return True
