from django.contrib import admin

from .models import AuditEvent, ScheduledJob


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "fields"]
    list_filter = ["action", "object_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "last_outcome"]
    readonly_fields = ["name", "last_started_at", "last_finished_at", "last_outcome"]

    def has_add_permission(self, request):
        return False
