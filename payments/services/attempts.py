"""One live payment attempt per payable thing, for every purpose.

An app that takes a payment (an order, a season, a plot fee, a credit top-up) claims an
attempt under its own row lock (:func:`live_payment`, :func:`reuse_live`, :func:`new_attempt`),
sends it to Stripe outside any transaction (:func:`send`), and hears of what Stripe says
through its registered :class:`payments.purposes.Purpose` (:func:`apply_intent`). Stripe's
idempotency key is not relied on as a lock: localstripe ignores it, and real Stripe answers a
concurrent twin with ``idempotency_error``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from payments import gateway, purposes
from payments.errors import (
    CardDeclined,
    InvalidPaymentMethod,
    PaymentInProgress,
    PaymentRejected,
    PaymentUnavailable,
)
from payments.models import HOLDING_MONEY, LIVE_PAYMENT_STATUSES, Capture, Payment, Refund
from payments.services.cards import card_to_charge, remember_card, remember_if_paid
from payments.services.customers import stripe_customer

# How far a PaymentIntent has gone; a mirror only ever moves forward (events come out of order).
RANK = {
    "requires_payment_method": 0,
    "requires_confirmation": 1,
    "requires_action": 2,
    "processing": 3,
    "requires_capture": 4,
    "succeeded": 5,
    "canceled": 5,
}
# A PaymentIntent in one of these will take no money: its attempt has ended.
ENDED = ("requires_payment_method", "canceled")

# A ``creating`` attempt whose Stripe call has not answered this long (the process died) may be
# sent again, with the same idempotency key: Stripe then answers with the PaymentIntent it made,
# if it made one.
CLAIM_TIMEOUT = timedelta(minutes=2)

# A twin request waits this long for the attempt another request is sending.
WAIT_FOR_TWIN_SECONDS = 10.0

# The refusal an attempt met, raised again for a twin request that waited for it.
REFUSALS = {error.code: error for error in (CardDeclined, InvalidPaymentMethod, PaymentRejected)}


@dataclass(frozen=True)
class Claim:
    """What a pay request may do: send ``payment`` to Stripe (``send``: the attempt is its
    own), or wait for the live attempt another request is sending and report it. No payment:
    nothing is left to pay (paid meanwhile, or wholly by credit)."""

    payment: Payment | None = None
    send: bool = False


@dataclass(frozen=True)
class Taken:
    """What a pay request ended with: the PaymentIntent's status (``requires_action`` asks
    the browser for 3-D Secure, with ``client_secret``)."""

    status: str
    client_secret: str = ""


def take_payment(
    *, kind: str, ref: int, household: User, payment_method: str, claim: Callable[[str], Claim]
) -> Taken | None:
    """The pay request every purpose shares. A PaymentIntent waiting for 3-D Secure is read
    again; the card is the household's own (:func:`payments.services.cards.card_to_charge`:
    400 ``invalid_payment_method`` otherwise); ``claim(payment_method)`` — the owner's, run
    under its row lock with its rules — gives the live attempt or a new one; a twin's attempt
    is waited for (:func:`outcome`), ours is sent and its answer applied; a card that paid
    (the payment holds money) is saved — not one declined, nor one still waiting for 3-D
    Secure (saved by :func:`refresh` once it has paid). None when the claim found nothing
    left to pay. Stripe is called outside any transaction."""
    refresh_if_pending(kind, ref)
    customer = stripe_customer(household=household)
    chosen = card_to_charge(customer=customer, payment_method=payment_method)
    claimed = claim(chosen.payment_method if chosen else "")
    if claimed.payment is None:
        return None
    if not claimed.send:
        payment = outcome(claimed.payment)
        return Taken(payment.status, payment.client_secret)
    intent = send_and_apply(claimed.payment, customer_id=customer.customer_id)
    if chosen is not None and intent.status in HOLDING_MONEY:
        remember_card(customer=customer, payment_method=chosen.payment_method, card=chosen.card)
    return Taken(intent.status, intent.client_secret)


def payments_of(kind: str, ref: int) -> QuerySet[Payment]:
    return Payment.objects.filter(purpose_kind=kind, purpose_id=ref)


def live_payment(kind: str, ref: int) -> Payment | None:
    """The payable thing's live attempt, if any."""
    return payments_of(kind, ref).filter(status__in=LIVE_PAYMENT_STATUSES).order_by("-pk").first()


def reuse_live(live: Payment) -> Claim:
    """Decide, under the payable's row lock, what to do with its live attempt: an attempt
    Stripe answered, or one another request is sending, is reported (see :func:`outcome`); one
    whose call ended without an answer (``unknown``), or whose sender has been silent past
    :data:`CLAIM_TIMEOUT` (it died), is taken over: ``creating`` again, to be sent with the
    same key (Stripe then answers what it did the first time)."""
    if live.status == "unknown" or (
        live.status == "creating" and live.updated_at <= timezone.now() - CLAIM_TIMEOUT
    ):
        live.status = "creating"
        live.save(update_fields=["status", "updated_at"])  # the next twin waits again
        return Claim(live, send=True)
    return Claim(live)


def new_attempt(
    *,
    kind: str,
    ref: int,
    payer_id: int,
    attempt: int,
    amount_cents: int,
    payment_method: str,
    capture_method: str = Capture.AUTOMATIC,
    credit_cents: int = 0,
    seller: gateway.SellerOfRecord | None = None,
) -> Claim:
    """A new ``creating`` attempt of the caller's, written before Stripe is called; it
    reserves ``credit_cents`` of the payer's credit while it is live and holds no money. The
    caller holds the payable's row lock (and the payer's, when it reserves credit) and has
    checked it has no live attempt. With ``seller``, it is a destination charge for that
    connected account (kept on the row: a retry, and every refund, says the same)."""
    payment = Payment.objects.create(
        purpose_kind=kind,
        purpose_id=ref,
        payer_id=payer_id,
        attempt=attempt,
        capture_method=capture_method,
        status="creating",
        amount_cents=amount_cents,
        credit_cents=credit_cents,
        payment_method_id=payment_method,
        seller_account_id=seller.account_id if seller else "",
        application_fee_cents=seller.application_fee_cents if seller else 0,
    )
    return Claim(payment, send=True)


def outcome(payment: Payment) -> Payment:
    """The attempt another request is sending, once Stripe has answered it (waiting up to
    :data:`WAIT_FOR_TWIN_SECONDS`, else 409 ``payment_in_progress``): a double click gets the
    same answer as the first click — the attempt, or the same refusal."""
    deadline = time.monotonic() + WAIT_FOR_TWIN_SECONDS
    while payment.status == "creating":
        if time.monotonic() > deadline:
            raise PaymentInProgress()
        time.sleep(0.1)
        payment.refresh_from_db()
    if payment.status == "failed":
        raise REFUSALS.get(payment.failure_code, PaymentRejected)()
    if payment.status == "unknown":
        raise PaymentUnavailable()
    return payment


def send(payment: Payment, *, customer_id: str) -> gateway.Intent:
    """Create and confirm the attempt's PaymentIntent. A refusal (declined card, a request
    Stripe rejects) ends the attempt (:func:`fail_attempt`). When the outcome is unknown
    (Stripe unreachable, a twin request under way) the attempt is ``unknown``: the next pay
    sends it again with the same key. The metadata name the purpose and the attempt, so the
    webhook finds them even before the answer is written."""
    owner = purposes.purpose(payment.purpose_kind)
    group = owner.transfer_group(payment.purpose_id) if owner.transfer_group else ""
    try:
        return gateway.create_payment_intent(
            transfer_group=group,
            amount_cents=payment.amount_cents,
            customer_id=customer_id,
            payment_method=payment.payment_method_id,
            capture_method=payment.capture_method,
            idempotency_key=payment.idempotency_key,
            seller=payment.seller,
            metadata={
                f"{payment.purpose_kind}_id": str(payment.purpose_id),
                "attempt": str(payment.attempt),
            },
        )
    except (CardDeclined, InvalidPaymentMethod, PaymentRejected) as exc:
        fail_attempt(payment_id=payment.pk, failure_code=exc.code)
        raise
    except Exception:
        answer_lost(payment_id=payment.pk)
        raise


def answer_lost(*, payment_id: int) -> None:
    """The call for a ``creating`` attempt ended without an answer we could apply: it may be
    sent again at once, with the same key (Stripe then answers what it did the first time)."""
    Payment.objects.filter(pk=payment_id, status="creating").update(
        status="unknown", updated_at=timezone.now()
    )


def send_and_apply(payment: Payment, *, customer_id: str) -> gateway.Intent:
    """:func:`send`, then :func:`apply_intent`; a failure after Stripe answered leaves the
    attempt to be sent again with its key (Stripe answers the same PaymentIntent)."""
    intent = send(payment, customer_id=customer_id)
    try:
        apply_intent(
            intent=intent,
            kind=payment.purpose_kind,
            ref=payment.purpose_id,
            attempt=payment.attempt,
        )
    except Exception:
        answer_lost(payment_id=payment.pk)
        raise
    return intent


@transaction.atomic
def fail_attempt(*, payment_id: int, failure_code: str) -> None:
    """The attempt made no PaymentIntent: it is no longer live, and its owner hears of it
    (``ended``: the credit it spent comes back, the next attempt gets a new key — Stripe would
    replay this answer). Locks the payable's row, then the attempt's; once per attempt."""
    payment = Payment.objects.get(pk=payment_id)
    owner = purposes.purpose(payment.purpose_kind)
    thing = owner.lock(payment.purpose_id)
    Payment.objects.filter(pk=payment.pk).update(failure_code=failure_code)
    if _end(payment, status="failed") and thing is not None:
        owner.ended(thing, payment)


def _end(payment: Payment, *, status: str) -> bool:
    """Mark a live attempt ended; False if it had ended already (its owner was told then)."""
    payment.status = status
    return bool(
        Payment.objects.filter(pk=payment.pk, status__in=LIVE_PAYMENT_STATUSES).update(
            status=status, updated_at=timezone.now()
        )
    )


def received(intent: gateway.Intent, capture_method: str, *, known: int) -> int:
    """What the PaymentIntent has received. When Stripe's answer omits it (localstripe), a
    payment captured at once received its whole amount; a captured authorisation is told by
    its owner, which knows what it captured."""
    if intent.amount_received is not None:
        return intent.amount_received
    if known:
        return known
    automatic = capture_method == Capture.AUTOMATIC
    return intent.amount if intent.status == "succeeded" and automatic else 0


def mirror(payment: Payment, intent: gateway.Intent) -> None:
    """Copy what Stripe says of the attempt's PaymentIntent onto its row; the mirror only
    moves forward (events come out of order). The caller holds the payable's lock."""
    if payment.status in ("creating", "unknown") or RANK.get(intent.status, 0) >= RANK.get(
        payment.status, 0
    ):
        payment.intent_id = intent.id
        payment.status = intent.status
        payment.amount_cents = intent.amount or payment.amount_cents
        payment.amount_capturable_cents = intent.amount_capturable
        payment.amount_received_cents = max(
            payment.amount_received_cents,
            received(intent, payment.capture_method, known=payment.amount_received_cents),
        )
        payment.client_secret = intent.client_secret or payment.client_secret
        payment.payment_method_id = intent.payment_method or payment.payment_method_id
        payment.save()


def purpose_named(intent: gateway.Intent) -> tuple[str, int] | None:
    """The purpose a PaymentIntent's metadata names (``<kind>_id``), for a registered kind."""
    for kind in purposes.kinds():
        ref = intent.metadata.get(f"{kind}_id", "")
        if ref.isdigit():
            return kind, int(ref)
    return None


def find_attempt(
    *, intent: gateway.Intent, kind: str, ref: int, attempt: int | None = None
) -> Payment | None:
    """The attempt row of ``intent``: by its id, or the row of the attempt (given, or named by
    the metadata) still waiting for its PaymentIntent — Stripe's answer, or its webhook,
    arriving before the id was written. Locks the row; the caller holds the payable's lock."""
    payment = Payment.objects.select_for_update().filter(intent_id=intent.id).first()
    if payment is not None:
        return payment
    if attempt is None:
        named = intent.metadata.get("attempt", "")
        attempt = int(named) if named.isdigit() else None
    if attempt is None:
        return None
    return (
        payments_of(kind, ref)
        .select_for_update()
        .filter(intent_id__isnull=True, attempt=attempt)
        .first()
    )


@transaction.atomic
def apply_intent(
    *,
    intent: gateway.Intent,
    kind: str | None = None,
    ref: int | None = None,
    attempt: int | None = None,
) -> Payment | None:
    """Apply what Stripe says of a PaymentIntent to our rows, and tell its owner. Idempotent
    and order-proof: the mirror only moves forward. Its purpose is the one of its row, else
    ``kind``/``ref``, else the one its metadata names; None for a PaymentIntent that is not
    ours. An attempt whose PaymentIntent will take no money ends (the owner's ``ended``); any
    other change goes to the owner's ``changed``, which decides what money held means. Locks
    the payable's row, then the attempt's."""
    row = Payment.objects.filter(intent_id=intent.id).values("purpose_kind", "purpose_id")
    named = row.first()
    if named is not None:
        kind, ref = named["purpose_kind"], named["purpose_id"]
    elif kind is None or ref is None:
        found = purpose_named(intent)
        if found is None:
            return None
        kind, ref = found
    owner = purposes.purpose(kind)
    thing = owner.lock(ref)
    if thing is None:
        return None
    payment = find_attempt(intent=intent, kind=kind, ref=ref, attempt=attempt)
    if payment is None:  # a PaymentIntent made outside a claim (before claims existed)
        payment = Payment(
            purpose_kind=kind,
            purpose_id=ref,
            payer_id=owner.payer(thing),
            attempt=attempt or 0,
            capture_method=intent.capture_method or Capture.AUTOMATIC,
            status="creating",
            amount_cents=intent.amount,
        )
    was_live = payment.is_live
    mirror(payment, intent)
    if payment.status in ENDED:
        if was_live:
            owner.ended(thing, payment)
        return payment
    owner.changed(thing, payment)
    return payment


def refresh(payment: Payment | None) -> gateway.Intent | None:
    """Read the attempt's PaymentIntent again and apply it (after 3-D Secure in the browser);
    its card is saved if it has paid now. Outside any transaction."""
    if payment is None or not payment.intent_id:
        return None
    intent = gateway.retrieve_payment_intent(intent_id=payment.intent_id)
    applied = apply_intent(
        intent=intent, kind=payment.purpose_kind, ref=payment.purpose_id, attempt=payment.attempt
    )
    if applied is not None:
        remember_if_paid(applied)
    return intent


def refresh_if_pending(kind: str, ref: int) -> None:
    """A PaymentIntent waiting for 3-D Secure may have moved on in the browser: read it
    again before deciding whether a new attempt is allowed."""
    latest = payments_of(kind, ref).order_by("-pk").first()
    if latest is not None and latest.status == "requires_action":
        refresh(latest)


def latest_sent(kind: str, ref: int) -> Payment | None:
    """The purpose's latest attempt that reached Stripe."""
    return payments_of(kind, ref).exclude(intent_id=None).order_by("-pk").first()


def holding_money(kind: str, ref: int) -> QuerySet[Payment]:
    """The purpose's payments that hold money (captured, or authorised)."""
    return payments_of(kind, ref).filter(status__in=HOLDING_MONEY)


def paid_by_another(kind: str, ref: int, payment: Payment) -> bool:
    """Does another of the purpose's payments hold money for it? A payment already given back
    as a duplicate (refunded, its status still ``succeeded``) does not count: otherwise the
    paying payment, applied again later (a repeated webhook), would be given back too."""
    others = holding_money(kind, ref).exclude(pk=payment.pk)
    return others.exclude(refunds__reason=Refund.Reason.DUPLICATE).exists()
