from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from treem.accounts.api import OwnTokenView
from treem.accounts.api_dhis2 import MeView, SystemInfoView
from treem.cases.api import CaseViewSet
from treem.cases.api_counts import CaseCountsView
from treem.indicators.api import DataValueSetView
from treem.plans.api import EvaluationView, PlanViewSet
from treem.units.api import AgencyViewSet, UnitViewSet

DHIS2_PREFIX = r"^(?:(?P<api_version>[1-9][0-9])/)?"  # DHIS2 API versions 28 … 4x

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("plans", PlanViewSet, basename="plan")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # DHIS2's own paths, as its clients write them: with or without the trailing slash, with a .json or .csv
    # suffix, under an API version (/api/40/dataValueSets). `api_version` and `suffix` reach the view. The
    # schema documents the plain path once (the variants would show as a `{suffix}` path parameter).
    path("dataValueSets/", DataValueSetView.as_view(), name="data-value-sets-plain"),
    re_path(
        DHIS2_PREFIX + r"dataValueSets(?P<suffix>/|\.json|\.csv)?$",
        DataValueSetView.as_view(schema=None),
        name="data-value-sets",
    ),
    path("system/info", SystemInfoView.as_view(), name="system-info-plain"),
    re_path(
        DHIS2_PREFIX + r"system/info(?P<suffix>\.json)?/?$",
        SystemInfoView.as_view(schema=None),
        name="system-info",
    ),
    path("me", MeView.as_view(), name="me-plain"),
    re_path(DHIS2_PREFIX + r"me(?P<suffix>\.json)?/?$", MeView.as_view(schema=None), name="me"),
    path("evaluations/", EvaluationView.as_view(), name="evaluations"),
    path("token/", OwnTokenView.as_view(), name="api-token"),
    path("case-counts/", CaseCountsView.as_view(), name="case-counts"),
    *router.urls,
]
