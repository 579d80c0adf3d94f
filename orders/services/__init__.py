"""Every write about orders: placing, changing and expiring, paying, closing the sale."""

from orders.services.closing import close_distribution, close_due_distributions, split_fees
from orders.services.credit import CreditSplit, credit_split
from orders.services.paying import (
    PayResult,
    pay_order,
    refresh_payment,
    release_or_refund,
    sync_payment,
)
from orders.services.placing import (
    cancel_order,
    change_order,
    expire_order,
    expire_unpaid_orders,
    order_changeable,
    place_order,
)

__all__ = [
    "CreditSplit",
    "PayResult",
    "cancel_order",
    "change_order",
    "close_distribution",
    "close_due_distributions",
    "credit_split",
    "expire_order",
    "expire_unpaid_orders",
    "order_changeable",
    "pay_order",
    "place_order",
    "refresh_payment",
    "release_or_refund",
    "split_fees",
    "sync_payment",
]
