from django.urls import path

from . import views

app_name = "entry"
PAGE = "<str:agency>/<str:period>/<str:unit>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(PAGE, views.entry, name="entry"),
    path(PAGE + "o/<str:row>/<str:element>/<str:combo>/", views.cell, name="cell"),
    path(PAGE + "hoan-thanh/", views.complete, name="complete"),
    path(PAGE + "mau.xlsx", views.template, name="template"),
    path(PAGE + "tai-len/", views.upload, name="upload"),
    path(PAGE + "tai-len/<int:pk>/", views.upload_status, name="upload_status"),
    path(PAGE + "tai-len/<int:pk>/xac-nhan/", views.confirm, name="confirm"),
]
