
app_name = "dashboard"
urlpatterns: list = []  # scorecard and charts (see views.py)
