from django.contrib import admin

from .models import (
    Certificate,
    FollowUpOffer,
    HourEntry,
    HourEntryEvent,
    ImportedRecord,
    PortfolioFile,
    SchoolTransfer,
)


class HourEntryEventInline(admin.TabularInline):
    model = HourEntryEvent
    extra = 0
    readonly_fields = ["action", "actor", "actor_label", "note", "before", "at"]
    can_delete = False


@admin.register(HourEntry)
class HourEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "placement", "minutes", "activity", "status"]
    list_filter = ["status"]
    raw_id_fields = ["placement", "logged_by"]
    inlines = [HourEntryEventInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "student_name", "school_name", "hours", "issued_at", "revoked_at"]
    search_fields = ["code", "student_name"]
    raw_id_fields = ["student", "issued_by"]


@admin.register(PortfolioFile)
class PortfolioFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "student", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["student", "placement", "uploaded_by"]


admin.site.register(FollowUpOffer)
admin.site.register(SchoolTransfer)
admin.site.register(ImportedRecord)
