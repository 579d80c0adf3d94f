"""Orders paid in advance, outside their own card payments (an AMAP season pays its weekly
basket order): placed born paid with their ``prepaid_cents``, and their prepaid lines
cancelled when the week is skipped."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from orders.models import Order, OrderLine
from orders.pickup_codes import assign_pickup_code
from orders.services.placing import cancel_lines
from pickup.models import Distribution
from producers.models import Offer


def place_prepaid_order(
    *, household_id: int, distribution: Distribution, offer: Offer, unit_price_cents: int, key: str
) -> Order | None:
    """An order paid in advance elsewhere: one unit of ``offer`` at ``unit_price_cents``, born
    paid, its whole total ``prepaid_cents`` (the close settles only what is not). Stock is
    taken with a conditional UPDATE: None when the offer is sold out. The order gets its
    household's pickup code like any other. Runs in the caller's transaction (a savepoint is
    the caller's to take if it races on ``key``)."""
    taken = Offer.objects.filter(pk=offer.pk, remaining__gte=1).update(remaining=F("remaining") - 1)
    if not taken:
        return None
    producer = offer.catalogue.producer
    order = Order.objects.create(
        household_id=household_id,
        distribution=distribution,
        idempotency_key=key,
        status=Order.Status.PAID,
        total_cents=unit_price_cents,
        prepaid_cents=unit_price_cents,
        paid_at=timezone.now(),
    )
    assign_pickup_code(order)  # handed over like any order (distribution day)
    OrderLine.objects.create(
        order=order,
        offer=offer,
        producer=producer,
        product_name=offer.product.name,
        producer_name=producer.name,
        unit_price_cents=unit_price_cents,
        vat_rate=offer.product.vat_rate,
        quantity=1,
    )
    return order


def cancel_prepaid_lines(*, order_id: int, product_id: int) -> bool:
    """The prepaid lines of ``product_id`` are no longer wanted (a basket week skipped after
    its order was made): they are cancelled, their stock given back, and what was prepaid
    leaves the order's total (the prepayment is credited by its owner). Other lines stay; an
    order left empty is cancelled. Locks the order row; runs in the caller's transaction."""
    order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
    cancelled = cancel_lines(
        order.lines.filter(offer__product_id=product_id), reason=OrderLine.Reason.HOUSEHOLD
    )
    if not cancelled:
        return False
    order.total_cents = max(order.total_cents - order.prepaid_cents, 0)
    order.prepaid_cents = 0
    if not order.lines.filter(status=OrderLine.Status.ACTIVE).exists():
        order.status = Order.Status.CANCELLED
    order.save(update_fields=["total_cents", "prepaid_cents", "status"])
    return True
