from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from treem.accounts import policy

from . import selectors
from .exporter import export_plan
from .models import Plan


class PlanSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    owner = serializers.CharField(source="owner.code")

    class Meta:
        model = Plan
        fields = ["code", "year", "title", "province", "owner", "document"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plans; `/api/plans/{code}/full/` is the whole plan in the plan file's shape (as export_plan prints)."""

    serializer_class = PlanSerializer
    lookup_field = "code"
    filterset_fields = ["year"]

    def get_queryset(self):
        plans = selectors.active_plans()
        return plans if policy.can_view_plans(self.request.user) else plans.none()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def full(self, request, code=None):
        return Response(export_plan(self.get_object()))
