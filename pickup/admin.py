"""Operators' pages for pickup points, their farms and distributions: writes through the
services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ServiceAdmin, changes, values
from common.errors import DomainError
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.services import (
    OPERATOR_EDITABLE_FIELDS,
    create_pickup_point,
    decide_supply,
    move_distribution,
    update_pickup_point,
)

POSITION_FIELDS = ["latitude", "longitude", "location_status"]


@admin.register(PickupPoint)
class PickupPointAdmin(ServiceAdmin):
    """Saved by ``create_pickup_point`` / ``update_pickup_point`` (ordering opens before it
    closes; a new address is geocoded after the save, the position read-only here)."""

    list_display = ["name", "address", "location_status", "capacity", "is_active"]
    list_filter = ["is_active", "location_status"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["hosts"]
    readonly_fields = POSITION_FIELDS

    def create(self, form):
        return create_pickup_point(**values(form, OPERATOR_EDITABLE_FIELDS))

    def update(self, row, form):
        changed = changes(form, OPERATOR_EDITABLE_FIELDS)
        update_pickup_point(pickup_point=row, changes=changed, operator=True)


def _each(modeladmin, request, queryset, action) -> None:
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            action(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d row updated.", "%(count)d rows updated.", done) % {"count": done},
        )


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    """Decisions go through the same service as the hosts' (distance limit re-checked)."""

    list_display = ["producer", "pickup_point", "status", "distance_km", "requested_at"]
    list_filter = ["status", "pickup_point", "producer"]
    search_fields = ["producer__name", "pickup_point__name"]
    list_select_related = ["producer", "pickup_point"]
    readonly_fields = [
        "producer",
        "pickup_point",
        "status",
        "distance_km",
        "requested_at",
        "decided_at",
        "decided_by",
    ]
    actions = ["approve", "refuse"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Approve the selected farms"))
    def approve(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda s: decide_supply(supplier=s, decided_by=request.user, approve=True),
        )

    @admin.action(description=_("Refuse the selected farms"))
    def refuse(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda s: decide_supply(supplier=s, decided_by=request.user, approve=False),
        )


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    """Hosts schedule distributions; operators watch them and move their status here."""

    list_display = ["pickup_point", "starts_at", "opens_at", "cutoff_at", "status"]
    list_filter = ["status", "pickup_point", ("starts_at", admin.DateFieldListFilter)]
    date_hierarchy = "starts_at"
    search_fields = ["pickup_point__name"]
    list_select_related = ["pickup_point"]
    readonly_fields = [
        "pickup_point",
        "week",
        "starts_at",
        "ends_at",
        "opens_at",
        "cutoff_at",
        "status",
    ]
    actions = ["open_now", "cancel"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Open the selected distributions for orders"))
    def open_now(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda d: move_distribution(distribution=d, to=Distribution.Status.OPEN),
        )

    @admin.action(description=_("Cancel the selected distributions"))
    def cancel(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda d: move_distribution(distribution=d, to=Distribution.Status.CANCELLED),
        )
