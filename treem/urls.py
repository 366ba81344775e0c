from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from treem.accounts import views as account_views
from treem.dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/token/", account_views.api_token, name="api-token-page"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ke-hoach/", include("treem.plans.urls")),
    path("don-vi/", include("treem.units.urls")),
    path("so-lieu/", include("treem.entry.urls")),
    path("bang-theo-doi/", include("treem.dashboard.urls")),
    path("bao-cao/", include("treem.reporting.urls")),
    path("nhat-ky/", include("treem.accounts.audit_urls")),
    path("ho-so/", include("treem.cases.urls")),
    path("so-theo-doi/", include("treem.register.urls")),
    path("tai-khoan/xac-thuc/", include("treem.accounts.otp_urls")),
    path("api/", include("treem.api_urls")),
    path("admin/", admin.site.urls),
]
