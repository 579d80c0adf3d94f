"""Operators' pages for the shared gardens: every write through ``gardens.services``, with the
rules the coordinators' and gardeners' pages follow."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ServiceAdmin, changes, save_inline, values
from gardens import services
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
from gardens.services import SEASON_FIELDS, WORK_DAY_FIELDS

POSITION_FIELDS = ["latitude", "longitude", "location_status"]
PREFERENCES = [
    "min_area_m2",
    "needs_water_point",
    "needs_raised_bed",
    "needs_accessible",
    "needs_shed",
]


class PlotInline(admin.TabularInline):
    model = Plot
    extra = 0


class SeasonInline(admin.TabularInline):
    model = Season
    extra = 0
    fields = SEASON_FIELDS


def _save_seasons(formset, garden: Garden) -> None:
    save_inline(
        formset,
        create=lambda form: services.create_season(garden=garden, **values(form, SEASON_FIELDS)),
        update=lambda season, form: services.update_season(
            season=season, changes=changes(form, SEASON_FIELDS)
        ),
    )


@admin.register(Garden)
class GardenAdmin(ServiceAdmin):
    """Saved by ``create_garden`` / ``update_garden`` (a new address is located again, the
    position read-only here); seasons by ``create_season`` / ``update_season``."""

    list_display = ["name", "address", "location_status", "is_active"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    readonly_fields = POSITION_FIELDS
    inlines = [SeasonInline, PlotInline]

    def create(self, form):
        return services.create_garden(**values(form, services.GARDEN_FIELDS))

    def update(self, row, form):
        services.update_garden(garden=row, changes=changes(form, services.GARDEN_FIELDS))

    def save_formset(self, request, form, formset, change):
        if formset.model is Season:
            _save_seasons(formset, form.instance)
        else:  # plots: no rule of their own
            super().save_formset(request, form, formset, change)


@admin.register(Season)
class SeasonAdmin(ServiceAdmin):
    """Opened by ``create_season``, changed by ``update_season`` (ordered dates, applications
    closing before the season ends); a season stays in its garden."""

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
    fields = ["garden", *SEASON_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return ["garden"] if obj is not None else []

    def create(self, form):
        garden = form.cleaned_data["garden"]
        return services.create_season(garden=garden, **values(form, SEASON_FIELDS))

    def update(self, row, form):
        services.update_season(season=row, changes=changes(form, SEASON_FIELDS))


FEE_FIELDS = ["fee_paid", "fee_method", "fee_paid_on"]
RESERVATION_FIELDS = ["plot", "season", "gardener"]


@admin.register(Reservation)
class ReservationAdmin(ServiceAdmin):
    """Made by ``reserve_plot``, with the gardeners' rules (an active plot of the season's
    garden, applications open, the plot free, the season's limit). Afterwards only the fee is
    recorded here (``record_fee``); approving, refusing and cancelling are the coordinators'."""

    list_display = ["plot", "season", "gardener", "status", "fee_cents", "fee_paid", "created_at"]
    list_filter = ["status", "fee_paid", "season__garden"]
    search_fields = ["gardener__email", "gardener__full_name", "plot__code"]
    list_select_related = ["plot__garden", "season__garden", "gardener"]
    raw_id_fields = RESERVATION_FIELDS

    def get_fields(self, request, obj=None):
        if obj is None:
            return RESERVATION_FIELDS
        return [*RESERVATION_FIELDS, "status", "fee_cents", *FEE_FIELDS, "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*RESERVATION_FIELDS, "status", "fee_cents", "created_at", "updated_at"]

    def create(self, form):
        return services.reserve_plot(**values(form, RESERVATION_FIELDS))

    def update(self, row, form):
        if changes(form, FEE_FIELDS):
            data = form.cleaned_data
            services.record_fee(
                reservation=row,
                paid=data["fee_paid"],
                method=data["fee_method"],
                paid_on=data["fee_paid_on"],
            )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ServiceAdmin):
    """Entries join by ``join_waitlist`` (once per season, within its limit; a matching free
    plot offered at once after the application window) and leave by ``leave_waitlist`` (an
    open offer passes to the next in line); they change no other way."""

    list_display = ["gardener", "season", "status", "min_area_m2", "created_at"]
    list_filter = ["status", "season__garden"]
    search_fields = ["gardener__email", "gardener__full_name"]
    list_select_related = ["gardener", "season__garden"]
    raw_id_fields = ["gardener", "season"]
    fields = ["gardener", "season", *PREFERENCES, "status", "created_at"]
    actions = ["leave"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ["status", "created_at"]

    def create(self, form):
        return services.join_waitlist(**values(form, ["gardener", "season", *PREFERENCES]))

    def update(self, row, form):
        pass  # an entry leaves the list by the action below, and changes no other way

    @admin.action(description=_("Take the selected gardeners off the waiting list"))
    def leave(self, request, queryset):
        for entry in queryset.order_by("pk"):
            services.leave_waitlist(entry=entry)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """Offers are made, answered and passed on by the services only: read-only here."""

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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WorkDaySignupInline(admin.TabularInline):
    model = WorkDaySignup
    extra = 0
    raw_id_fields = ["gardener"]
    fields = ["gardener", "attended", "hours"]


def _sign_up(work_day: WorkDay, form) -> WorkDaySignup:
    data = form.cleaned_data
    signup = services.sign_up_for_work_day(gardener=data["gardener"], work_day=work_day)
    services.record_attendance(signup=signup, attended=data["attended"], hours=data["hours"])
    return signup


def _change_signup(signup: WorkDaySignup, form) -> None:
    if "gardener" in form.changed_data:  # another gardener in this place
        services.remove_work_day_signup(signup=signup)
        _sign_up(signup.work_day, form)
    else:
        data = form.cleaned_data
        services.record_attendance(signup=signup, attended=data["attended"], hours=data["hours"])


@admin.register(WorkDay)
class WorkDayAdmin(ServiceAdmin):
    """Scheduled by ``schedule_work_day`` (in its season's garden), changed by
    ``update_work_day``; sign-ups by ``sign_up_for_work_day`` (capacity, gardeners of the
    season, before it starts), attendance by ``record_attendance``, removals by
    ``remove_work_day_signup`` (attendance recorded stays)."""

    list_display = ["title", "garden", "season", "starts_at", "hours", "capacity"]
    list_filter = ["garden"]
    inlines = [WorkDaySignupInline]

    def get_fields(self, request, obj=None):
        return (
            ["season", *WORK_DAY_FIELDS] if obj is None else ["garden", "season", *WORK_DAY_FIELDS]
        )

    def get_readonly_fields(self, request, obj=None):
        return ["garden", "season"] if obj is not None else []

    def create(self, form):
        season = form.cleaned_data["season"]
        return services.schedule_work_day(season=season, **values(form, WORK_DAY_FIELDS))

    def update(self, row, form):
        services.update_work_day(work_day=row, changes=changes(form, WORK_DAY_FIELDS))

    def save_formset(self, request, form, formset, change):
        work_day = form.instance
        save_inline(
            formset,
            create=lambda signup_form: _sign_up(work_day, signup_form),
            update=_change_signup,
            delete=lambda signup: services.remove_work_day_signup(signup=signup),
        )
