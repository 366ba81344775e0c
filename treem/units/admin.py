from django.contrib import admin

from .models import AdministrativeUnit, Agency, AgencySuccession, UnitSuccession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "unit_type", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "unit_type"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]

    def has_delete_permission(self, request, obj=None):
        return False  # units are never deleted; set valid_to instead


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "unit", "valid_from", "valid_to", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    filter_horizontal = ["members"]
    raw_id_fields = ["unit"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "since", "partial"]
    list_filter = ["partial", "since"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "since", "duty"]
    search_fields = ["predecessor__code", "successor__code", "duty"]
    raw_id_fields = ["predecessor", "successor"]
