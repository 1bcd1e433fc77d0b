from django.contrib import admin

from . import models


@admin.register(models.Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["school", "school_year", "year_of_study", "level", "required_hours"]
    list_filter = ["school_year", "level"]


@admin.register(models.SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "cohort"]
    search_fields = ["name"]


class GuardianInline(admin.TabularInline):
    model = models.Guardian
    extra = 0


@admin.register(models.Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["student_number", "last_name", "first_name", "school", "school_class"]
    search_fields = ["student_number", "last_name"]
    list_filter = ["school"]
    raw_id_fields = ["school_class", "user"]
    inlines = [GuardianInline]


@admin.register(models.AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    list_display = ["grantee", "school", "school_class", "student", "expires_at", "revoked_at"]
    raw_id_fields = ["student", "grantee", "granted_by", "revoked_by", "school_class"]
