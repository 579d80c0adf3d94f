"""Orders in the admin: read-only, they change through the services (stock and money follow).
Settlements show what each order's card money still owes or is owed after the close; the
audit trail of lines is read-only."""

from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.errors import DomainError
from orders.models import LineChange, Order, OrderLine, Settlement
from orders.services.closing import settle_order


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in OrderLine._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "household", "distribution", "status", "total_cents", "created_at"]
    list_filter = ["status"]
    search_fields = ["household__email", "id"]
    list_select_related = ["household", "distribution__pickup_point"]
    readonly_fields = [*(f.name for f in Order._meta.fields), "payments", "settlement_state"]
    inlines = [OrderLineInline]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("payments"))
    def payments(self, order: Order) -> str:
        return format_html_join(
            "",
            "<div>{} · {} · {} c · {}</div>",
            (
                (p.intent_id or p.idempotency_key, p.status, p.amount_cents, p.created_at)
                for p in order.payments
            ),
        )

    @admin.display(description=_("settlement"))
    def settlement_state(self, order: Order) -> str:
        settlement = Settlement.objects.filter(order=order).first()
        return "—" if settlement is None else str(settlement)


@admin.register(LineChange)
class LineChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "line_order",
        "line",
        "actor",
        "reason",
        "quantity_before",
        "quantity_after",
    ]
    list_filter = ["reason"]
    search_fields = ["line__order__id", "line__product_name", "actor__email"]
    list_select_related = ["line", "actor"]

    @admin.display(description=_("order"))
    def line_order(self, change: LineChange) -> str:
        return f"#{change.line.order_id}"


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    """What is left to do per order after the close: pending rows are settled by their task
    or the sweep; "settle now" runs the same service."""

    list_display = [
        "order",
        "status",
        "card_keep_cents",
        "round",
        "reason",
        "attempts",
        "last_error",
        "updated_at",
        "settled_at",
    ]
    list_filter = ["status", "reason"]
    search_fields = ["order__id", "order__household__email"]
    list_select_related = ["order"]
    actions = ["settle_now"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and request.user.has_perm("orders.change_settlement")

    @admin.action(description=_("Settle now"))
    def settle_now(self, request, queryset):
        settled = failed = 0
        for order_id in queryset.values_list("order_id", flat=True):
            try:
                settled += settle_order(order_id=order_id)
            except DomainError:
                failed += 1
        self.message_user(
            request,
            ngettext("%(count)d order settled.", "%(count)d orders settled.", settled)
            % {"count": settled},
        )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d order could not be settled; it stays pending.",
                    "%(count)d orders could not be settled; they stay pending.",
                    failed,
                )
                % {"count": failed},
                level=messages.WARNING,
            )
