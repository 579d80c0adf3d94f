"""Reads about orders shared by pages and API, with their joins and prefetches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from common.money import times
from orders.models import (
    ACTIVE_STATUSES,
    LINE_CENTS,
    PAYMENT_KIND,
    SOLD_STATUSES,
    Order,
    OrderLine,
)
from orders.receipts import Receipt, build_receipt, order_credit_references
from payments.models import CreditEntry, Payment, Refund, SavedCard
from pickup.models import Distribution
from pickup.selectors import catalogue_offers
from producers.models import Offer, Producer


def shows_pickup_code(order: Order) -> bool:
    """Whether the household is shown the order's pickup code (and its QR code): the order has
    one and is to be handed over — paid, confirmed at the close, or not collected in time (a
    late household still collects it: the handover takes no-shows)."""
    return bool(order.pickup_code) and order.status in (Order.Status.PAID, *SOLD_STATUSES)


def household_orders(*, user: User) -> QuerySet[Order]:
    """The user's own orders (none for anonymous users), newest first, lines prefetched."""
    if not user.is_authenticated:
        return Order.objects.none()
    return (
        Order.objects.filter(household=user)
        .select_related("distribution__pickup_point")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
        .order_by("-created_at", "-pk")
    )


def household_order(*, user: User, pk: int) -> Order:
    """One of the user's orders; anybody else's is a 404."""
    return get_object_or_404(household_orders(user=user), pk=pk)


def receipt_order(*, user: User, pk: int) -> Order:
    """An order whose receipt ``user`` may read: their own, or any for staff; else a 404."""
    if not user.is_authenticated:
        raise Http404
    orders = Order.objects.select_related("distribution__pickup_point", "household")
    if not user.is_staff:
        orders = orders.filter(household=user)
    return get_object_or_404(orders, pk=pk)


def receipt(order: Order) -> Receipt:
    """The order's receipt (``orders.receipts``), read from its lines and the ledgers: the
    order's payments and their refunds, the household's credit movements about the order, the
    household's saved card (to name the card that paid). Five queries, whatever the rows."""
    lines = order.lines.select_related("producer").order_by("producer_name", "product_name", "pk")
    payments = list(Payment.objects.filter(purpose_kind=PAYMENT_KIND, purpose_id=order.pk))
    prefixes, exact = order_credit_references(order, payments)
    about = Q(reference__in=exact)
    for prefix in prefixes:
        about |= Q(reference__startswith=prefix)
    credit = CreditEntry.objects.filter(about, household_id=order.household_id).order_by(
        "created_at", "pk"
    )
    return build_receipt(
        order=order,
        lines=lines,
        payments=payments,
        refunds=Refund.objects.filter(payment__in=payments).order_by("created_at", "pk"),
        credit_entries=credit,
        saved_cards=SavedCard.objects.filter(
            customer__user_id=order.household_id,
            payment_method_id__in=[p.payment_method_id for p in payments if p.payment_method_id],
        ).in_bulk(field_name="payment_method_id"),
    )


# Orders that still go into the household's bag (or went, or were missed).
LIVE_STATUSES = (*ACTIVE_STATUSES, Order.Status.NO_SHOW)


@dataclass
class HouseholdCollection:
    """A household's orders at one distribution: collected together, with one pickup code."""

    distribution: Distribution
    orders: list[Order] = field(default_factory=list)

    @property
    def pickup_code(self) -> str:
        return next((o.pickup_code for o in self.orders if o.status in LIVE_STATUSES), "")

    @property
    def live_orders(self) -> int:
        return sum(1 for o in self.orders if o.status in LIVE_STATUSES)


def household_collections(*, user: User) -> list[HouseholdCollection]:
    """The user's orders grouped by distribution (one collection each: one code, one bag),
    the latest distribution first. The same two queries as :func:`household_orders`."""
    groups: dict[int, HouseholdCollection] = {}
    for order in household_orders(user=user):
        group = groups.setdefault(order.distribution_id, HouseholdCollection(order.distribution))
        group.orders.append(order)
    return sorted(
        groups.values(), key=lambda g: (g.distribution.starts_at, g.distribution.pk), reverse=True
    )


@dataclass(frozen=True)
class CurrentOrders:
    count: int
    to_pay: int


def current_orders(*, user: User) -> CurrentOrders:
    """How many of the user's orders are still to come (placed, paid or confirmed, at a
    distribution that has not ended) and how many of them wait for payment. One query."""
    counts = Order.objects.filter(
        household=user, status__in=ACTIVE_STATUSES, distribution__ends_at__gt=timezone.now()
    ).aggregate(
        count=Count("pk"), to_pay=Count("pk", filter=Q(status=Order.Status.AWAITING_PAYMENT))
    )
    return CurrentOrders(count=counts["count"], to_pay=counts["to_pay"])


def collected_with(*, order: Order) -> QuerySet[Order]:
    """The household's other live orders at ``order``'s distribution: the same code, the
    same bag."""
    return (
        Order.objects.filter(
            household_id=order.household_id,
            distribution_id=order.distribution_id,
            status__in=LIVE_STATUSES,
        )
        .exclude(pk=order.pk)
        .order_by("pk")
    )


def with_lines(order: Order) -> Order:
    """``order`` with its lines prefetched in pk order: one query, none when they are already
    in memory (a new order from ``place_order`` keeps the lines it wrote)."""
    prefetch_related_objects([order], Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
    return order


# --- The basket on a distribution's catalogue -----------------------------------------------


@dataclass
class BasketLine:
    offer: Offer
    quantity: int

    @property
    def total_cents(self) -> int:
        return times(self.offer.price_cents, self.quantity)


@dataclass
class BasketFarm:
    producer: Producer
    ordered_cents: int  # active lines of other orders at this distribution
    lines: list[BasketLine] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def sold_by_weight(self) -> bool:
        """Some of its lines are sold by weight (their price is an estimate)."""
        return any(line.offer.product.sold_by_weight for line in self.lines)

    @property
    def left_to_unlock_cents(self) -> int:
        """How much more this farm needs (all households together) to reach its minimum."""
        return max(0, self.producer.minimum_order_cents - self.ordered_cents - self.total_cents)


@dataclass
class Basket:
    farms: list[BasketFarm]

    @property
    def total_cents(self) -> int:
        return sum(farm.total_cents for farm in self.farms)

    @property
    def sold_by_weight(self) -> bool:
        return any(farm.sold_by_weight for farm in self.farms)

    @property
    def quantities(self) -> dict[int, int]:
        return {line.offer.pk: line.quantity for farm in self.farms for line in farm.lines}

    def __bool__(self) -> bool:
        return bool(self.farms)


def sold_per_producer(*, distribution: Distribution) -> dict[int, int]:
    """Cents of active lines of paid orders at ``distribution``, per producer (one query):
    what the close counts towards each farm's minimum (an order still unpaid at the cutoff
    is cancelled first, it unlocks nothing)."""
    rows = (
        OrderLine.objects.filter(
            order__distribution=distribution,
            order__status__in=[Order.Status.PAID, Order.Status.CONFIRMED],
            status=OrderLine.Status.ACTIVE,
        )
        .values("producer_id")
        .annotate(cents=Sum(LINE_CENTS))
    )
    return {row["producer_id"]: row["cents"] or 0 for row in rows}


def basket(*, distribution: Distribution, quantities: Mapping[int, int]) -> Basket:
    """The household's basket priced from the distribution's catalogue (offers no longer on
    sale drop out), per farm with what is left to unlock its minimum. Two queries."""
    wanted = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    if not wanted:
        return Basket([])
    sold = sold_per_producer(distribution=distribution)
    farms: dict[int, BasketFarm] = {}
    for offer in catalogue_offers(distribution=distribution).filter(pk__in=wanted):
        producer = offer.catalogue.producer
        farm = farms.setdefault(producer.pk, BasketFarm(producer, sold.get(producer.pk, 0)))
        farm.lines.append(BasketLine(offer, wanted[offer.pk]))
    return Basket(list(farms.values()))
