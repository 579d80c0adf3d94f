"""Each week's basket orders: made when a distribution is open, one per active subscription.

State-driven and idempotent (periodic task): for every open distribution, each active
subscription at its point whose week is paid, not skipped and without a basket order gets one.
The subscription row is locked, then the unique (subscription, distribution) and
(subscription, week) constraints decide inside a savepoint, so two runs at once make one order.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.services.prepaid import cancel_prepaid_lines, place_prepaid_order
from pickup.models import Distribution
from producers.models import Catalogue, Offer
from subscriptions.errors import BasketSoldOut
from subscriptions.models import BasketOrder, Subscription

logger = logging.getLogger(__name__)


def basket_offer(*, subscription: Subscription, week: date) -> Offer | None:
    """The producer's offer of the basket product in that week's published catalogue."""
    return (
        Offer.objects.filter(
            catalogue__week=week,
            catalogue__status=Catalogue.Status.PUBLISHED,
            product_id=subscription.season.product_id,
        )
        .select_related("product", "catalogue__producer")
        .first()
    )


def due_subscriptions(distribution: Distribution):
    """Active subscriptions at the distribution's point owing a basket that week."""
    week = distribution.week
    return (
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE,
            pickup_point_id=distribution.pickup_point_id,
            first_week__lte=week,
            season__ends_on__gte=week,
        )
        .exclude(skips__week=week)
        .exclude(basket_orders__week=week)
        .order_by("pk")
    )


def given_up(basket: BasketOrder, distribution: Distribution) -> bool:
    """A basket order whose basket a skip cancelled (its prepayment went back to the season),
    at ``distribution``: made again with a new order if the week is no longer skipped."""
    return basket.distribution_id == distribution.pk and basket.order.prepaid_cents == 0


def holds_basket(basket: BasketOrder | None) -> bool:
    """The basket order still brings the week's basket (its prepayment is in it)."""
    return basket is not None and basket.order.prepaid_cents > 0


@transaction.atomic
def make_basket_order(*, subscription_id: int, distribution_id: int) -> BasketOrder | None:
    """The basket order of one subscription at one distribution, made once.

    Born paid (the season is prepaid): one line of the basket product at the subscription's
    weekly price, placed by :func:`orders.services.prepaid.place_prepaid_order` (stock taken
    from the producer's basket offer with a conditional UPDATE).
    Returns the existing one when already made; None when the week is skipped, the
    subscription inactive, or the basket offer missing or sold out (logged; retried next run).
    A basket order a skip cancelled (:func:`given_up`) is made again once the skip is undone:
    a new prepaid order, the cancelled one kept as it is (returned as it is when the week is
    still skipped or the basket cannot be made). Locks the subscription row, then the offer.
    """
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("season__product__producer")
        .get(pk=subscription_id)
    )
    distribution = Distribution.objects.get(pk=distribution_id)
    week = distribution.week
    existing = (
        BasketOrder.objects.filter(subscription=subscription, week=week)
        .select_related("order")
        .first()
    )
    if existing is not None and not given_up(existing, distribution):
        return existing
    if (
        subscription.status != Subscription.Status.ACTIVE
        or distribution.status != Distribution.Status.OPEN
        or distribution.pickup_point_id != subscription.pickup_point_id
        or not subscription.first_week <= week <= subscription.season.ends_on
        or subscription.skips.filter(week=week).exists()
        or subscription.credited_weeks.filter(week=week).exists()
    ):
        return existing
    offer = basket_offer(subscription=subscription, week=week)
    if offer is None:
        logger.warning("no basket offer for subscription %s week %s", subscription.pk, week)
        return existing
    key = f"basket-{subscription.pk}-{distribution.pk}"
    if existing is not None:  # its first order stays, cancelled, in the household's history
        key = f"{key}-after-{existing.order_id}"
    try:
        with transaction.atomic():
            order = place_prepaid_order(
                household_id=subscription.household_id,
                distribution=distribution,
                offer=offer,
                unit_price_cents=subscription.price_cents,
                key=key,
            )
            if order is None:
                logger.warning(
                    "basket offer %s sold out (subscription %s)", offer.pk, subscription.pk
                )
                return existing
            if existing is not None:
                existing.order = order
                existing.save(update_fields=["order"])
                return existing
            return BasketOrder.objects.create(
                subscription=subscription, distribution=distribution, week=week, order=order
            )
    except IntegrityError:  # made meanwhile by a twin run: the constraints decided
        return BasketOrder.objects.filter(subscription=subscription, week=week).first()


def generate_basket_orders() -> list[int]:
    """Periodic task: basket orders for every open distribution (ordering window open), each
    in its own transaction. Returns the basket orders made or found."""
    now = timezone.now()
    made = []
    open_ = Distribution.objects.filter(
        status=Distribution.Status.OPEN, opens_at__lte=now, cutoff_at__gt=now
    ).order_by("pk")
    for distribution in open_:
        for pk in due_subscriptions(distribution).values_list("pk", flat=True):
            basket = make_basket_order(subscription_id=pk, distribution_id=distribution.pk)
            if basket is not None:
                made.append(basket.pk)
    return made


def cancel_basket(*, subscription: Subscription, week: date) -> bool:
    """A week skipped after its basket order was made: the basket line is cancelled and its
    stock given back (add-ons stay). Runs in the caller's transaction."""
    basket = BasketOrder.objects.filter(subscription=subscription, week=week).first()
    if basket is None:
        return False
    return cancel_prepaid_lines(order_id=basket.order_id, product_id=subscription.season.product_id)


def restore_basket(*, subscription: Subscription, week: date) -> BasketOrder | None:
    """A skip undone: the week's basket order is made now if a distribution of the week at the
    subscription's point takes orders (the one a cancelled basket order was at, if any);
    otherwise the periodic pass makes it when the sale opens. Refuses (``basket_sold_out``)
    when the sale is open but the basket cannot be had. Runs in the caller's transaction,
    the subscription locked."""
    now = timezone.now()
    basket = BasketOrder.objects.filter(subscription=subscription, week=week).first()
    distributions = Distribution.objects.filter(
        pickup_point_id=subscription.pickup_point_id,
        week=week,
        status=Distribution.Status.OPEN,
        opens_at__lte=now,
        cutoff_at__gt=now,
    ).order_by("pk")
    if basket is not None:
        distributions = distributions.filter(pk=basket.distribution_id)
    distribution = distributions.first()
    if distribution is None:
        return basket
    basket = make_basket_order(subscription_id=subscription.pk, distribution_id=distribution.pk)
    if basket is not None and not holds_basket(basket):
        raise BasketSoldOut()
    if basket is None and basket_offer(subscription=subscription, week=week) is not None:
        raise BasketSoldOut()  # on sale, but none left
    return basket
