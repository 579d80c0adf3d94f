"""Every write about AMAP subscriptions: seasons, subscribing and paying, skips and pauses,
the waiting list, the weekly basket orders."""

from subscriptions.services.baskets import cancel_basket, generate_basket_orders, make_basket_order
from subscriptions.services.seasons import (
    create_season,
    first_week,
    monday,
    places_left,
    season_price,
)
from subscriptions.services.skips import (
    pause_subscription,
    skip_deadlines,
    skip_week,
    unskip_week,
    weeks_to_credit,
)
from subscriptions.services.subscribing import (
    SubscriptionPayResult,
    apply_subscription_payment,
    cancel_subscription,
    expire_pending_subscriptions,
    pay_subscription,
    refresh_subscription_payment,
    subscribe,
)
from subscriptions.services.waitlist import (
    decline_offer,
    expire_waitlist_offers,
    join_waitlist,
    offer_free_places,
)

__all__ = [
    "SubscriptionPayResult",
    "apply_subscription_payment",
    "cancel_basket",
    "cancel_subscription",
    "create_season",
    "decline_offer",
    "expire_pending_subscriptions",
    "expire_waitlist_offers",
    "first_week",
    "generate_basket_orders",
    "join_waitlist",
    "make_basket_order",
    "monday",
    "offer_free_places",
    "pause_subscription",
    "pay_subscription",
    "places_left",
    "refresh_subscription_payment",
    "season_price",
    "skip_deadlines",
    "skip_week",
    "subscribe",
    "unskip_week",
    "weeks_to_credit",
]
