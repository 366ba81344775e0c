from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from treem.accounts.api import OwnTokenView
from treem.cases.api import CaseViewSet
from treem.cases.api_counts import CaseCountsView
from treem.indicators.api import DataValueSetNoSlashView, DataValueSetView
from treem.plans.api import EvaluationView, PlanViewSet
from treem.units.api import AgencyViewSet, UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("plans", PlanViewSet, basename="plan")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("dataValueSets/", DataValueSetView.as_view(), name="data-value-sets"),
    path("dataValueSets", DataValueSetNoSlashView.as_view()),
    path("evaluations/", EvaluationView.as_view(), name="evaluations"),
    path("token/", OwnTokenView.as_view(), name="api-token"),
    path("case-counts/", CaseCountsView.as_view(), name="case-counts"),
    *router.urls,
]
