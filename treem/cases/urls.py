"""Case pages under /ho-so/. Each group of pages keeps its own view module; fixed words come before
`<code>/`, so they are never read as a case code."""

from django.urls import path

from . import views_case, views_dashboard, views_export, views_intake, views_list, views_log, views_print

app_name = "cases"
urlpatterns = [
    path("", views_list.case_list, name="list"),
    path("viec-can-lam/", views_list.task_list, name="tasks"),
    path("tiep-nhan/", views_intake.intake, name="intake"),
    path("thong-ke/", views_dashboard.dashboard, name="dashboard"),
    path("nhat-ky-truy-cap/", views_log.access_log, name="access-log"),
    path("xuat.xlsx", views_export.export_cases, name="export"),
    path("<str:code>/", views_case.case_detail, name="detail"),
    path("<str:code>/buoc/<slug:step>/", views_case.record_step, name="record-step"),
    path("<str:code>/chuyen-xa/", views_case.move_case, name="move"),
    path("<str:code>/in/<int:record>.<str:fmt>", views_print.print_form, name="print"),
]
