"""The one door to Stripe (the only module that imports ``stripe``).

Small functions around ``stripe.StripeClient`` that return plain dataclasses and turn Stripe's
errors into orders DomainErrors (declined card → 402 ``card_declined``, Stripe unreachable →
503 ``payment_unavailable``). In the embedded mode ``STRIPE_API_BASE`` points at localstripe.
Tests replace this module's functions with a fake that behaves like Stripe, or run it against a
real localstripe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import stripe
from django.conf import settings

from orders.errors import BadSignature, CardDeclined, PaymentUnavailable


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


@dataclass(frozen=True)
class Card:
    brand: str
    last4: str


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    object: dict[str, Any] = field(default_factory=dict)


@cache
def _client(key: str, api_base: str) -> stripe.StripeClient:
    if api_base:
        return stripe.StripeClient(key, base_addresses={"api": api_base}, max_network_retries=2)
    return stripe.StripeClient(key, max_network_retries=2)


def client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except stripe.CardError as exc:
        raise CardDeclined(decline_code=getattr(exc, "code", None) or "card_declined") from exc
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise PaymentUnavailable() from exc
    except stripe.APIError as exc:
        raise PaymentUnavailable() from exc


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


def retrieve_card(*, payment_method: str) -> Card:
    pm = _call(client().v1.payment_methods.retrieve, payment_method)
    card = _plain(pm).get("card") or {}
    return Card(brand=card.get("brand") or "", last4=card.get("last4") or "")


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
    """Verify the ``Stripe-Signature`` of a webhook's raw body; BadSignature (400) if wrong."""
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=300
        )
        data = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise BadSignature() from exc
    return Event(
        id=str(data.get("id", "")),
        type=str(data.get("type", "")),
        object=(data.get("data") or {}).get("object") or {},
    )
