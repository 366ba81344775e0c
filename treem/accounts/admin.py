from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "unit", "agency", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["unit", "agency"]
    fieldsets = [*BaseUserAdmin.fieldsets, (_("Vai trò và phạm vi"), {"fields": ["role", "unit", "agency"]})]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Vai trò và phạm vi"), {"fields": ["role", "unit", "agency"]}),
    ]
