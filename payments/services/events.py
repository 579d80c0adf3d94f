"""Stripe's webhook events: stored once, the PaymentIntent re-read, its owner told; disputes
recorded (``payments.services.disputes``)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from payments import gateway, purposes
from payments.errors import InvalidPaymentMethod, PaymentRejected
from payments.models import Payment, StripeEvent
from payments.services.attempts import apply_intent
from payments.services.disputes import DISPUTE_EVENTS, apply_dispute, read_dispute

PAYMENT_EVENTS = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.amount_capturable_updated",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "charge.refunded",
    }
)


def _intent_id_of(event: gateway.Event) -> str:
    obj = event.object
    intent_id = obj.get("payment_intent") if event.type == "charge.refunded" else obj.get("id")
    return intent_id if isinstance(intent_id, str) and intent_id.startswith("pi_") else ""


def _names_a_purpose(event: gateway.Event) -> bool:
    return any(str(event.metadata.get(f"{kind}_id", "")).isdigit() for kind in purposes.kinds())


def _read_event(event: gateway.Event) -> tuple[gateway.Intent | None, str]:
    """The PaymentIntent an event is about, re-read from Stripe, or why the event is ignored.
    Only PaymentIntents the app made (a row of ours, or our metadata) are read."""
    if event.malformed:
        return None, f"malformed: {event.malformed}"
    if event.type not in PAYMENT_EVENTS:
        return None, ""
    intent_id = _intent_id_of(event)
    if not intent_id:
        return None, "no PaymentIntent"
    if not (Payment.objects.filter(intent_id=intent_id).exists() or _names_a_purpose(event)):
        return None, "not a PaymentIntent of ours"
    try:
        return gateway.retrieve_payment_intent(intent_id=intent_id), ""
    except (PaymentRejected, InvalidPaymentMethod):
        return None, "unknown PaymentIntent"


def handle_stripe_event(*, event: gateway.Event) -> bool:
    """Apply a verified Stripe event once. The event id is stored (unique) in the same
    transaction as its effect, so twice, concurrently or a thousand times is one effect. The
    PaymentIntent is re-read from Stripe rather than trusted from the event, so the order in
    which events arrive does not matter; its owner is told through its registered purpose.
    An event that cannot be applied (malformed, about a PaymentIntent Stripe does not know)
    is stored with the reason and ignored: Stripe is not made to send it again. Returns False
    for an event already handled. Stripe unreachable while re-reading raises
    PaymentUnavailable (503: Stripe delivers again later)."""
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return False
    dispute = None
    if event.type in DISPUTE_EVENTS and not event.malformed:
        intent = None
        dispute, ignored = read_dispute(event.object)
    else:
        intent, ignored = _read_event(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event.id, type=event.type[:100], ignored=ignored[:100]
                )
        except IntegrityError:
            return False
        if intent is not None:
            apply_intent(intent=intent)
        if dispute is not None:
            apply_dispute(dispute)
    return True
