from django.urls import path

from . import views, views_draft, views_draft_edit

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("nhiem-vu-cua-toi/", views.my_tasks, name="mine"),  # before <slug:code>/, which would match it
    path("<slug:code>/", views.plan_overview, name="overview"),
    path("<slug:code>/co-quan/<str:agency_code>/", views.agency_tasks, name="agency"),
    # the draft editor (docs/plan-editor.md)
    path("<slug:code>/du-thao/", views_draft.draft_overview, name="draft"),
    path("<slug:code>/du-thao/thay-doi/", views_draft.draft_changes, name="draft-changes"),
    path("<slug:code>/du-thao/ban-hanh/", views_draft.draft_issue, name="draft-issue"),
    path("<slug:code>/du-thao/tai-yaml/", views_draft.draft_yaml, name="draft-yaml"),
    path("<slug:code>/du-thao/muc-tieu/<str:target>/", views_draft_edit.edit_target, name="draft-target"),
    path(
        "<slug:code>/du-thao/chi-tieu/<str:indicator>/",
        views_draft_edit.edit_indicator,
        name="draft-indicator",
    ),
    path("<slug:code>/du-thao/nhiem-vu/<str:task>/", views_draft_edit.edit_task, name="draft-task"),
    path(
        "<slug:code>/du-thao/thoi-han/<str:milestone>/",
        views_draft_edit.edit_milestone,
        name="draft-milestone",
    ),
    path("<slug:code>/du-thao/kinh-phi/", views_draft_edit.edit_funding, name="draft-funding"),
]
