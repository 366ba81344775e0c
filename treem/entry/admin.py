from django.contrib import admin

from .models import StagedImport


@admin.register(StagedImport)
class StagedImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "created_by", "created_at", "applied_at"]
    readonly_fields = ["kind", "created_by", "created_at", "filename", "payload", "applied_at"]
