from django.contrib import admin

from . import models


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "broker_name"]


@admin.register(models.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "inhabitants"]
    list_filter = ["region"]


@admin.register(models.SchoolBoard)
class SchoolBoardAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]


class LocationInline(admin.TabularInline):
    model = models.Location
    extra = 0


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "brin", "board", "region"]
    search_fields = ["name", "brin"]
    inlines = [LocationInline]


class ContactInline(admin.TabularInline):
    model = models.ContactPerson
    extra = 0


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "non_profit", "verified", "city"]
    list_filter = ["verified", "non_profit", "region"]
    search_fields = ["name"]
    inlines = [ContactInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "municipality", "board", "school", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
