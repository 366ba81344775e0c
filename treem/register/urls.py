"""The register's pages, under /so-theo-doi/ (treem.urls). Every page needs the case scope and the second
factor, like the case pages (treem.cases)."""

from django.urls import path

from . import views_child, views_eligible, views_list, views_upload

app_name = "register"

urlpatterns = [
    path("", views_list.child_list, name="list"),
    path("tre-em/moi/", views_child.child_create, name="create"),
    path("tre-em/<int:pk>/", views_child.child_detail, name="detail"),
    path("tre-em/<int:pk>/sua/", views_child.child_edit, name="edit"),
    path("tre-em/<int:pk>/hoan-canh/", views_child.circumstance_add, name="circumstance-add"),
    path(
        "tre-em/<int:pk>/hoan-canh/<int:item>/ket-thuc/",
        views_child.circumstance_end,
        name="circumstance-end",
    ),
    path("tre-em/<int:pk>/ho-tro/", views_child.support_add, name="support-add"),
    path("tre-em/<int:pk>/ho-tro/<int:item>/ket-thuc/", views_child.support_end, name="support-end"),
    path("chua-duoc-huong/", views_eligible.eligible_list, name="eligible"),
    path("tai-len/", views_upload.upload, name="upload"),
    path("tai-len/mau/", views_upload.upload_template, name="upload-template"),
    path("tai-len/<int:pk>/", views_upload.upload_preview, name="upload-preview"),
]
