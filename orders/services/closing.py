"""Closing the sale of a distribution at its cutoff: minimums, capture or refund, fee split."""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import DomainError
from common.money import share_of
from orders.models import Order, OrderLine
from orders.services.credit import (
    card_share_at_close,
    close_refund_to_credit,
    give_back_order_credit,
)
from orders.services.paying import give_back, sync_payment
from orders.services.placing import cancel_lines, lock_distribution
from orders.signals import sale_closed
from payments import gateway
from payments.models import Refund
from pickup.models import Distribution
from pickup.services import move_distribution

logger = logging.getLogger(__name__)


def split_fees(line: OrderLine) -> None:
    """Host and platform shares of the line's VAT-inclusive total (each rounded once, in
    ``common.money``); the producer gets the rest, so the three add up to the cent."""
    total = line.total_cents
    line.host_share_cents = share_of(total, settings.FEE_HOST_BASIS_POINTS)
    line.platform_share_cents = share_of(total, settings.FEE_PLATFORM_BASIS_POINTS)
    line.producer_share_cents = total - line.host_share_cents - line.platform_share_cents


def _settle(order: Order, final_cents: int) -> None:
    """Take exactly ``final_cents`` for ``order``: capture that much of an authorisation (or
    release it when nothing is left), refund the difference of a captured payment. Re-reads
    each PaymentIntent first, so a second run after a partial failure does nothing twice."""
    for payment in order.payments.select_for_update():
        if not payment.holds_money:
            continue
        intent = gateway.retrieve_payment_intent(intent_id=payment.intent_id)
        if intent.status == "requires_capture" and final_cents > 0:
            intent = gateway.capture_payment_intent(
                intent_id=payment.intent_id,
                amount_cents=final_cents,
                idempotency_key=f"{payment.intent_id}-capture",
            )
            if intent.amount_received is None:  # localstripe does not say
                intent = replace(intent, amount_received=final_cents)
        sync_payment(intent=intent, order_id=order.pk)
        payment.refresh_from_db()
        # A household that chose so gets the difference as credit.
        close_refund_to_credit(order=order, payment=payment, keep_cents=final_cents)
        give_back(order=order, payment=payment, keep_cents=final_cents, reason=Refund.Reason.CLOSE)
        final_cents = 0  # any other payment of the order is given back whole


def closable(distribution: Distribution) -> bool:
    """Whether the sale of ``distribution`` can be closed now: open, its cutoff passed."""
    return (
        distribution.status == Distribution.Status.OPEN and distribution.cutoff_at <= timezone.now()
    )


@transaction.atomic
def close_distribution(*, distribution: Distribution) -> bool:
    """Close the sale of an open distribution whose cutoff has passed. State-driven and safe
    to run twice or concurrently: the distribution row is locked (``of=self``) and anything
    but an open, past-cutoff distribution is left alone (returns False).

    1. Orders still unpaid are cancelled (reason ``unpaid``), their stock given back.
    2. Each farm whose active lines sum below its minimum: those lines are cancelled
       (``minimum_not_reached``), stock given back; nobody pays for them.
    3. Each paid order is captured for its final amount, or refunded the difference; it
       becomes confirmed (or cancelled when nothing is left). Fee shares are recorded per line.
    4. The distribution becomes closed; after the commit ``orders.signals.sale_closed`` is
       sent (distribution day then e-mails farms, hosts and households).
    Locks: the distribution, then its orders in pk order, then offers in pk order. Stripe is
    called inside the transaction with idempotency keys, after re-reading each PaymentIntent.
    """
    distribution = lock_distribution(distribution.pk)
    if not closable(distribution):
        return False
    orders = list(
        Order.objects.select_for_update(of=("self",))
        .filter(
            distribution=distribution, status__in=[Order.Status.AWAITING_PAYMENT, Order.Status.PAID]
        )
        .order_by("pk")
    )
    unpaid = [o for o in orders if o.status == Order.Status.AWAITING_PAYMENT]
    paid = [o for o in orders if o.status == Order.Status.PAID]
    cancel_lines(
        OrderLine.objects.filter(order__in=unpaid).order_by("pk"), reason=OrderLine.Reason.UNPAID
    )
    Order.objects.filter(pk__in=[o.pk for o in unpaid]).update(status=Order.Status.EXPIRED)
    for order in unpaid:  # credit spent on them comes back
        give_back_order_credit(order=order, keep_cents=0, reference="expired")

    lines = list(
        OrderLine.objects.filter(order__in=paid, status=OrderLine.Status.ACTIVE)
        .select_related("producer")
        .order_by("pk")
    )
    sold: dict[int, int] = {}
    for line in lines:
        sold[line.producer_id] = sold.get(line.producer_id, 0) + line.total_cents
    below = {
        line.producer_id
        for line in lines
        if sold[line.producer_id] < line.producer.minimum_order_cents
    }
    cancel_lines(
        [line for line in lines if line.producer_id in below],
        reason=OrderLine.Reason.MINIMUM_NOT_REACHED,
    )
    kept = [line for line in lines if line.producer_id not in below]
    for line in kept:
        split_fees(line)
    OrderLine.objects.bulk_update(
        kept, ["host_share_cents", "platform_share_cents", "producer_share_cents"]
    )
    now = timezone.now()
    for order in paid:
        final = sum(line.total_cents for line in kept if line.order_id == order.pk)
        # What was prepaid (a basket) and credit spent are not the card's to keep.
        _settle(order, card_share_at_close(order=order, final_cents=final))
        order.total_cents = final
        order.status = Order.Status.CONFIRMED if final else Order.Status.CANCELLED
        order.closed_at = now
        order.save(update_fields=["total_cents", "status", "closed_at"])
    move_distribution(distribution=distribution, to=Distribution.Status.CLOSED)

    transaction.on_commit(
        partial(sale_closed.send, sender=Distribution, distribution_id=distribution.pk)
    )
    return True


def close_due_distributions() -> list[int]:
    """Close every open distribution whose cutoff has passed (periodic task), each in its own
    transaction. One that fails (Stripe unreachable) stays open and is retried next run."""
    due = Distribution.objects.filter(
        status=Distribution.Status.OPEN, cutoff_at__lte=timezone.now()
    ).order_by("cutoff_at", "pk")
    closed = []
    for distribution in due:
        try:
            if close_distribution(distribution=distribution):
                closed.append(distribution.pk)
        except DomainError:
            logger.exception("closing distribution %s failed; retried next run", distribution.pk)
    return closed
