"""Orders paid partly or wholly with the household's credit (the wallet of ``payments``), and
what comes back as credit: a card that failed, an order that lapsed or was lowered, the close.

Credit spent on an order is the wallet's movements referenced ``order-<id>-…``; the order row
is locked before the household's (the wallet's lock).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from orders.models import Order
from orders.services import notices
from payments.models import CreditEntry, Payment, Refund
from payments.services.refunds import record_kept_as_credit, refunded
from payments.services.wallet import add_credit, refunds_to_credit, spend_credit, spent_on


def credit_spent_on(order: Order) -> int:
    """Credit spent on the order and not given back (all payment attempts)."""
    return spent_on(household_id=order.household_id, reference_prefix=f"order-{order.pk}-")


@transaction.atomic
def pay_with_credit(*, order: Order, attempt: int) -> int:
    """Credit pays first: spend up to what the order still owes (once per payment attempt);
    returns what is left for the card. An order wholly covered becomes paid, no card needed.
    Locks the household's row (through :func:`spend_credit`), then the order row."""
    owed = order.total_cents - credit_spent_on(order)
    if owed > 0:
        spend_credit(
            household=order.household,
            up_to_cents=owed,
            reference=f"order-{order.pk}-payment-{attempt}",
        )
    left = max(order.total_cents - credit_spent_on(order), 0)
    if left == 0:
        paid = Order.objects.filter(pk=order.pk, status=Order.Status.AWAITING_PAYMENT).update(
            status=Order.Status.PAID, paid_at=timezone.now()
        )
        if paid:
            notices.order_paid(order.pk)
    return left


def give_back_order_credit(*, order: Order, keep_cents: int, reference: str) -> int:
    """Credit spent on the order beyond ``keep_cents`` comes back (a declined card, an order
    expired or lowered). Returns what the card must still cover of ``keep_cents``. Runs in the
    caller's transaction; once per ``reference``."""
    spent = credit_spent_on(order)
    back = spent - keep_cents
    if back > 0:
        add_credit(
            household=order.household,
            amount_cents=back,
            reason=CreditEntry.Reason.REFUND,
            reference=f"order-{order.pk}-{reference}",
        )
        return 0
    return keep_cents - spent


def card_share_at_close(*, order: Order, final_cents: int) -> int:
    """At the sale close: of the order's final amount, what its card payments must keep once
    what was prepaid (``prepaid_cents``: an AMAP season's basket) and the credit spent are
    counted. Whatever the prepayment or the credit paid beyond the final amount comes back as
    credit."""
    prepaid = order.prepaid_cents
    if prepaid > final_cents:
        add_credit(
            household=order.household,
            amount_cents=prepaid - final_cents,
            reason=CreditEntry.Reason.REFUND,
            reference=f"basket-order-{order.pk}-close",
        )
    return give_back_order_credit(
        order=order, keep_cents=max(final_cents - prepaid, 0), reference="close"
    )


def close_refund_to_credit(*, order: Order, payment: Payment, keep_cents: int) -> int:
    """At the sale close, for a household that keeps refunds as credit: what a captured
    payment holds beyond ``keep_cents`` becomes credit instead of a card refund. A refund row
    (no Stripe refund) marks it given back, so the close's card refund finds nothing left.
    Idempotent (the refund key and the ledger reference are unique). Runs in the close's
    transaction; returns the cents credited."""
    if payment.status != "succeeded" or not refunds_to_credit(household=order.household):
        return 0
    extra = payment.amount_received_cents - refunded(payment) - keep_cents
    if extra <= 0:
        return 0
    record_kept_as_credit(
        payment=payment,
        reason=Refund.Reason.CLOSE,
        amount_cents=extra,
        key=f"order-{order.pk}-{Refund.Reason.CLOSE}-{extra}-r{order.revision}",
    )
    add_credit(
        household=order.household,
        amount_cents=extra,
        reason=CreditEntry.Reason.REFUND,
        reference=f"payment-{payment.pk}-close",
    )
    return extra
