
app_name = "indicators"
urlpatterns: list = []  # data entry and Excel pages (see views.py)
