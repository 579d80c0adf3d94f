"""Demo orders, so that every journey can be walked right after ``seed_demo``, whatever the day.

- **A sale closed today** at the demo host's point (Lille Wazemmes): three households ordered
  from Les Jardins de la Deûle (and the Rucher des Weppes), paid, and the sale closed. Its
  handover and packing list list the orders; the farm's weighing page has the "Courge
  butternut" lines still to weigh, its corrections page the lines it can correct. The
  distribution starts later today at the point's slot (or a few minutes from now when the slot
  has passed; just before midnight that is tomorrow).
- **An order awaiting payment**: the demo household's basket at the point's open
  distribution, placed and not paid (the pay page). It expires like any unpaid order.
- **A subscription with a skipped week**: the demo household holds the large vegetable basket
  of the season and skipped next week (the farm's catalogue of next week is still a draft).

Everything goes through the real services (``place_order``, the credit payment of ``pay_order``,
``close_distribution``, ``subscribe``, ``skip_week``), so the state is what the app makes.
No Stripe server runs while seeding: the demo households pay with credit, given to them first
through ``wallet.add_credit`` (reason ``adjustment``, references ``demo-…``), which is exactly
what each payment then spends. ``manage.py reconcile`` therefore balances.

Idempotent: a closed demo sale already started today is kept; orders are placed with fixed
idempotency keys; the subscription and its skip are looked up before they are made.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from orders.models import Order
from orders.services.closing import close_distribution
from orders.services.paying import claim_order_payment
from orders.services.placing import place_order
from payments.models import CreditEntry
from payments.services.wallet import add_credit, available
from pickup import services as pickup_services
from pickup.models import Distribution, PickupPoint
from pickup.schedule import local_datetime, week_of
from producers.models import Offer

HOST_POINT = "lille-wazemmes"
SLOT = (time(18, 0), time(19, 30))

# Neighbours of the demo household who ordered for today's sale (same password).
NEIGHBOURS = [("famille.martin", "Julie Martin"), ("famille.dubois", "Karim Dubois")]

# What each household ordered for today's sale: (product name, quantity). Les Jardins de la
# Deûle sums 44.20 € over the three orders, above its 40 € minimum; honey has no minimum.
CLOSED_SALE_ORDERS = {
    "foyer": [
        ("Courge butternut", 2),
        ("Carottes des sables", 2),
        ("Pommes de terre Charlotte", 2),
        ("Miel de printemps", 1),
    ],
    "famille.martin": [("Courge butternut", 3), ("Poireaux", 2), ("Mâche", 1)],
    "famille.dubois": [
        ("Courge butternut", 1),
        ("Chicons de pleine terre", 2),
        ("Carottes des sables", 1),
    ],
}
# The order left awaiting payment at the open distribution.
AWAITING_ORDER = [("Baguette de tradition", 2), ("Miel d'été", 1)]


def demo_households(users) -> dict[str, User]:
    households = {"foyer": users["household"]}
    for local_part, full_name in NEIGHBOURS:
        user, created = User.objects.get_or_create(
            email=demo_email(local_part), defaults={"full_name": full_name, "is_active": True}
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        households[local_part] = user
    return households


def demo_lines(distribution: Distribution, wanted) -> dict[int, int]:
    offers = {
        offer.product.name: offer
        for offer in Offer.objects.filter(
            catalogue__week=distribution.week, product__name__in=[name for name, _q in wanted]
        ).select_related("product")
    }
    return {offers[name].pk: quantity for name, quantity in wanted if name in offers}


def pay_with_credit(order: Order, reference: str) -> None:
    """Give the household what its credit lacks for the order (estimate + margin: the credit a
    skipped week gave is used first, so the demo household has no credit left for the card
    journeys), then pay with it:
    the pay request's claim (``claim_order_payment``), which pays an order covered by credit
    at once; ``pay_order`` would first ask Stripe for the household's customer."""
    if order.status != Order.Status.AWAITING_PAYMENT:
        return
    lacking = order.authorised_cents - available(household=order.household)
    if lacking > 0:
        add_credit(
            household=order.household,
            amount_cents=lacking,
            reason=CreditEntry.Reason.ADJUSTMENT,
            reference=reference,
        )
    claim_order_payment(order_id=order.pk, payment_method="")


def soon(now: datetime, minutes: int) -> datetime:
    """``minutes`` from now, to the minute — but still this week (late on Sunday, as many
    seconds before midnight): the demo sells from this week's published catalogues."""
    starts = (now + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    if week_of(starts) != week_of(now):
        midnight = local_datetime(week_of(now) + timedelta(days=7), time(0, 0))
        starts = midnight - timedelta(seconds=minutes)
    return starts


def _sale_start(now: datetime) -> tuple[datetime, datetime]:
    """Today's slot at the point, or a few minutes from now once the slot has begun."""
    today = timezone.localdate(now)
    starts = local_datetime(today, SLOT[0])
    ends = local_datetime(today, SLOT[1])
    if starts < now + timedelta(minutes=5):
        starts = soon(now, 5)
        ends = max(ends, starts + timedelta(minutes=90))
    return starts, ends


def seed_closed_sale(point: PickupPoint, households: dict[str, User]) -> Distribution:
    now = timezone.now()
    existing = (
        point.distributions.filter(
            status=Distribution.Status.CLOSED, orders__idempotency_key__startswith="demo-sale-"
        )
        .order_by("-starts_at")
        .first()
    )
    if existing is not None and timezone.localdate(existing.starts_at) == timezone.localdate(now):
        return existing
    starts, ends = _sale_start(now)
    distribution = pickup_services.schedule_distribution(
        pickup_point=point,
        starts_at=starts,
        ends_at=ends,
        opens_at=now - timedelta(days=3),
        cutoff_at=starts,
    )
    for local_part, wanted in CLOSED_SALE_ORDERS.items():
        order = place_order(
            household=households[local_part],
            distribution=distribution,
            lines=demo_lines(distribution, wanted),
            idempotency_key=f"demo-sale-{distribution.pk}",
        )
        pay_with_credit(order, f"demo-order-{order.pk}")
    # The cutoff has just passed (a sale closes only after it): then the close, as the app does it.
    Distribution.objects.filter(pk=distribution.pk).update(cutoff_at=timezone.now())
    distribution.refresh_from_db()
    close_distribution(distribution=distribution)
    distribution.refresh_from_db()
    return distribution


def seed_awaiting_order(point: PickupPoint, household: User) -> Order | None:
    now = timezone.now()
    distribution = (
        point.distributions.filter(
            status=Distribution.Status.OPEN,
            opens_at__lte=now,
            cutoff_at__gt=now + timedelta(hours=1),
        )
        .order_by("starts_at")
        .first()
    )
    if distribution is None:
        return None
    lines = demo_lines(distribution, AWAITING_ORDER)
    if not lines:
        return None
    return place_order(
        household=household,
        distribution=distribution,
        lines=lines,
        idempotency_key=f"demo-awaiting-{distribution.pk}",
    )


def seed_orders(users) -> Distribution | None:
    point = PickupPoint.objects.filter(slug=HOST_POINT).first()
    if point is None:
        return None
    households = demo_households(users)
    distribution = seed_closed_sale(point, households)
    seed_awaiting_order(point, households["foyer"])
    return distribution
