"""Paying an order: its card payment through ``payments`` (one live attempt, claimed under the
order's row lock), what a payment means for the order (the ``order`` purpose registered in
``OrdersConfig.ready``), and giving money back when the household lowers or cancels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import Invalid
from orders.errors import NotPayable, OrderingClosed
from orders.models import PAYMENT_KIND, Order, Settlement
from orders.services import notices
from orders.services.credit import (
    give_back_order_credit,
    pay_with_credit,
    spend_reserved_credit,
)
from payments.models import Payment, Refund
from payments.purposes import Purpose
from payments.services import attempts, refunds
from pickup.selectors import ordering_open

KIND = PAYMENT_KIND

# Cards hold an authorisation about 7 days: closer cutoffs authorise now, capture at the close.
MANUAL_CAPTURE_WITHIN = timedelta(days=6)


@dataclass(frozen=True)
class PayResult:
    order: Order
    status: str  # the PaymentIntent's
    client_secret: str = ""  # for stripe.confirmCardPayment when status is requires_action


def capture_method_for(order: Order) -> str:
    soon = order.distribution.cutoff_at - timezone.now() < MANUAL_CAPTURE_WITHIN
    return Order.Capture.MANUAL if soon else Order.Capture.AUTOMATIC


def pay_order(*, order: Order, payment_method: str = "", use_credit: bool = True) -> PayResult:
    """Pay what credit does not cover (all of it when ``use_credit`` is false) with the
    household's card: one PaymentIntent, created and confirmed in one call. Credit that covers
    the whole order pays it at once, no card needed.

    The attempt is claimed first, under the order's row lock (:func:`claim_order_payment`): a
    second pay while one is live gets that one (waiting while it is being sent, or 409
    ``payment_in_progress``), so eight clicks at once make one PaymentIntent. Stripe is called
    outside any transaction with the key ``order-<id>-payment-<n>``, n counting failed attempts
    only. Capture is manual when the cutoff is under 6 days away, else automatic. Only the
    household's own cards are used (400 ``invalid_payment_method`` otherwise).
    """
    order = Order.objects.select_related("distribution", "household").get(pk=order.pk)
    if order.status != Order.Status.AWAITING_PAYMENT:
        return _already_paid(order)
    if not ordering_open(order.distribution):
        raise OrderingClosed()
    taken = attempts.take_payment(
        kind=KIND,
        ref=order.pk,
        household=order.household,
        payment_method=payment_method,
        claim=lambda card: claim_order_payment(
            order_id=order.pk, payment_method=card, use_credit=use_credit
        ),
    )
    order = Order.objects.get(pk=order.pk)
    if taken is None:
        return _already_paid(order)
    return PayResult(order, taken.status, taken.client_secret)


def _already_paid(order: Order) -> PayResult:
    if order.status == Order.Status.PAID:
        current = attempts.holding_money(KIND, order.pk).order_by("pk").last()
        return PayResult(order, current.status if current else "succeeded")
    raise NotPayable()


@transaction.atomic
def claim_order_payment(
    *, order_id: int, payment_method: str, use_credit: bool = True
) -> attempts.Claim:
    """Under the order's row lock: the live attempt (see :func:`payments.services.attempts.
    reuse_live`), or the order paid by credit alone, or a new attempt of ours for what credit
    does not cover, which reserves that credit (spent only if the attempt holds money).
    Without a card for the rest, nothing is reserved (400). Locks the order row, then the
    household's."""
    order = lock_order(order_id)
    if order.status != Order.Status.AWAITING_PAYMENT:
        return attempts.Claim()
    live = attempts.live_payment(KIND, order.pk)
    if live is not None:
        return attempts.reuse_live(live)
    attempt = order.payment_attempts
    split = pay_with_credit(order=order, attempt=attempt, use_credit=use_credit)
    if split.card_cents == 0:
        return attempts.Claim()
    if not payment_method:  # raised inside the transaction: nothing is reserved
        raise Invalid(errors={"payment_method": [_("Enter a card to pay with.")]})
    return attempts.new_attempt(
        kind=KIND,
        ref=order.pk,
        payer_id=order.household_id,
        attempt=attempt,
        amount_cents=split.card_cents,
        credit_cents=split.credit_cents,
        payment_method=payment_method,
        capture_method=capture_method_for(order),
    )


def refresh_payment(*, order: Order) -> PayResult:
    """Re-read the order's latest PaymentIntent (after 3-D Secure in the browser)."""
    intent = attempts.refresh(attempts.latest_sent(KIND, order.pk))
    if intent is None:
        return PayResult(order, "")
    return PayResult(Order.objects.get(pk=order.pk), intent.status)


def sync_payment(
    *, intent, order_id: int | None = None, attempt: int | None = None
) -> Order | None:
    """Apply what Stripe says of one of an order's PaymentIntents (see
    :func:`payments.services.attempts.apply_intent`); the order as it then is."""
    payment = attempts.apply_intent(
        intent=intent, kind=KIND if order_id else None, ref=order_id, attempt=attempt
    )
    if payment is None or payment.purpose_kind != KIND:
        return None
    return Order.objects.get(pk=payment.purpose_id)


# --- The ``order`` purpose: what Stripe's word means for an order ---------------------------


def lock_order(order_id: int) -> Order | None:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("distribution", "household")
        .filter(pk=order_id)
        .first()
    )


def payment_changed(order: Order, payment: Payment) -> None:
    """Money held for an order awaiting payment makes it paid, and the credit the attempt
    reserved is spent then (once); money held for an order that expired or was cancelled
    meanwhile, or that another attempt already paid, is given back (hold released or
    refunded), once, and no credit is spent."""
    if not payment.holds_money:
        return
    paid_by_another = attempts.paid_by_another(KIND, order.pk, payment)
    if order.status == Order.Status.AWAITING_PAYMENT and not paid_by_another:
        spend_reserved_credit(order=order, payment=payment)
        order.status = Order.Status.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at"])
        notices.order_paid(order.pk)
    elif order.status in (Order.Status.EXPIRED, Order.Status.CANCELLED):
        if _settling(order):  # cancelled at the close: its settlement gives the money back
            return
        give_back(order=order, payment=payment, keep_cents=0, reason=Refund.Reason.EXPIRED)
    elif paid_by_another:
        give_back(order=order, payment=payment, keep_cents=0, reason=Refund.Reason.DUPLICATE)


def _settling(order: Order) -> bool:
    return Settlement.objects.filter(
        order=order, status__in=(Settlement.Status.PENDING, Settlement.Status.WEIGHING)
    ).exists()


def attempt_ended(order: Order, payment: Payment) -> None:
    """A failed attempt: the next one gets a new key. It spent no credit (its reservation
    ended with it); credit spent by attempts made before reservations comes back."""
    if order.payment_attempts == payment.attempt:
        order.payment_attempts = payment.attempt + 1
        order.save(update_fields=["payment_attempts"])
        if order.status == Order.Status.AWAITING_PAYMENT:
            give_back_order_credit(
                order=order, keep_cents=0, reference=f"declined-{payment.attempt}"
            )
            notices.payment_failed(order.pk, payment.attempt)


def settled_orders(ids: list[int]) -> set[int]:
    """Orders past their sale's close (confirmed, cancelled, expired, not collected) whose
    card money is settled (no settlement pending or waiting for weights): no rule of the order
    will still refund its payments, so credit may go back through them."""
    open_ = (Order.Status.AWAITING_PAYMENT, Order.Status.PAID)
    unsettled = (Settlement.Status.PENDING, Settlement.Status.WEIGHING)
    return set(
        Order.objects.filter(pk__in=ids)
        .exclude(status__in=open_)
        .exclude(settlement__status__in=unsettled)
        .values_list("pk", flat=True)
    )


def transfer_group_of(order_id: int) -> str:
    """An order is charged in its distribution's transfer group: the farms and the host of
    that distribution are paid out of it (``billing``)."""
    distribution_id = Order.objects.filter(pk=order_id).values_list("distribution_id", flat=True)
    return distribution_transfer_group(distribution_id.first() or 0)


def distribution_transfer_group(distribution_id: int) -> str:
    return f"distribution-{distribution_id}"


ORDER_PURPOSE = Purpose(
    kind=KIND,
    lock=lock_order,
    payer=lambda order: order.household_id,
    changed=payment_changed,
    ended=attempt_ended,
    settled=settled_orders,
    transfer_group=transfer_group_of,
)


# --- Giving money back ----------------------------------------------------------------------


def refund_key(order: Order, payment: Payment, reason: str):
    """The refund of an order's payment is keyed by (order, payment, reason, amount, order
    revision): two equal changes of the order are two refunds, a retry is none."""
    return lambda amount: f"order-{order.pk}-p{payment.pk}-{reason}-{amount}-r{order.revision}"


def give_back(*, order: Order, payment: Payment, keep_cents: int, reason: str) -> None:
    """Keep ``keep_cents`` of what ``payment`` holds, give back the rest (see
    :func:`payments.services.refunds.give_back`)."""
    refunds.give_back(
        payment=payment,
        keep_cents=keep_cents,
        refund_key=refund_key(order, payment, reason),
        reason=reason,
    )


def release_or_refund(*, order: Order, keep_cents: int, reason: str) -> None:
    """After the household lowers or cancels an order: give back what is no longer needed."""
    for payment in order.payments.select_for_update():
        if payment.holds_money:
            give_back(order=order, payment=payment, keep_cents=keep_cents, reason=reason)
            keep_cents = 0  # a second payment of the same order is given back whole
