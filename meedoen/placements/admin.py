from django.contrib import admin

from .models import Placement


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["student", "organisation", "status", "start_date"]
    list_filter = ["status"]
    raw_id_fields = ["student"]
