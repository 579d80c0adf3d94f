"""Credit topped up by card (the ``topup`` purpose, registered in ``PaymentsConfig.ready``).

A top-up is one amount — one of ``CREDIT_TOPUP_AMOUNTS_CENTS`` or a free amount between
``CREDIT_TOPUP_MIN_CENTS`` and ``CREDIT_TOPUP_MAX_CENTS`` — paid by one PaymentIntent captured
at once. As for orders, one live attempt per top-up, claimed under its row lock. The credit is
added when a payment of it has succeeded, once: the synchronous answer and the webhook may
both say so (the top-up's ``paid_by`` and the ledger's unique reference ``topup-<id>``); a
second payment that holds money is refunded.

Locks: the top-up row, then the payment's, then the household's (the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from payments.errors import TopupAmountOutOfRange
from payments.models import Capture, CreditEntry, Payment, Refund, Topup
from payments.purposes import Purpose
from payments.services import attempts, refunds
from payments.services.wallet import add_credit
from payments.tasks import send_topup_received_task

KIND = "topup"


@dataclass(frozen=True)
class TopupChoices:
    """What the household may top up: the fixed amounts, and the bounds of a free one."""

    amounts_cents: tuple[int, ...]
    min_cents: int
    max_cents: int


def topup_choices() -> TopupChoices:
    return TopupChoices(
        tuple(settings.CREDIT_TOPUP_AMOUNTS_CENTS),
        settings.CREDIT_TOPUP_MIN_CENTS,
        settings.CREDIT_TOPUP_MAX_CENTS,
    )


@dataclass(frozen=True)
class TopupPayResult:
    topup: Topup
    status: str  # the PaymentIntent's
    client_secret: str = ""


@transaction.atomic
def start_topup(*, household: User, amount_cents: int) -> Topup:
    """A top-up of ``amount_cents`` awaiting its card payment; 400
    ``topup_amount_out_of_range`` outside the bounds (a fixed amount is always allowed)."""
    choices = topup_choices()
    if amount_cents not in choices.amounts_cents and not (
        choices.min_cents <= amount_cents <= choices.max_cents
    ):
        raise TopupAmountOutOfRange(min_cents=choices.min_cents, max_cents=choices.max_cents)
    return Topup.objects.create(household=household, amount_cents=amount_cents)


def pay_topup(*, topup: Topup, payment_method: str = "") -> TopupPayResult:
    """Pay the top-up with the household's card (its own cards only): the attempt is claimed
    under the top-up's row lock (:func:`claim_topup_payment`), Stripe is called outside any
    transaction with the key ``topup-<id>-payment-<n>``, captured at once."""
    topup = Topup.objects.select_related("household").get(pk=topup.pk)
    if topup.status == Topup.Status.PAID:
        return TopupPayResult(topup, "succeeded")
    taken = attempts.take_payment(
        kind=KIND,
        ref=topup.pk,
        household=topup.household,
        payment_method=payment_method,
        claim=lambda card: claim_topup_payment(topup_id=topup.pk, payment_method=card),
    )
    topup = Topup.objects.get(pk=topup.pk)
    if taken is None:
        return TopupPayResult(topup, "succeeded")
    return TopupPayResult(topup, taken.status, taken.client_secret)


@transaction.atomic
def claim_topup_payment(*, topup_id: int, payment_method: str) -> attempts.Claim:
    """Under the top-up's row lock: its live attempt, or a new one for its amount; nothing
    when it is paid already. Without a card, 400."""
    topup = lock_topup(topup_id)
    if topup is None or topup.status != Topup.Status.AWAITING_PAYMENT:
        return attempts.Claim()
    live = attempts.live_payment(KIND, topup.pk)
    if live is not None:
        return attempts.reuse_live(live)
    if not payment_method:
        raise Invalid(errors={"payment_method": [_("Enter a card to pay with.")]})
    return attempts.new_attempt(
        kind=KIND,
        ref=topup.pk,
        payer_id=topup.household_id,
        attempt=topup.payment_attempts,
        amount_cents=topup.amount_cents,
        payment_method=payment_method,
        capture_method=Capture.AUTOMATIC,
    )


def refresh_topup_payment(*, topup: Topup) -> TopupPayResult:
    """Re-read the top-up's latest PaymentIntent (after 3-D Secure in the browser)."""
    intent = attempts.refresh(attempts.latest_sent(KIND, topup.pk))
    return TopupPayResult(Topup.objects.get(pk=topup.pk), intent.status if intent else "")


# --- The ``topup`` purpose -------------------------------------------------------------------


def lock_topup(topup_id: int) -> Topup | None:
    return Topup.objects.select_for_update().select_related("household").filter(pk=topup_id).first()


def payment_changed(topup: Topup, payment: Payment) -> None:
    """A succeeded payment of a top-up awaiting payment adds its amount to the credit, once,
    and the household is e-mailed; a payment that holds money for a top-up another payment
    already paid is refunded, once."""
    if payment.status != "succeeded":
        return
    if topup.paid_by_id is None:
        add_credit(
            household=topup.household,
            amount_cents=topup.amount_cents,
            reason=CreditEntry.Reason.TOPUP,
            reference=f"topup-{topup.pk}",
        )
        topup.status = Topup.Status.PAID
        topup.paid_by = payment
        topup.credited_at = timezone.now()
        topup.save(update_fields=["status", "paid_by", "credited_at"])
        transaction.on_commit(partial(send_topup_received_task.delay, topup.pk))
    elif topup.paid_by_id != payment.pk:
        refunds.give_back(
            payment=payment,
            keep_cents=0,
            reason=Refund.Reason.DUPLICATE,
            refund_key=lambda amount: f"topup-{topup.pk}-p{payment.pk}-duplicate",
        )


def attempt_ended(topup: Topup, payment: Payment) -> None:
    """A failed attempt: the next one gets a new key."""
    if topup.payment_attempts == payment.attempt:
        topup.payment_attempts = payment.attempt + 1
        topup.save(update_fields=["payment_attempts"])


TOPUP_PURPOSE = Purpose(
    kind=KIND,
    lock=lock_topup,
    payer=lambda topup: topup.household_id,
    changed=payment_changed,
    ended=attempt_ended,
)
