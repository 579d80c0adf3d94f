from django.contrib import admin

from gardens.models import Garden, Plot


class PlotInline(admin.TabularInline):
    model = Plot
    extra = 0


@admin.register(Garden)
class GardenAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "location_status", "is_active"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    inlines = [PlotInline]
