"""Demo distribution day: a finished sale two days ago at the demo host's point (Lille
Wazemmes), two neighbours' orders from Les Jardins de la Deûle and the Rucher des Weppes,
handed over (done), so that its farms and host are paid (``billing.demo``). Placed, paid with
credit and closed now through the services, then moved back in time and its no-shows marked.
Idempotent: a finished demo sale is kept.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from common.errors import Invalid
from handover.services import mark_no_shows
from orders.demo import HOST_POINT, SLOT, demo_households, demo_lines, pay_with_credit, soon
from orders.services.closing import close_distribution, settle_order
from orders.services.placing import place_order
from pickup import services as pickup_services
from pickup.models import Distribution, PickupPoint
from pickup.schedule import local_datetime

# What two households ordered at the point's last, finished distribution (two days ago): its
# farms and host are paid (``billing.demo``).
PAST_SALE_ORDERS = {
    "famille.martin": [
        ("Carottes des sables", 4),
        ("Poireaux", 3),
        ("Pommes de terre Charlotte", 3),
        ("Miel de printemps", 1),
    ],
    "famille.dubois": [("Pommes de terre Charlotte", 3), ("Chicons de pleine terre", 3)],
}


def seed_past_sale(point: PickupPoint, households: dict[str, User]) -> Distribution | None:
    """A distribution two days ago, sold, closed and handed over (done): placed, paid and
    closed now through the services, then moved back in time, and its no-shows marked."""
    existing = point.distributions.filter(
        status=Distribution.Status.DONE, orders__idempotency_key__startswith="demo-past-"
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    starts = soon(now, 10)
    distribution = pickup_services.schedule_distribution(
        pickup_point=point,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        opens_at=now - timedelta(days=3),
        cutoff_at=starts,
    )
    placed = 0
    for local_part, wanted in PAST_SALE_ORDERS.items():
        lines = demo_lines(distribution, wanted)
        if not lines:
            continue
        try:
            order = place_order(
                household=households[local_part],
                distribution=distribution,
                lines=lines,
                idempotency_key=f"demo-past-{distribution.pk}",
            )
        except Invalid:  # nothing of it left to sell
            continue
        pay_with_credit(order, f"demo-order-{order.pk}")
        placed += 1
    if not placed:
        distribution.delete()
        return None
    Distribution.objects.filter(pk=distribution.pk).update(cutoff_at=timezone.now())
    distribution.refresh_from_db()
    close_distribution(distribution=distribution)
    # Paid with credit only: settling asks nothing of Stripe (done here, not by the worker).
    for order_id in distribution.orders.values_list("pk", flat=True):
        settle_order(order_id=order_id)
    day = timezone.localdate(now) - timedelta(days=2)
    starts = local_datetime(day, SLOT[0])
    Distribution.objects.filter(pk=distribution.pk).update(
        week=day - timedelta(days=day.weekday()),
        opens_at=starts - timedelta(days=6),
        cutoff_at=starts - timedelta(days=1),
        starts_at=starts,
        ends_at=local_datetime(day, SLOT[1]),
    )
    distribution.refresh_from_db()
    mark_no_shows(distribution=distribution)
    distribution.refresh_from_db()
    return distribution


def seed_past_sale_at_host_point(users) -> Distribution | None:
    point = PickupPoint.objects.filter(slug=HOST_POINT).first()
    return seed_past_sale(point, demo_households(users)) if point else None
