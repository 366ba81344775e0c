from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<slug:code>/", views.plan_overview, name="overview"),
    path("<slug:code>/co-quan/<str:agency_code>/", views.agency_tasks, name="agency"),
]
