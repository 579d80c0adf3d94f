"""Corrections after the close: a farm marks a line short (it did not bring it, or brought
less). The household gets the difference back — to its card (less captured, or a refund) or
to its credit, by its preference — through the order's settlement; the line's fee shares, the
farm's statement and picking totals follow from the line itself."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from orders.errors import (
    AlreadyHandedOver,
    LineNotFound,
    LineNotSold,
    QuantityAboveOrdered,
    SaleNotClosed,
)
from orders.models import SOLD_STATUSES, Order, OrderLine, Settlement
from orders.services.closing import split_fees
from orders.services.credit import give_back_order_credit
from orders.services.paying import lock_order
from orders.services.placing import record_changes
from orders.signals import line_corrected
from orders.tasks import settle_order_task
from orders.weights import margin_of
from payments.models import CreditEntry, Refund
from payments.services.wallet import add_credit
from pickup.models import Distribution
from producers.models import Producer

# The sale is over and its lines are final: corrections are for these distributions.
CORRECTABLE = (Distribution.Status.CLOSED, Distribution.Status.DONE)


@dataclass(frozen=True)
class Correction:
    line: OrderLine
    changed: bool  # False: the line was already so (marking twice)
    given_back_cents: int  # what the household gets back for this change
    pending: bool = False  # the order's settlement is pending (its task queued)


def sold_quantity(line: OrderLine) -> int:
    """What the household pays for now: the line's quantity, 0 once cancelled."""
    return line.quantity if line.status == OrderLine.Status.ACTIVE else 0


def mark_delivered(
    *, producer: Producer, line_id: int, delivered: int, by: User | None = None
) -> Correction:
    """``producer`` delivered ``delivered`` units of its line ``line_id`` (0: not brought).

    Rules: the farm's own line (else 404 ``line_not_found``), of a distribution whose sale has
    closed (409 ``sale_not_closed``), sold at the close (409 ``line_not_sold``), of an order
    not handed over yet (409 ``already_handed_over``: the household checked its bag), and no
    more than what is sold now (400 ``quantity_above_ordered``: quantities only go down, the
    card is never charged again). The same quantity twice changes nothing (the second call
    answers ``changed=False``).

    What follows: the line's quantity becomes ``delivered`` (the quantity sold at the close is
    kept in ``ordered_quantity``) or the line is cancelled (``short``) and its fee shares are
    recomputed; the order's total follows. What the household paid beyond it comes back in
    the order the close uses: the card's share first (less captured if not captured yet,
    else refunded, or credited for a household that keeps refunds as credit), then credit
    spent, then a prepayment. The order's settlement is made pending again for that, and its
    task queued after the commit, with ``orders.signals.line_corrected``. Stock is not given
    back (the farm did not have it). Locks the order row, then the line, then the settlement
    (and the household's row for credit)."""
    with transaction.atomic():
        correction = _mark(producer=producer, line_id=line_id, delivered=delivered, by=by)
        if correction.changed:
            queue_after_change(
                correction.line.order_id,
                pending=correction.pending,
                line_id=correction.line.pk,
                given_back_cents=correction.given_back_cents,
            )
    return correction


def _mark(*, producer: Producer, line_id: int, delivered: int, by: User | None) -> Correction:
    found = (
        OrderLine.objects.filter(pk=line_id, producer=producer).values_list("order_id", flat=True)
    ).first()
    if found is None:
        raise LineNotFound()
    order = lock_order(found)
    line = OrderLine.objects.select_for_update().get(pk=line_id)
    if order.distribution.status not in CORRECTABLE:
        raise SaleNotClosed()
    short_before = line.cancel_reason == OrderLine.Reason.SHORT
    if order.status not in (*SOLD_STATUSES, Order.Status.CANCELLED) or (
        line.status != OrderLine.Status.ACTIVE and not short_before
    ):
        raise LineNotSold()
    before = sold_quantity(line)
    if delivered == before:
        return Correction(line, changed=False, given_back_cents=0)
    if order.collected_at is not None:
        raise AlreadyHandedOver()
    if delivered < 0:
        raise Invalid(errors={"delivered": [_("Enter a quantity of 0 or more.")]})
    if delivered > before:
        raise QuantityAboveOrdered(sold=before)

    if line.ordered_quantity is None:
        line.ordered_quantity = line.quantity
    if delivered == 0:
        line.status = OrderLine.Status.CANCELLED
        line.cancel_reason = OrderLine.Reason.SHORT
        line.host_share_cents = line.platform_share_cents = line.producer_share_cents = None
    else:
        line.quantity = delivered
        split_fees(line)
    line.save()
    record_changes([(line, before)], reason=OrderLine.Reason.SHORT, actor=by)

    old_cents = recompute_after_close(order)
    pending = after_change(order, old_cents=old_cents, reason=Refund.Reason.SHORT)
    return Correction(
        line, changed=True, given_back_cents=old_cents - order.authorised_cents, pending=pending
    )


def after_change(order: Order, *, old_cents: int, reason: str) -> bool:
    """The order's amount after the close went down from ``old_cents`` to what it now
    authorises (a line short, weighed, or charged at its estimate). Returns whether its
    settlement is pending now (the caller queues its task after the commit).

    While the order waits for the real weight of a line (settlement ``weighing``) nothing
    was settled yet and no money moves: once no line is left to weigh, the credit spent
    beyond the amount comes back and the settlement becomes pending for the card's share,
    as at the close. After that, each change is a new round (``reason``): the prepayment
    beyond the amount and the credit spent beyond it come back as credit now, the card's
    new share goes to the settlement."""
    new_cents, prepaid, revision = order.authorised_cents, order.prepaid_cents, order.revision
    settlement = Settlement.objects.select_for_update().filter(order=order).first()
    if settlement is not None and settlement.status == Settlement.Status.WEIGHING:
        if (
            order.lines.filter(status=OrderLine.Status.ACTIVE, weighed_cents__isnull=True)
            .filter(estimated_weight_g__isnull=False)
            .exists()
        ):
            return False
        # An order prepaid by a season is a basket, never sold by weight: no prepayment here.
        card_cents = give_back_order_credit(
            order=order, keep_cents=max(new_cents - prepaid, 0), reference=f"{reason}-r{revision}"
        )
        settlement.card_keep_cents = min(card_cents, settlement.card_keep_cents)
        settlement.status = Settlement.Status.PENDING
        settlement.save()
        return True
    prepaid_back = max(prepaid - new_cents, 0) - max(prepaid - old_cents, 0)
    if prepaid_back > 0:
        add_credit(
            household=order.household,
            amount_cents=prepaid_back,
            reason=CreditEntry.Reason.REFUND,
            reference=f"basket-order-{order.pk}-{reason}-r{revision}",
        )
    card_cents = give_back_order_credit(
        order=order, keep_cents=max(new_cents - prepaid, 0), reference=f"{reason}-r{revision}"
    )
    if settlement is None:  # closed before settlements were recorded
        settlement = Settlement(order=order, card_keep_cents=card_cents)
    settlement.card_keep_cents = min(card_cents, settlement.card_keep_cents)
    settlement.round += 1
    settlement.reason = reason
    settlement.status = Settlement.Status.PENDING
    settlement.settled_at = None
    settlement.save()
    return True


def recompute_after_close(order: Order) -> int:
    """The order's total from its active lines after a correction, a new revision, cancelled
    when nothing is left. Returns what it authorised before.

    While its settlement waits for weights and a line is left to weigh, the order keeps what
    the close left it (total + margin stays the same: nothing is given back before the last
    weight); once none is left, or after the wait, the margin is what lines still to weigh
    need (none). Locks the settlement row."""
    old_cents = order.authorised_cents
    active = list(order.lines.filter(status=OrderLine.Status.ACTIVE))
    order.total_cents = sum(line.total_cents for line in active)
    waiting = (
        Settlement.objects.select_for_update()
        .filter(order=order, status=Settlement.Status.WEIGHING)
        .exists()
    )
    if waiting and any(line.to_weigh for line in active):
        order.margin_cents = old_cents - order.total_cents
    else:
        order.margin_cents = margin_of(active)
    order.revision += 1
    if order.total_cents == 0:
        order.status = Order.Status.CANCELLED
    order.save(update_fields=["total_cents", "margin_cents", "revision", "status"])
    return old_cents


def queue_after_change(
    order_id: int, *, pending: bool, line_id: int | None = None, given_back_cents: int = 0
):
    """After the commit: the order's settling task (when its settlement is pending) and
    ``orders.signals.line_corrected`` (for ``line_id``; without it, nothing is sent)."""
    if pending:
        transaction.on_commit(lambda: settle_order_task.delay(order_id), robust=True)
    if line_id is None:
        return
    transaction.on_commit(
        partial(
            line_corrected.send,
            sender=OrderLine,
            line_id=line_id,
            given_back_cents=given_back_cents,
        ),
        robust=True,
    )
