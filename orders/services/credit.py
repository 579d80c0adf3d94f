"""The household's credit ledger: credit, spend, balance. The balance is the sum of the rows.

Spending locks the household's row (``SELECT … FOR UPDATE`` on the user) before summing, so two
payments at once are serialised and neither can spend credit the other already took: the
balance never goes below zero. Each movement is unique per (household, reason, reference), so a
retry finds the row instead of moving the money twice.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from orders.models import CreditEntry, CreditPreference


def balance(*, household: User) -> int:
    """The household's credit in cents: the sum of its ledger."""
    total = CreditEntry.objects.filter(household=household).aggregate(total=Sum("amount_cents"))
    return total["total"] or 0


def lock_household(household_id: int) -> None:
    """Serialise the ledger writes of one household (its user row, FOR UPDATE)."""
    User.objects.select_for_update().filter(pk=household_id).values_list("pk", flat=True).first()


def _record(*, household: User, amount_cents: int, reason: str, reference: str) -> CreditEntry:
    existing = CreditEntry.objects.filter(
        household=household, reason=reason, reference=reference
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CreditEntry.objects.create(
                household=household, amount_cents=amount_cents, reason=reason, reference=reference
            )
    except IntegrityError:  # recorded meanwhile by a twin call
        return CreditEntry.objects.get(household=household, reason=reason, reference=reference)


@transaction.atomic
def add_credit(*, household: User, amount_cents: int, reason: str, reference: str) -> CreditEntry:
    """Credit ``amount_cents`` (> 0) once for (reason, reference). Locks the household row."""
    if amount_cents <= 0:
        raise ValueError("credit must be positive")
    lock_household(household.pk)
    return _record(
        household=household, amount_cents=amount_cents, reason=reason, reference=reference
    )


@transaction.atomic
def spend_credit(*, household: User, up_to_cents: int, reference: str) -> int:
    """Spend as much credit as there is, at most ``up_to_cents``, once per ``reference``;
    returns the cents spent (0 without credit). Locks the household row, then sums the ledger:
    the balance never goes negative, also with two payments at the same instant."""
    lock_household(household.pk)
    done = CreditEntry.objects.filter(
        household=household, reason=CreditEntry.Reason.PAYMENT, reference=reference
    ).first()
    if done is not None:
        return -done.amount_cents
    amount = min(max(up_to_cents, 0), balance(household=household))
    if amount <= 0:
        return 0
    _record(
        household=household,
        amount_cents=-amount,
        reason=CreditEntry.Reason.PAYMENT,
        reference=reference,
    )
    return amount


def refunds_to_credit(*, household: User) -> bool:
    """Has the household chosen to keep refunds from the sale close as credit?"""
    return CreditPreference.objects.filter(user=household, refunds_to_credit=True).exists()


@transaction.atomic
def set_refund_preference(*, household: User, to_credit: bool) -> CreditPreference:
    """Refunds from the sale close go to the card (default) or to the credit balance."""
    preference, _created = CreditPreference.objects.update_or_create(
        user=household, defaults={"refunds_to_credit": to_credit}
    )
    return preference


def close_refund_to_credit(*, order, payment, keep_cents: int) -> int:
    """At the sale close, for a household that keeps refunds as credit: what a captured
    payment holds beyond ``keep_cents`` becomes credit instead of a card refund. A ``Refund``
    row (no Stripe refund, ``stripe_refund_id`` "credit") marks it given back, so the close's
    card refund finds nothing left. Idempotent (the refund key and the ledger reference are
    unique). Runs in the close's transaction; returns the cents credited."""
    from orders.models import Refund
    from orders.services.paying import _refunded

    if payment.status != "succeeded" or not refunds_to_credit(household=order.household):
        return 0
    extra = payment.amount_received_cents - _refunded(payment) - keep_cents
    if extra <= 0:
        return 0
    key = f"order-{order.pk}-{Refund.Reason.CLOSE}-{extra}-r{order.revision}"
    Refund.objects.get_or_create(
        key=key,
        defaults={
            "order": order,
            "payment": payment,
            "reason": Refund.Reason.CLOSE,
            "amount_cents": extra,
            "stripe_refund_id": "credit",
        },
    )
    add_credit(
        household=order.household,
        amount_cents=extra,
        reason=CreditEntry.Reason.REFUND,
        reference=f"payment-{payment.pk}-close",
    )
    return extra


# --- Orders paid partly or wholly with credit ---------------------------------------------


def _order_reference(order_id: int, attempt: int) -> str:
    return f"order-{order_id}-payment-{attempt}"


def credit_spent_on(order) -> int:
    """Credit spent on the order and not given back (all payment attempts)."""
    spent = CreditEntry.objects.filter(
        household_id=order.household_id,
        reference__startswith=f"order-{order.pk}-",
    ).aggregate(total=Sum("amount_cents"))["total"]
    return -(spent or 0)


@transaction.atomic
def pay_with_credit(*, order, attempt: int) -> int:
    """Credit pays first: spend up to what the order still owes (once per payment attempt);
    returns what is left for the card. An order wholly covered becomes paid, no card needed.
    Locks the household's row (through :func:`spend_credit`), then the order row."""
    from orders.models import Order

    owed = order.total_cents - credit_spent_on(order)
    if owed > 0:
        spend_credit(
            household=order.household,
            up_to_cents=owed,
            reference=_order_reference(order.pk, attempt),
        )
    left = max(order.total_cents - credit_spent_on(order), 0)
    if left == 0:
        Order.objects.filter(pk=order.pk, status=Order.Status.AWAITING_PAYMENT).update(
            status=Order.Status.PAID, paid_at=timezone.now()
        )
    return left


def give_back_order_credit(*, order, keep_cents: int, reference: str) -> int:
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


def card_share_at_close(*, order, final_cents: int) -> int:
    """At the sale close: of the order's final amount, what its card payments must keep once
    the season's prepayment (basket orders) and the credit spent are counted. Whatever the
    prepayment or the credit paid beyond the final amount comes back as credit."""
    from orders.models import BasketOrder

    prepaid = (
        BasketOrder.objects.filter(order=order).values_list("prepaid_cents", flat=True).first() or 0
    )
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
