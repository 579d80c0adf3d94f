"""Orders' models, one module per theme; import them from ``orders.models``."""

from orders.models.orders import (
    ACTIVE_STATUSES,
    Order,
    OrderLine,
    Payment,
    Refund,
    StripeCustomer,
    StripeEvent,
)

__all__ = [
    "ACTIVE_STATUSES",
    "Order",
    "OrderLine",
    "Payment",
    "Refund",
    "StripeCustomer",
    "StripeEvent",
]
