"""Orders' models, one module per theme; import them from ``orders.models``."""

from orders.models.credit import CreditEntry, CreditPreference
from orders.models.orders import (
    ACTIVE_STATUSES,
    LIVE_PAYMENT_STATUSES,
    SOLD_STATUSES,
    Order,
    OrderLine,
    Payment,
    PickupCode,
    Refund,
    StripeCustomer,
    StripeEvent,
)
from orders.models.subscriptions import (
    BasketOrder,
    BasketSeason,
    Subscription,
    SubscriptionPause,
    SubscriptionSkip,
    SubscriptionWaitlistEntry,
)

__all__ = [
    "ACTIVE_STATUSES",
    "LIVE_PAYMENT_STATUSES",
    "SOLD_STATUSES",
    "BasketOrder",
    "BasketSeason",
    "CreditEntry",
    "CreditPreference",
    "Order",
    "OrderLine",
    "Payment",
    "PickupCode",
    "Refund",
    "StripeCustomer",
    "StripeEvent",
    "Subscription",
    "SubscriptionPause",
    "SubscriptionSkip",
    "SubscriptionWaitlistEntry",
]
