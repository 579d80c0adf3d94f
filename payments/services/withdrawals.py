"""Credit asked back to the card it came from.

The household asks for some of its credit back: it is refunded through its latest card
payments first — of any purpose (orders, seasons, top-ups), captured and not yet fully
refunded, made within ``CREDIT_REFUND_WINDOW_DAYS`` (Stripe refuses refunds of older charges),
and whose owner settled them (:attr:`payments.purposes.Purpose.settled`: an order's only after
its sale closed). The ledger is debited by what goes back, one line per refund; what cannot go
back stays as credit and the answer says why.

Under the household's row lock, in one transaction, the refunds are decided and written
(``Refund`` rows with unique keys, ledger debits): the credit they take can never be spent or
asked back twice. Stripe is called after the commit, each refund with its key as idempotency
key (:func:`payments.services.refunds.refund_payment`); a refund Stripe did not take (down)
is sent again by :func:`send_pending_withdrawals` (periodic), never twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from common.errors import Invalid
from common.money import format_eur
from payments import purposes
from payments.errors import (
    InvalidPaymentMethod,
    NothingRefundable,
    PaymentRejected,
    PaymentUnavailable,
    WithdrawalExceedsCredit,
)
from payments.models import CreditEntry, Payment, Refund
from payments.services.refunds import refund_payment, refunded
from payments.services.wallet import add_credit, available, balance, debit, lock_household

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refundable:
    payment: Payment
    cents: int


@dataclass(frozen=True)
class WithdrawalResult:
    """What a withdrawal did: ``refunded_cents`` back to cards, ``kept_cents`` of what was
    asked still credit (``kept_reason``: ``old_payments`` or ``no_card_payment``)."""

    asked_cents: int
    refunded_cents: int
    kept_cents: int
    kept_reason: str = ""
    refunds: list[Refund] = field(default_factory=list)


def _settled(payments: list[Payment]) -> list[Payment]:
    by_kind: dict[str, list[int]] = {}
    for payment in payments:
        by_kind.setdefault(payment.purpose_kind, []).append(payment.purpose_id)
    settled: dict[str, set[int] | None] = {}
    for kind, ids in by_kind.items():
        try:
            owner = purposes.purpose(kind)
        except LookupError:
            settled[kind] = set()
            continue
        settled[kind] = None if owner.settled is None else owner.settled(ids)
    return [
        p
        for p in payments
        if settled[p.purpose_kind] is None or p.purpose_id in settled[p.purpose_kind]
    ]


def refundable_payments(*, household: User, now=None) -> tuple[list[Refundable], int]:
    """The household's card payments credit may go back through, latest first, with what is
    left to refund of each; and what is left of older ones (outside the window)."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.CREDIT_REFUND_WINDOW_DAYS)
    captured = list(
        Payment.objects.filter(payer=household, status="succeeded", intent_id__isnull=False)
        .annotate(back=Sum("refunds__amount_cents"))
        .order_by("-created_at", "-pk")
    )
    recent, old = [], 0
    for payment in _settled(captured):
        left = payment.amount_received_cents - (payment.back or 0)
        if left <= 0:
            continue
        if payment.created_at >= since:
            recent.append(Refundable(payment, left))
        else:
            old += left
    return recent, old


@dataclass(frozen=True)
class WithdrawalOptions:
    credit_balance_cents: int
    available_cents: int
    refundable_cents: int
    refund_window_days: int


def withdrawal_options(*, household: User) -> WithdrawalOptions:
    """What the withdrawal page shows: the credit, what of it may be asked back, and what
    recent card payments can take back."""
    recent, _old = refundable_payments(household=household)
    can = available(household=household)
    return WithdrawalOptions(
        balance(household=household),
        can,
        min(can, sum(item.cents for item in recent)),
        settings.CREDIT_REFUND_WINDOW_DAYS,
    )


def withdraw_credit(*, household: User, amount_cents: int) -> WithdrawalResult:
    """Give ``amount_cents`` of the credit back to the cards it came from (see the module).
    409 ``withdrawal_exceeds_credit`` above the credit the household may spend; 409
    ``nothing_refundable`` when no payment can take any of it back (nothing is written)."""
    result = _decide(household=household, amount_cents=amount_cents)
    send_refunds(result.refunds)
    return result


@transaction.atomic
def _decide(*, household: User, amount_cents: int) -> WithdrawalResult:
    if amount_cents <= 0:
        raise Invalid(errors={"amount_cents": [_("Enter an amount above zero.")]})
    lock_household(household.pk)
    can = available(household=household)
    if amount_cents > can:
        raise WithdrawalExceedsCredit(available_cents=can)
    recent, old = refundable_payments(household=household)
    if not recent:
        raise NothingRefundable(kept_reason="old_payments" if old else "no_card_payment")
    # Under the household's lock: each withdrawal's refunds get keys no other one has.
    number = (
        Refund.objects.filter(reason=Refund.Reason.WITHDRAWAL, payment__payer=household).count() + 1
    )
    # Lock the payments refunded from, in pk order, after the household (see the module).
    chosen, left = [], amount_cents
    for item in recent:
        if left == 0:
            break
        cents = min(left, item.cents)
        chosen.append((item.payment, cents))
        left -= cents
    list(
        Payment.objects.select_for_update().filter(pk__in=[p.pk for p, _c in chosen]).order_by("pk")
    )
    rows = []
    for payment, cents in chosen:
        if cents > payment.amount_received_cents - refunded(payment):  # changed meanwhile
            cents = payment.amount_received_cents - refunded(payment)
        if cents <= 0:
            continue
        key = f"withdrawal-u{household.pk}-{number}-p{payment.pk}"
        rows.append(
            Refund.objects.create(
                payment=payment, key=key, reason=Refund.Reason.WITHDRAWAL, amount_cents=cents
            )
        )
        debit(
            household=household,
            amount_cents=cents,
            reason=CreditEntry.Reason.WITHDRAWAL,
            reference=f"withdrawal-{number}-p{payment.pk}",
        )
    back = sum(row.amount_cents for row in rows)
    if back == 0:
        raise NothingRefundable(kept_reason="no_card_payment")
    kept = amount_cents - back
    reason = "" if kept == 0 else ("old_payments" if old else "no_card_payment")
    return WithdrawalResult(amount_cents, back, kept, reason, rows)


def send_refunds(rows: list[Refund]) -> int:
    """Send to Stripe the withdrawal refunds not sent yet (each once, under its key); a
    refund Stripe cannot take now stays to be sent later. Returns how many were sent."""
    sent = 0
    for row in rows:
        if row.stripe_refund_id:
            continue
        try:
            with transaction.atomic():
                refund_payment(
                    payment=row.payment,
                    reason=row.reason,
                    amount_cents=row.amount_cents,
                    key=row.key,
                )
            sent += 1
        except PaymentUnavailable:
            logger.warning("withdrawal refund %s not sent yet: Stripe unavailable", row.key)
        except (PaymentRejected, InvalidPaymentMethod):
            # Stripe will never take it (a charge too old, say): the money stays credit.
            logger.warning("withdrawal refund %s refused by Stripe: kept as credit", row.key)
            _refused(row)
    return sent


@transaction.atomic
def _refused(row: Refund) -> None:
    household = row.payment.payer
    lock_household(household.pk)
    if Refund.objects.filter(pk=row.pk, stripe_refund_id="").update(stripe_refund_id="refused"):
        add_credit(
            household=household,
            amount_cents=row.amount_cents,
            reason=CreditEntry.Reason.REFUND,
            reference=f"{row.key}-refused",
        )


def withdrawal_message(result: WithdrawalResult) -> str:
    """What the household is told, plainly: what went back to its card, what stays credit
    and why."""
    back = format_eur(result.refunded_cents)
    if result.kept_cents == 0:
        return _("%(back)s refunded to your card.") % {"back": back}
    kept = format_eur(result.kept_cents)
    if result.kept_reason == "old_payments":
        days = settings.CREDIT_REFUND_WINDOW_DAYS
        return ngettext(
            "%(back)s refunded to your card; %(kept)s stay as credit: they come from payments "
            "more than %(days)s day old.",
            "%(back)s refunded to your card; %(kept)s stay as credit: they come from payments "
            "more than %(days)s days old.",
            days,
        ) % {"back": back, "kept": kept, "days": days}
    return _(
        "%(back)s refunded to your card; %(kept)s stay as credit: they do not come from a card "
        "payment that can be refunded."
    ) % {"back": back, "kept": kept}


def send_pending_withdrawals() -> int:
    """Periodic: send the withdrawal refunds Stripe did not take yet."""
    pending = Refund.objects.filter(reason=Refund.Reason.WITHDRAWAL, stripe_refund_id="")
    return send_refunds(list(pending.select_related("payment").order_by("pk")))
