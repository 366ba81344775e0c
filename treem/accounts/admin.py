from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import change_user_access

ACCESS_FIELDS = {"role", "unit", "agency"}

# The admin site's headings (app and model names come from verbose names; docs/i18n.md).
admin.site.site_header = _("Quản trị treem")
admin.site.site_title = _("Quản trị treem")
admin.site.index_title = _("Trang quản trị")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "unit", "agency", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["unit", "agency"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        (_("Vai trò và phạm vi"), {"fields": ["role", "unit", "agency"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Vai trò và phạm vi"), {"fields": ["role", "unit", "agency"]}),
    ]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        """A new user, or a change of role, unit or agency, is saved through the service that records it
        in the audit log."""
        if change and not ACCESS_FIELDS & set(form.changed_data):
            super().save_model(request, obj, form, change)
            return
        change_user_access(obj, role=obj.role, unit=obj.unit, agency=obj.agency, by=request.user)
