from django.contrib import admin

from producers.models import Producer


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "location_status", "minimum_order_cents", "is_active"]
    list_filter = ["is_active", "location_status"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
