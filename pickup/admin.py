from django.contrib import admin

from pickup.models import PickupPoint


@admin.register(PickupPoint)
class PickupPointAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "location_status", "capacity", "is_active"]
    list_filter = ["is_active", "location_status"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["hosts"]
