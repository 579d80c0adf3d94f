from django.contrib import admin

from orders.models import Order, OrderLine, Payment, Refund, StripeCustomer, StripeEvent


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in OrderLine._meta.fields]


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only: orders change through the services (stock and money follow)."""

    list_display = ["id", "household", "distribution", "status", "total_cents", "created_at"]
    list_filter = ["status"]
    search_fields = ["household__email", "id"]
    list_select_related = ["household", "distribution__pickup_point"]
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderLineInline, PaymentInline]

    def has_add_permission(self, request):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["key", "reason", "amount_cents", "stripe_refund_id", "created_at"]
    readonly_fields = [f.name for f in Refund._meta.fields]


admin.site.register(StripeEvent, list_display=["event_id", "type", "received_at"])
admin.site.register(StripeCustomer, list_display=["user", "customer_id", "card_last4"])


# --- Subscriptions and credit (issue 6): read-mostly; every change goes through the services.
from orders.models import (  # noqa: E402
    BasketSeason,
    CreditEntry,
    Subscription,
    SubscriptionWaitlistEntry,
)


@admin.register(BasketSeason)
class BasketSeasonAdmin(admin.ModelAdmin):
    list_display = ["product", "starts_on", "ends_on", "price_cents", "max_subscribers"]
    list_select_related = ["product"]
    filter_horizontal = ["pickup_points"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["household", "season", "pickup_point", "status", "first_week", "total_cents"]
    list_filter = ["status"]
    list_select_related = ["household", "season__product", "pickup_point"]
    readonly_fields = [f.name for f in Subscription._meta.fields]


@admin.register(CreditEntry)
class CreditEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: rows are never edited nor deleted here."""

    list_display = ["household", "amount_cents", "reason", "reference", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["household"]
    readonly_fields = [f.name for f in CreditEntry._meta.fields]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SubscriptionWaitlistEntry)
class SubscriptionWaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["household", "season", "status", "offer_expires_at"]
    list_filter = ["status"]
    list_select_related = ["household", "season__product"]
