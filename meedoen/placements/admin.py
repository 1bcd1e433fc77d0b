from django.contrib import admin

from .models import (
    AgreementTemplate,
    AgreementVersion,
    Placement,
    PlacementEvent,
    PlacementGroup,
    SchoolPlacementRules,
)


class EventInline(admin.TabularInline):
    model = PlacementEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "actor", "actor_label", "reason", "at"]
    can_delete = False


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["student", "organisation", "status", "source", "start_date"]
    list_filter = ["status", "source"]
    raw_id_fields = ["student", "vacancy", "group", "contact", "organisation"]
    # State changes go through the services (history, capacity, mail): not editable here.
    readonly_fields = ["status", "status_reason", "status_changed_at"]
    inlines = [EventInline]


@admin.register(PlacementGroup)
class PlacementGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "organisation", "start_date"]
    raw_id_fields = ["school_class", "vacancy", "contact", "organisation"]


@admin.register(SchoolPlacementRules)
class SchoolPlacementRulesAdmin(admin.ModelAdmin):
    list_display = ["school", "forbid_commercial", "require_both_guardians"]


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ["school", "kind", "updated_at"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    list_display = ["agreement", "number", "sha256", "created_at", "completed_at"]
    exclude = ["pdf"]
    readonly_fields = ["agreement", "number", "html", "sha256", "data", "created_by"]
