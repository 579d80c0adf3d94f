from django.contrib import admin

from gardens.models import (
    Garden,
    Offer,
    Plot,
    Reservation,
    Season,
    WaitlistEntry,
    WorkDay,
    WorkDaySignup,
)
from gardens.services import update_garden_address


class PlotInline(admin.TabularInline):
    model = Plot
    extra = 0


class SeasonInline(admin.TabularInline):
    model = Season
    extra = 0
    fields = [
        "name",
        "starts_on",
        "ends_on",
        "applications_open_on",
        "applications_close_on",
        "fee_cents",
        "fee_basis",
        "max_plots_per_gardener",
        "approval_required",
        "required_work_hours",
    ]


@admin.register(Garden)
class GardenAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "location_status", "is_active"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    inlines = [SeasonInline, PlotInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "address" in form.changed_data:
            update_garden_address(garden=obj, address=obj.address)


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "garden",
        "starts_on",
        "ends_on",
        "applications_open_on",
        "applications_close_on",
        "fee_cents",
        "max_plots_per_gardener",
        "approval_required",
    ]
    list_filter = ["garden"]


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    """Read-mostly: reservations change through the services (pages and API)."""

    list_display = ["plot", "season", "gardener", "status", "fee_cents", "fee_paid", "created_at"]
    list_filter = ["status", "fee_paid", "season__garden"]
    search_fields = ["gardener__email", "gardener__full_name", "plot__code"]
    list_select_related = ["plot__garden", "season__garden", "gardener"]
    raw_id_fields = ["gardener", "plot", "season"]
    readonly_fields = ["status", "created_at", "updated_at"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["gardener", "season", "status", "min_area_m2", "created_at"]
    list_filter = ["status", "season__garden"]
    search_fields = ["gardener__email", "gardener__full_name"]
    list_select_related = ["gardener", "season__garden"]
    raw_id_fields = ["gardener", "season"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["plot", "season", "entry", "status", "expires_at", "answered_at"]
    list_filter = ["status", "season__garden"]
    list_select_related = ["plot__garden", "season__garden", "entry__gardener"]
    readonly_fields = [
        "entry",
        "season",
        "plot",
        "status",
        "expires_at",
        "created_at",
        "answered_at",
        "reservation",
    ]


class WorkDaySignupInline(admin.TabularInline):
    model = WorkDaySignup
    extra = 0
    raw_id_fields = ["gardener"]


@admin.register(WorkDay)
class WorkDayAdmin(admin.ModelAdmin):
    list_display = ["title", "garden", "season", "starts_at", "hours", "capacity"]
    list_filter = ["garden"]
    inlines = [WorkDaySignupInline]
