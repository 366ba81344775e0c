from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("chi-tiet/<str:indicator_code>/", views.drilldown, name="drilldown"),
    path("bieu-do/<str:indicator_code>/", views.chart, name="chart"),
]
