"""Closing the sale of a distribution at its cutoff: minimums, final amounts, fee split; then
each order's card money settled by its own task (capture, release or refund), outside the
distribution's lock."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.db import insert_rows, update_rows
from common.errors import DomainError
from common.money import share_of
from orders.models import Order, OrderLine, Settlement
from orders.services.credit import (
    card_share_at_close,
    close_refund_to_credit,
    give_back_order_credit,
    refund_to_credit,
)
from orders.services.paying import give_back, lock_order
from orders.services.placing import cancel_lines, lock_distribution
from orders.signals import sale_closed
from orders.tasks import settle_order_task
from payments import gateway
from payments.models import CreditEntry, Payment
from payments.services.attempts import mirror
from pickup.models import Distribution
from pickup.services import move_distribution
from producers.models import Producer

logger = logging.getLogger(__name__)

# A settlement still pending this long after its last try is picked up by the sweep (its own
# task may have been lost with a worker, or gave up while Stripe was away).
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500
SETTLEMENT_FIELDS = [
    "order",
    "status",
    "card_keep_cents",
    "round",
    "reason",
    "attempts",
    "last_error",
    "created_at",
    "updated_at",
]
# What the close reads of each line (the fee split and cancelling need no more).
LINE_FIELDS = (
    "pk",
    "order_id",
    "offer_id",
    "producer_id",
    "unit_price_cents",
    "quantity",
    "status",
    "estimated_weight_g",
    "margin_bp",
    "weight_g",
    "weighed_cents",
)


def fee_split(total_cents: int) -> tuple[int, int, int]:
    """(host, platform, producer) shares of a VAT-inclusive amount: host and platform each
    rounded once (in ``common.money``), the producer gets the rest, so they add up to the cent."""
    host = share_of(total_cents, settings.FEE_HOST_BASIS_POINTS)
    platform = share_of(total_cents, settings.FEE_PLATFORM_BASIS_POINTS)
    return host, platform, total_cents - host - platform


def split_fees(line: OrderLine) -> None:
    """The line's shares of its total (see :func:`fee_split`)."""
    line.host_share_cents, line.platform_share_cents, line.producer_share_cents = fee_split(
        line.total_cents
    )


def closable(distribution: Distribution) -> bool:
    """Whether the sale of ``distribution`` can be closed now: open, its cutoff passed."""
    return (
        distribution.status == Distribution.Status.OPEN and distribution.cutoff_at <= timezone.now()
    )


def _households_with_credit(orders: list[Order]) -> set[int]:
    """Households with any movement in their credit ledger (one query): only their orders can
    have spent credit, so only theirs need the per-order ledger sums of the credit rules."""
    households = {order.household_id for order in orders}
    if not households:
        return set()
    return set(
        CreditEntry.objects.filter(household_id__in=households)
        .values_list("household_id", flat=True)
        .distinct()
    )


@transaction.atomic
def close_distribution(*, distribution: Distribution) -> bool:
    """Close the sale of an open distribution whose cutoff has passed. State-driven and safe
    to run twice or concurrently: the distribution row is locked (``of=self``) and anything
    but an open, past-cutoff distribution is left alone (returns False).

    Under the lock it only decides and records; Stripe is never called here:

    1. Orders still unpaid are cancelled (reason ``unpaid``), their stock given back.
    2. Each farm whose active lines sum below its minimum: those lines are cancelled
       (``minimum_not_reached``), stock given back; nobody pays for them.
    3. Each paid order gets its final amount and status (confirmed, or cancelled when nothing
       is left), fee shares are recorded per line, credit and prepayment beyond the final
       amount come back as credit, and a pending :class:`~orders.models.Settlement` records
       what its card payments keep.
    4. The distribution becomes closed. After the commit each order is settled by its own
       task (:func:`settle_order`: capture, release or refund, retried while Stripe is away;
       the periodic sweep :func:`settle_pending_orders` picks up any left pending) and
       ``orders.signals.sale_closed`` is sent (distribution day e-mails farms, hosts and
       households).

    Locks: the distribution, then its orders in pk order, then offers in pk order (and a
    household's row for its credit). The lines changed are in the audit trail
    (:class:`~orders.models.LineChange`).
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
    with_credit = _households_with_credit(orders)
    unpaid = [o for o in orders if o.status == Order.Status.AWAITING_PAYMENT]
    paid = [o for o in orders if o.status == Order.Status.PAID]
    cancel_lines(
        OrderLine.objects.filter(order__in=unpaid).order_by("pk"), reason=OrderLine.Reason.UNPAID
    )
    Order.objects.filter(pk__in=[o.pk for o in unpaid]).update(status=Order.Status.EXPIRED)
    for order in unpaid:  # credit spent on them comes back
        if order.household_id in with_credit:
            give_back_order_credit(order=order, keep_cents=0, reference="expired")

    lines = list(
        OrderLine.objects.filter(order__in=paid, status=OrderLine.Status.ACTIVE)
        .only(*LINE_FIELDS)
        .order_by("pk")
    )
    sold: dict[int, int] = {}
    for line in lines:
        sold[line.producer_id] = sold.get(line.producer_id, 0) + line.total_cents
    minimums = dict(Producer.objects.filter(pk__in=sold).values_list("pk", "minimum_order_cents"))
    below = {producer for producer, cents in sold.items() if cents < minimums[producer]}
    cancel_lines(
        [line for line in lines if line.producer_id in below],
        reason=OrderLine.Reason.MINIMUM_NOT_REACHED,
    )
    kept = [line for line in lines if line.producer_id not in below]
    finals: dict[int, int] = {}
    margins: dict[int, int] = {}  # of lines sold by weight, until they are weighed
    for line in kept:
        split_fees(line)
        finals[line.order_id] = finals.get(line.order_id, 0) + line.total_cents
        if line.margin_cents:
            margins[line.order_id] = margins.get(line.order_id, 0) + line.margin_cents
    # One UPDATE per row sent together (``bulk_update``'s CASE takes seconds for 1,000 rows).
    update_rows(kept, ["host_share_cents", "platform_share_cents", "producer_share_cents"])
    now = timezone.now()
    settlements = []
    for order in paid:
        final, margin = finals.get(order.pk, 0), margins.get(order.pk, 0)
        if order.prepaid_cents or order.household_id in with_credit:
            # What was prepaid (a basket) and credit spent are not the card's to keep.
            card_cents = card_share_at_close(order=order, final_cents=final + margin)
        else:
            card_cents = final + margin
        order.total_cents, order.margin_cents = final, margin
        order.status = Order.Status.CONFIRMED if final else Order.Status.CANCELLED
        order.closed_at = now
        # Lines sold by weight still to weigh: the card keeps the estimate and the margin,
        # settled once they are weighed (``orders.services.weighing``).
        status = Settlement.Status.WEIGHING if margin else Settlement.Status.PENDING
        settlements.append((order.pk, status, card_cents, 0, "close", 0, "", now, now))
    update_rows(paid, ["total_cents", "margin_cents", "status", "closed_at"])
    insert_rows(Settlement, SETTLEMENT_FIELDS, settlements)
    move_distribution(distribution=distribution, to=Distribution.Status.CLOSED)

    settled = [o.pk for o in paid if o.pk not in margins]
    transaction.on_commit(lambda: enqueue_settlements(settled), robust=True)
    transaction.on_commit(
        partial(sale_closed.send, sender=Distribution, distribution_id=distribution.pk)
    )
    return True


def enqueue_settlements(order_ids: list[int]) -> None:
    """One settling task per order (after the close's commit). One that cannot be queued is
    left pending for the sweep."""
    for order_id in order_ids:
        settle_order_task.delay(order_id)


def close_due_distributions() -> list[int]:
    """Close every open distribution whose cutoff has passed (periodic task), each in its own
    transaction. One that fails stays open and is retried next run."""
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


# --- Settling an order's card money, outside the distribution's lock ------------------------


def settle_order(*, order_id: int) -> bool:
    """Do what the order's pending settlement says: its card payments keep exactly
    ``card_keep_cents`` — an authorisation is captured for that much (or released when
    nothing is kept), a captured payment is refunded what it holds beyond it, or that part
    becomes credit for a household that keeps refunds as credit. Returns True when it settled
    something, False when there was nothing left to do.

    Safe to run twice or at once: the order's row, then the settlement's, are locked, a done
    settlement is left alone, each PaymentIntent is re-read before anything is asked of it,
    the capture has the PaymentIntent's idempotency key and every refund a unique key (order,
    payment, reason, amount, revision). Stripe unreachable: everything rolls back, the
    failure is counted on the row and raised (the task retries; the sweep runs it later)."""
    try:
        return _settle_order(order_id)
    except DomainError as error:
        _record_failure(order_id, error)
        raise


@transaction.atomic
def _settle_order(order_id: int) -> bool:
    order = lock_order(order_id)
    if order is None:
        return False
    settlement = Settlement.objects.select_for_update().filter(order=order).first()
    if settlement is None or settlement.status != Settlement.Status.PENDING:
        return False  # done, or waiting for the real weights
    keep = settlement.card_keep_cents
    for payment in order.payments.select_for_update():
        if not payment.holds_money:
            continue
        _settle_payment(order, payment, keep_cents=keep, settlement=settlement)
        keep = 0  # any other payment of the order is given back whole
    settlement.status = Settlement.Status.DONE
    settlement.settled_at = timezone.now()
    settlement.attempts += 1
    settlement.last_error = ""
    settlement.save(update_fields=["status", "settled_at", "attempts", "last_error", "updated_at"])
    return True


def _settle_payment(
    order: Order, payment: Payment, *, keep_cents: int, settlement: Settlement
) -> None:
    intent = gateway.retrieve_payment_intent(intent_id=payment.intent_id)
    if intent.status == "requires_capture" and keep_cents > 0:
        intent = gateway.capture_payment_intent(
            intent_id=payment.intent_id,
            amount_cents=min(keep_cents, intent.amount_capturable or keep_cents),
            idempotency_key=f"{payment.intent_id}-capture",
        )
        if intent.amount_received is None:  # localstripe does not say
            intent = replace(intent, amount_received=keep_cents)
    mirror(payment, intent)
    payment.refresh_from_db()
    # A household that chose so gets the difference as credit.
    if settlement.round == 0:
        close_refund_to_credit(order=order, payment=payment, keep_cents=keep_cents)
    else:
        _correction_to_credit(order, payment, keep_cents=keep_cents, settlement=settlement)
    give_back(order=order, payment=payment, keep_cents=keep_cents, reason=settlement.reason)


def _correction_to_credit(
    order: Order, payment: Payment, *, keep_cents: int, settlement: Settlement
) -> int:
    """A correction after the close, for a household that keeps refunds as credit: once per
    round (the keys name it); see :func:`orders.services.credit.refund_to_credit`."""
    reason, round_ = settlement.reason, settlement.round
    return refund_to_credit(
        order=order,
        payment=payment,
        keep_cents=keep_cents,
        reason=reason,
        refund_key=lambda extra: f"order-{order.pk}-{reason}-{extra}-s{round_}",
        reference=f"payment-{payment.pk}-{reason}-s{round_}",
    )


def _record_failure(order_id: int, error: DomainError) -> None:
    Settlement.objects.filter(order_id=order_id, status=Settlement.Status.PENDING).update(
        attempts=F("attempts") + 1,
        last_error=str(getattr(error, "code", "error"))[:100],
        updated_at=timezone.now(),
    )


def settle_pending_orders() -> list[int]:
    """The sweep (periodic task): settle every settlement still pending ``SWEEP_AFTER`` after
    its last try, each in its own transaction; one that fails stays pending for the next run.
    Returns the orders settled."""
    limit = timezone.now() - SWEEP_AFTER
    due = Settlement.objects.filter(status=Settlement.Status.PENDING, updated_at__lte=limit)
    settled = []
    for order_id in due.order_by("pk").values_list("order_id", flat=True)[:SWEEP_BATCH]:
        try:
            if settle_order(order_id=order_id):
                settled.append(order_id)
        except DomainError:
            logger.warning("settling order %s failed; retried next sweep", order_id)
    return settled
