"""Orders paid partly or wholly with the household's credit (the wallet of ``payments``), and
what comes back as credit: a card that failed, an order that lapsed or was lowered, the close.

Credit spent on an order is the wallet's movements referenced ``order-<id>-…``; the order row
is locked before the household's (the wallet's lock). Credit for a card attempt is only
reserved on its payment row (``Payment.credit_cents``) and spent when that attempt holds money
(:func:`spend_reserved_credit`): a declined card leaves no ledger line.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from orders.models import PAYMENT_KIND, Order
from orders.services import notices
from payments.models import RESERVING_CREDIT, CreditEntry, Payment, Refund
from payments.services.refunds import given_back_by_owner, record_kept_as_credit
from payments.services.wallet import (
    add_credit,
    available,
    balance,
    lock_household,
    refunds_to_credit,
    spend_credit,
    spend_reserved,
    spent_on,
)


@dataclass(frozen=True)
class CreditSplit:
    """How an order awaiting payment would be paid: the household's credit balance, what of
    it this order would use, and what is left for the card."""

    credit_balance_cents: int
    credit_to_use_cents: int
    card_cents: int
    use_credit: bool = True


def credit_spent_on(order: Order) -> int:
    """Credit spent on the order and not given back (all payment attempts)."""
    return spent_on(household_id=order.household_id, reference_prefix=f"order-{order.pk}-")


def credit_split(*, order: Order, use_credit: bool = True) -> CreditSplit:
    """What paying the order now would take from the credit and from the card (a read, for
    the pay page and the API; the pay itself decides again under the locks). An order that no
    longer awaits payment owes nothing."""
    household = order.household
    if order.status != Order.Status.AWAITING_PAYMENT:
        return CreditSplit(balance(household=household), 0, 0, use_credit)
    owed = max(order.authorised_cents - credit_spent_on(order), 0)
    # What the order's own live attempt reserved is the order's to use.
    own = Payment.objects.filter(
        purpose_kind=PAYMENT_KIND, purpose_id=order.pk, status__in=RESERVING_CREDIT
    ).aggregate(total=Sum("credit_cents"))["total"]
    use = min(owed, available(household=household) + (own or 0)) if use_credit else 0
    return CreditSplit(balance(household=household), use, owed - use, use_credit)


@dataclass(frozen=True)
class CreditForCard:
    card_cents: int  # what the card must pay (0: the order is paid, wholly by credit)
    credit_cents: int  # credit the card attempt reserves


@transaction.atomic
def pay_with_credit(*, order: Order, attempt: int, use_credit: bool = True) -> CreditForCard:
    """Credit pays first (unless the household chose not to use it). When it covers what the
    order still owes, it is spent at once (once per payment attempt) and the order is paid, no
    card needed; otherwise nothing is spent: the card attempt reserves the credit it counts
    on (:func:`spend_reserved_credit` spends it when the attempt holds money). The caller
    holds the order's row lock; this locks the household's row, so two orders paying at once
    never count on the same credit."""
    owed = max(order.authorised_cents - credit_spent_on(order), 0)
    if not use_credit or owed == 0:
        return CreditForCard(owed, 0)
    lock_household(order.household_id)
    use = min(owed, available(household=order.household))
    if use < owed:
        return CreditForCard(owed - use, use)
    spend_credit(
        household=order.household, up_to_cents=use, reference=f"order-{order.pk}-payment-{attempt}"
    )
    paid = Order.objects.filter(pk=order.pk, status=Order.Status.AWAITING_PAYMENT).update(
        status=Order.Status.PAID, paid_at=timezone.now()
    )
    if paid:
        notices.order_paid(order.pk)
    return CreditForCard(0, 0)


def spend_reserved_credit(*, order: Order, payment: Payment) -> int:
    """The card attempt holds money: the credit it reserved is spent now, once (referenced
    by the attempt). Runs in the caller's transaction, the order locked."""
    return spend_reserved(
        household=order.household,
        amount_cents=payment.credit_cents,
        reference=f"order-{order.pk}-payment-{payment.attempt}",
    )


def release_reserved_credit(order: Order) -> None:
    """The order no longer awaits payment (expired, cancelled): an attempt still live for it
    (waiting for 3-D Secure, say) stops keeping credit aside; if it holds money later, it is
    given back whole and no credit is spent."""
    Payment.objects.filter(
        purpose_kind=PAYMENT_KIND, purpose_id=order.pk, status__in=RESERVING_CREDIT
    ).exclude(credit_cents=0).update(credit_cents=0)


def give_back_order_credit(*, order: Order, keep_cents: int, reference: str) -> int:
    """Credit spent on the order beyond ``keep_cents`` comes back (a declined card, an order
    expired or lowered). Returns what the card must still cover of ``keep_cents``. Runs in the
    caller's transaction; once per ``reference``. Keeping nothing also releases what live
    attempts reserved (:func:`release_reserved_credit`)."""
    if keep_cents == 0:
        release_reserved_credit(order)
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


def refund_to_credit(
    *, order: Order, payment: Payment, keep_cents: int, reason: str, refund_key, reference: str
) -> int:
    """For a household that keeps refunds as credit: what a captured payment holds beyond
    ``keep_cents`` becomes credit instead of a card refund. A refund row (no Stripe refund,
    keyed by ``refund_key(amount)``) marks it given back, so a card refund after it finds
    nothing left. Idempotent (the refund key and the ledger ``reference`` are unique). Runs
    in the caller's transaction; returns the cents credited."""
    if payment.status != "succeeded" or not refunds_to_credit(household=order.household):
        return 0
    extra = payment.amount_received_cents - given_back_by_owner(payment) - keep_cents
    if extra <= 0:
        return 0
    record_kept_as_credit(payment=payment, reason=reason, amount_cents=extra, key=refund_key(extra))
    add_credit(
        household=order.household,
        amount_cents=extra,
        reason=CreditEntry.Reason.REFUND,
        reference=reference,
    )
    return extra


def close_refund_to_credit(*, order: Order, payment: Payment, keep_cents: int) -> int:
    """At the sale close (see :func:`refund_to_credit`)."""
    return refund_to_credit(
        order=order,
        payment=payment,
        keep_cents=keep_cents,
        reason=Refund.Reason.CLOSE,
        refund_key=lambda extra: (
            f"order-{order.pk}-{Refund.Reason.CLOSE}-{extra}-r{order.revision}"
        ),
        reference=f"payment-{payment.pk}-close",
    )
