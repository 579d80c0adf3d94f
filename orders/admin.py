"""Orders in the admin: read-only, they change through the services (stock and money follow)."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderLine


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
    readonly_fields = [*(f.name for f in Order._meta.fields), "payments"]
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
