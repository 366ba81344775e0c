"""The second factor (TOTP) pages of the roles that open case records: set up, then verify."""

from django.urls import path

from . import views_otp

app_name = "otp"
urlpatterns = [
    path("", views_otp.verify, name="verify"),
    path("thiet-lap/", views_otp.setup, name="setup"),
]
