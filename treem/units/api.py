"""Read API of units and agencies, within the request's Scope (a unit outside it is a 404, as a missing one)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .models import AdministrativeUnit, Agency, UnitQuerySet
from .scope import attached_scope, unit_in_scope


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "level", "unit_type", "parent_code", "path", "valid_from", "valid_to"]


class AgencySerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", default=None, read_only=True)
    members: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "unit_code", "members"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units the user may see, by GSO code. A code names a unit only with a day (after the
    2025 reform commune 19900 is a 2023 and a 2025 unit): `?on=YYYY-MM-DD` lists the units of that day
    and picks the version of a code; without it the list holds every version (each with its `path` and
    dates) and a code gives the version valid today, or the last one of a code no longer in use."""

    serializer_class = UnitSerializer
    queryset = AdministrativeUnit.objects.none()  # the model, for the schema; get_queryset filters by scope
    lookup_field = "code"
    filterset_fields = ["level", "unit_type", "parent__code"]

    def _day(self) -> datetime.date | None:
        text = self.request.query_params.get("on", "").strip()
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise ValidationError({"on": _("Ngày không hợp lệ (dạng YYYY-MM-DD).")}) from None

    def get_queryset(self) -> UnitQuerySet:
        units = attached_scope(self.request).units().select_related("parent")
        day = self._day()
        return units.valid_on(day) if day is not None and self.action == "list" else units

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="the day (default: all)")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="the day (default: today)")]
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    def get_object(self) -> AdministrativeUnit:
        scope = attached_scope(self.request)
        code = str(self.kwargs.get(self.lookup_field, ""))
        day = self._day()
        unit = unit_in_scope(scope, code) if day is None else unit_in_scope(scope, code, during=(day, day))
        if unit is None:
            # The same words whatever the code: a missing unit and another area's must not differ.
            raise NotFound(_("Không có đơn vị hành chính này trong phạm vi của bạn."))
        return unit


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    queryset = Agency.objects.none()  # the model, for the schema; get_queryset filters by scope
    lookup_field = "code"
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Agency]:
        return attached_scope(self.request).agencies().select_related("unit").prefetch_related("members")
