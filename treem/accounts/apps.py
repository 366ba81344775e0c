from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "treem.accounts"
    default_auto_field = "django.db.models.BigAutoField"
