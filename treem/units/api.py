"""Read API of units and agencies, within the request's Scope (a unit outside it is a 404, as a missing one)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from .models import AdministrativeUnit, Agency, UnitQuerySet
from .scope import attached_scope


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "level", "unit_type", "parent_code", "valid_from", "valid_to"]


class AgencySerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", default=None, read_only=True)
    members: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "unit_code", "members"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units the user may see, by GSO code."""

    serializer_class = UnitSerializer
    queryset = AdministrativeUnit.objects.none()  # the model, for the schema; get_queryset filters by scope
    lookup_field = "code"
    filterset_fields = ["level", "unit_type", "parent__code"]

    def get_queryset(self) -> UnitQuerySet:
        return attached_scope(self.request).units().select_related("parent")


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    queryset = Agency.objects.none()  # the model, for the schema; get_queryset filters by scope
    lookup_field = "code"
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Agency]:
        return attached_scope(self.request).agencies().select_related("unit").prefetch_related("members")
