"""Every write about orders: placing, paying, Stripe's webhook, closing the sale."""

from orders.services.closing import close_distribution, close_due_distributions, split_fees
from orders.services.handover import (
    cancel_distribution,
    claim_due_reminders,
    mark_collected,
    mark_due_no_shows,
    mark_no_shows,
    undo_collected,
)
from orders.services.paying import (
    Checkout,
    PayResult,
    checkout,
    handle_stripe_event,
    pay_order,
    refresh_payment,
    refund,
    stripe_customer,
    sync_payment,
)
from orders.services.placing import (
    cancel_order,
    change_order,
    expire_order,
    expire_unpaid_orders,
    order_changeable,
    ordering_open,
    place_order,
)

__all__ = [
    "Checkout",
    "PayResult",
    "cancel_distribution",
    "cancel_order",
    "change_order",
    "checkout",
    "claim_due_reminders",
    "close_distribution",
    "close_due_distributions",
    "expire_order",
    "expire_unpaid_orders",
    "handle_stripe_event",
    "mark_collected",
    "mark_due_no_shows",
    "mark_no_shows",
    "order_changeable",
    "ordering_open",
    "pay_order",
    "place_order",
    "refresh_payment",
    "refund",
    "split_fees",
    "stripe_customer",
    "sync_payment",
    "undo_collected",
]
