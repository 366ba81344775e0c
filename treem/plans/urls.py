from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("nhiem-vu-cua-toi/", views.my_tasks, name="mine"),  # before <slug:code>/, which would match it
    path("<slug:code>/", views.plan_overview, name="overview"),
    path("<slug:code>/co-quan/<str:agency_code>/", views.agency_tasks, name="agency"),
]
