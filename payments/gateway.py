"""The one door to Stripe (the only module that imports ``stripe``).

Small functions around ``stripe.StripeClient`` that return plain dataclasses and turn every
Stripe error class into a payments DomainError with a stable code and status, in one table
(:data:`ERRORS`). In the embedded mode ``STRIPE_API_BASE`` points at localstripe. Tests replace
this module's functions with a fake that behaves like Stripe, or run it against a real
localstripe.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import stripe
from django.conf import settings

from payments.errors import (
    BadSignature,
    CardDeclined,
    InvalidPaymentMethod,
    PaymentInProgress,
    PaymentRejected,
    PaymentUnavailable,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intent:
    """What the app keeps of a PaymentIntent or SetupIntent."""

    id: str
    status: str
    client_secret: str = ""
    amount: int = 0
    amount_capturable: int = 0
    # None when Stripe's answer does not say (localstripe omits it): the caller knows better.
    amount_received: int | None = 0
    payment_method: str = ""
    capture_method: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Card:
    brand: str
    last4: str


@dataclass(frozen=True)
class Event:
    """A verified webhook event. ``object`` and its ``metadata`` are always dicts; an event
    whose body is not the shape Stripe sends says why in ``malformed`` (and is ignored)."""

    id: str
    type: str
    object: dict[str, Any] = field(default_factory=dict)
    malformed: str = ""

    @property
    def metadata(self) -> dict[str, str]:
        return self.object.get("metadata") or {}


@cache
def _client(key: str, api_base: str) -> stripe.StripeClient:
    if api_base:
        return stripe.StripeClient(key, base_addresses={"api": api_base}, max_network_retries=2)
    return stripe.StripeClient(key, max_network_retries=2)


def client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _declined(exc: stripe.StripeError):
    return CardDeclined(decline_code=getattr(exc, "code", None) or "card_declined")


def _rejected(exc: stripe.StripeError):
    if getattr(exc, "param", None) == "payment_method":
        return InvalidPaymentMethod()
    logger.warning("Stripe refused a request: %s", exc)
    return PaymentRejected(stripe_code=getattr(exc, "code", None) or "invalid_request")


def _in_progress(exc: stripe.StripeError):
    return PaymentInProgress()


def _unavailable(exc: stripe.StripeError):
    return PaymentUnavailable()


def _misconfigured(exc: stripe.StripeError):
    logger.error("Stripe refused our credentials (check STRIPE_SECRET_KEY): %s", exc)
    return PaymentUnavailable()


# Every Stripe error class → one DomainError (code, status), first match wins. A declined card
# is 402; a request Stripe refuses is 400 (a payment method it does not know is
# ``invalid_payment_method``); a twin request under the same idempotency key is 409; Stripe
# unreachable, rate-limited, failing or refusing our keys is 503 (safe to retry later).
ERRORS: tuple[tuple[type[stripe.StripeError], Any], ...] = (
    (stripe.CardError, _declined),
    (stripe.IdempotencyError, _in_progress),
    (stripe.InvalidRequestError, _rejected),
    (stripe.RateLimitError, _unavailable),
    (stripe.APIConnectionError, _unavailable),
    (stripe.AuthenticationError, _misconfigured),
    (stripe.PermissionError, _misconfigured),
    (stripe.APIError, _unavailable),
    (stripe.StripeError, _unavailable),
)


def domain_error(exc: stripe.StripeError):
    """The DomainError that stands for a Stripe error (see :data:`ERRORS`)."""
    for error_class, make in ERRORS:
        if isinstance(exc, error_class):
            return make(exc)
    return PaymentUnavailable()


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except stripe.StripeError as exc:
        raise domain_error(exc) from exc


def _plain(obj: Any) -> dict:
    """Stripe objects are not dicts (stripe ≥ 15): keep a plain dict of their fields."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _intent(obj: Any) -> Intent:
    obj = _plain(obj)
    payment_method = obj.get("payment_method") or ""
    if not isinstance(payment_method, str):
        payment_method = payment_method.get("id", "")
    return Intent(
        id=obj["id"],
        status=obj["status"],
        client_secret=obj.get("client_secret") or "",
        amount=obj.get("amount") or 0,
        amount_capturable=obj["amount_capturable"]
        if "amount_capturable" in obj
        else (obj.get("amount") or 0 if obj["status"] == "requires_capture" else 0),
        amount_received=obj.get("amount_received"),
        payment_method=payment_method,
        capture_method=obj.get("capture_method") or "",
        metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
    )


def _options(idempotency_key: str | None) -> dict:
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


def create_customer(*, email: str, user_id: int) -> str:
    customer = _call(
        client().v1.customers.create,
        params={"email": email, "metadata": {"user_id": str(user_id)}},
        options=_options(f"customer-{user_id}"),
    )
    return _plain(customer)["id"]


def delete_customer(*, customer_id: str) -> None:
    """Delete a customer (an erased account): Stripe forgets its e-mail address and cards; its
    past charges stay (and can still be refunded). One Stripe no longer has is done too."""
    try:
        _call(client().v1.customers.delete, customer_id)
    except (PaymentRejected, InvalidPaymentMethod):
        logger.info("Customer %s was already deleted or unknown to Stripe", customer_id)


def create_setup_intent(*, customer_id: str) -> Intent:
    """A SetupIntent the browser confirms with ``stripe.confirmCardSetup`` to save a card."""
    return _intent(
        _call(
            client().v1.setup_intents.create,
            params={
                "customer": customer_id,
                "payment_method_types": ["card"],
                "usage": "off_session",
            },
        )
    )


def _card(pm: dict) -> Card:
    card = pm.get("card") or {}
    return Card(brand=card.get("brand") or "", last4=card.get("last4") or "")


def retrieve_card(*, payment_method: str) -> Card:
    return _card(_plain(_call(client().v1.payment_methods.retrieve, payment_method)))


def customer_card(*, payment_method: str, customer_id: str, setup_intent_id: str = "") -> Card:
    """The card ``payment_method`` if it belongs to ``customer_id``; else InvalidPaymentMethod
    (400), also for a payment method Stripe does not know.

    Stripe attaches a card to the customer when the customer's SetupIntent is confirmed; a card
    not attached yet is accepted only if it is the one that confirmed ``setup_intent_id`` (that
    customer's own SetupIntent), and is then attached here (localstripe does not attach it)."""
    if not payment_method.startswith("pm_"):
        raise InvalidPaymentMethod()
    try:
        pm = _plain(_call(client().v1.payment_methods.retrieve, payment_method))
    except PaymentRejected as exc:  # unknown to Stripe
        raise InvalidPaymentMethod() from exc
    owner = pm.get("customer") or ""
    if not isinstance(owner, str):
        owner = owner.get("id", "")
    if owner == customer_id:
        return _card(pm)
    if owner or not setup_intent_id:
        raise InvalidPaymentMethod()
    setup = _plain(_call(client().v1.setup_intents.retrieve, setup_intent_id))
    used = setup.get("payment_method") or ""
    if not isinstance(used, str):
        used = used.get("id", "")
    if (setup.get("customer"), used, setup.get("status")) != (customer_id, pm["id"], "succeeded"):
        raise InvalidPaymentMethod()
    _call(
        client().v1.payment_methods.attach,
        payment_method,
        params={"customer": customer_id},
        options=_options(f"attach-{payment_method}-{customer_id}"),
    )
    return _card(pm)


def list_cards(*, customer_id: str) -> dict[str, Card]:
    """The cards attached to ``customer_id`` at Stripe, by payment method id (first 100)."""
    page = _plain(
        _call(
            client().v1.payment_methods.list,
            params={"customer": customer_id, "type": "card", "limit": 100},
        )
    )
    return {pm["id"]: _card(_plain(pm)) for pm in page.get("data") or []}


def detach_card(*, payment_method: str) -> None:
    """Detach a card from its customer: it can no longer pay. A card Stripe no longer has, or
    has detached already, is done too (the answer to a retry)."""
    try:
        _call(client().v1.payment_methods.detach, payment_method)
    except (PaymentRejected, InvalidPaymentMethod):
        logger.info("Card %s was already detached or unknown to Stripe", payment_method)


def create_payment_intent(
    *,
    amount_cents: int,
    customer_id: str,
    payment_method: str,
    capture_method: str,
    idempotency_key: str,
    metadata: dict[str, str],
) -> Intent:
    """Create AND confirm in one call (``confirm=True``): the flow localstripe and Stripe share.
    A declined card raises CardDeclined; 3-D Secure answers ``requires_action``."""
    return _intent(
        _call(
            client().v1.payment_intents.create,
            params={
                "amount": amount_cents,
                "currency": "eur",
                "customer": customer_id,
                "payment_method": payment_method,
                "payment_method_types": ["card"],
                "capture_method": capture_method,
                "confirm": True,
                "metadata": metadata,
            },
            options=_options(idempotency_key),
        )
    )


def retrieve_payment_intent(*, intent_id: str) -> Intent:
    return _intent(_call(client().v1.payment_intents.retrieve, intent_id))


def capture_payment_intent(*, intent_id: str, amount_cents: int, idempotency_key: str) -> Intent:
    return _intent(
        _call(
            client().v1.payment_intents.capture,
            intent_id,
            params={"amount_to_capture": amount_cents},
            options=_options(idempotency_key),
        )
    )


def cancel_payment_intent(*, intent_id: str, idempotency_key: str) -> Intent:
    return _intent(
        _call(client().v1.payment_intents.cancel, intent_id, options=_options(idempotency_key))
    )


def create_refund(*, intent_id: str, amount_cents: int, idempotency_key: str) -> str:
    refund = _call(
        client().v1.refunds.create,
        params={"payment_intent": intent_id, "amount": amount_cents},
        options=_options(idempotency_key),
    )
    return _plain(refund)["id"]


def parse_event(*, payload: bytes, signature: str) -> Event:
    """Verify the ``Stripe-Signature`` of a webhook's raw body; BadSignature (400) if wrong.

    A signed body that is not the shape of a Stripe event (not an object, no string id,
    ``data.object`` or ``metadata`` not objects...) still comes back, with ``malformed`` saying
    why, so that it is stored once and ignored rather than failing (and being sent again)."""
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=300
        )
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise BadSignature() from exc
    fallback_id = "malformed-" + hashlib.sha256(payload).hexdigest()[:40]
    try:
        data = json.loads(payload)
    except ValueError:
        return Event(id=fallback_id, type="", malformed="not JSON")
    if not isinstance(data, dict):
        return Event(id=fallback_id, type="", malformed="not an object")
    event_id, event_type = data.get("id"), data.get("type")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 255:
        return Event(id=fallback_id, type="", malformed="no event id")
    if not isinstance(event_type, str):
        return Event(id=event_id, type="", malformed="no event type")
    body = data.get("data")
    obj = body.get("object") if isinstance(body, dict) else None
    if not isinstance(obj, dict):
        return Event(id=event_id, type=event_type, malformed="data.object is not an object")
    metadata = obj.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return Event(id=event_id, type=event_type, malformed="metadata is not an object")
    return Event(id=event_id, type=event_type, object=obj)
