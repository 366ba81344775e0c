from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .policy import area_refusal
from .services import change_user_access

ACCESS_FIELDS = {"role", "unit", "agency"}

# The admin site's headings (app and model names come from verbose names; docs/i18n.md).
admin.site.site_header = _("Quản trị treem")
admin.site.site_title = _("Quản trị treem")
admin.site.index_title = _("Trang quản trị")


class AreaCheckedForm:
    """Refuses a role whose area does not fit it (policy.area_refusal): a district officer on a commune or
    on a district that no longer exists. Checked when a user is made or its role or area changes, so an
    account made before the reform can still be edited otherwise."""

    def _check_area(self, cleaned: dict | None, *, is_new: bool) -> None:
        if cleaned is None:
            return
        changed = set(getattr(self, "changed_data", ()))
        if not is_new and not {"role", "unit"} & changed:
            return
        refusal = area_refusal(cleaned.get("role") or "", cleaned.get("unit"))
        if refusal:
            self.add_error("unit", refusal)  # type: ignore[attr-defined]


class UserAddForm(AreaCheckedForm, AdminUserCreationForm):
    def clean(self) -> dict | None:
        cleaned = super().clean()
        self._check_area(cleaned, is_new=True)
        return cleaned


class UserEditForm(AreaCheckedForm, UserChangeForm):
    def clean(self) -> dict | None:
        cleaned = super().clean()
        self._check_area(cleaned, is_new=False)
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
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
