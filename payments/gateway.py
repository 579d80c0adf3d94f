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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ParamSpec, TypeVar

import stripe
from django.conf import settings
from stripe._request_options import RequestOptions
from stripe.params import (
    AccountCreateParams,
    AccountLinkCreateParams,
    PaymentIntentCreateParams,
    RefundCreateParams,
    TransferCreateParams,
    TransferCreateReversalParams,
)

from common.errors import DomainError
from payments.errors import (
    BadSignature,
    CardDeclined,
    InvalidPaymentMethod,
    PaymentInProgress,
    PaymentRejected,
    PaymentUnavailable,
)

logger = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


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
    # A Connect event names the connected account it happened on.
    account: str = ""

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


def _declined(exc: stripe.StripeError) -> DomainError:
    return CardDeclined(decline_code=getattr(exc, "code", None) or "card_declined")


def _rejected(exc: stripe.StripeError) -> DomainError:
    if getattr(exc, "param", None) == "payment_method":
        return InvalidPaymentMethod()
    logger.warning("Stripe refused a request: %s", exc)
    return PaymentRejected(stripe_code=getattr(exc, "code", None) or "invalid_request")


def _in_progress(exc: stripe.StripeError) -> DomainError:
    return PaymentInProgress()


def _unavailable(exc: stripe.StripeError) -> DomainError:
    return PaymentUnavailable()


def _misconfigured(exc: stripe.StripeError) -> DomainError:
    logger.error("Stripe refused our credentials (check STRIPE_SECRET_KEY): %s", exc)
    return PaymentUnavailable()


# Every Stripe error class → one DomainError (code, status), first match wins. A declined card
# is 402; a request Stripe refuses is 400 (a payment method it does not know is
# ``invalid_payment_method``); a twin request under the same idempotency key is 409; Stripe
# unreachable, rate-limited, failing or refusing our keys is 503 (safe to retry later).
ERRORS: tuple[tuple[type[stripe.StripeError], Callable[[stripe.StripeError], DomainError]], ...] = (
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


def domain_error(exc: stripe.StripeError) -> DomainError:
    """The DomainError that stands for a Stripe error (see :data:`ERRORS`)."""
    for error_class, make in ERRORS:
        if isinstance(exc, error_class):
            return make(exc)
    return PaymentUnavailable()


def _call(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call the Stripe client, its refusals turned into DomainErrors (:data:`ERRORS`). Typed
    through: the parameters are checked against stripe-python's own (``mypy``)."""
    try:
        return function(*args, **kwargs)
    except stripe.StripeError as exc:
        raise domain_error(exc) from exc


def _plain(obj: Any) -> dict[str, Any]:
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


def _options(idempotency_key: str | None) -> RequestOptions:
    options: RequestOptions = {}
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


def create_customer(*, email: str, user_id: int) -> str:
    customer = _call(
        client().v1.customers.create,
        params={"email": email, "metadata": {"user_id": str(user_id)}},
        options=_options(f"customer-{user_id}"),
    )
    return str(_plain(customer)["id"])


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
                "allowed_payment_method_types": ["card"],
                "usage": "off_session",
            },
        )
    )


def _card(pm: dict[str, Any]) -> Card:
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


@dataclass(frozen=True)
class SellerOfRecord:
    """A charge made for a connected account (an AMAP farm sells its season itself): Stripe
    charges ``on_behalf_of`` it, sends the amount to it (``transfer_data.destination``) and keeps
    ``application_fee_cents`` for the platform."""

    account_id: str
    application_fee_cents: int = 0


def create_payment_intent(
    *,
    amount_cents: int,
    customer_id: str,
    payment_method: str,
    capture_method: str,
    idempotency_key: str,
    metadata: dict[str, str],
    transfer_group: str = "",
    seller: SellerOfRecord | None = None,
) -> Intent:
    """Create AND confirm in one call (``confirm=True``): the flow localstripe and Stripe share.
    A declined card raises CardDeclined; 3-D Secure answers ``requires_action``.

    ``transfer_group`` ties a platform charge to the transfers paid later out of it (separate
    charges and transfers: one group per distribution); ``seller`` makes it a destination
    charge for a connected account instead."""
    params: PaymentIntentCreateParams = {
        "amount": amount_cents,
        "currency": "eur",
        "customer": customer_id,
        "payment_method": payment_method,
        "allowed_payment_method_types": ["card"],
        "capture_method": "manual" if capture_method == "manual" else "automatic",
        "confirm": True,
        "metadata": metadata,
    }
    if transfer_group:
        params["transfer_group"] = transfer_group
    if seller is not None:
        params["on_behalf_of"] = seller.account_id
        params["transfer_data"] = {"destination": seller.account_id}
        if seller.application_fee_cents:
            params["application_fee_amount"] = seller.application_fee_cents
    return _intent(
        _call(client().v1.payment_intents.create, params=params, options=_options(idempotency_key))
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


def create_refund(
    *, intent_id: str, amount_cents: int, idempotency_key: str, destination_charge: bool = False
) -> str:
    """Refund part of a PaymentIntent. A destination charge (``destination_charge``: made for a
    connected account) takes the refund back from that account and gives back the platform's
    fee in proportion."""
    params: RefundCreateParams = {"payment_intent": intent_id, "amount": amount_cents}
    if destination_charge:
        params["reverse_transfer"] = True
        params["refund_application_fee"] = True
    refund = _call(client().v1.refunds.create, params=params, options=_options(idempotency_key))
    return str(_plain(refund)["id"])


# --- Stripe Connect: the farms' and hosts' accounts, and the transfers paid to them ---------


@dataclass(frozen=True)
class Account:
    """What the app keeps of a connected (Express) account."""

    id: str
    charges_enabled: bool = False
    payouts_enabled: bool = False
    details_submitted: bool = False
    # Stripe's ``requirements``: what it still needs now, and why the account is disabled.
    currently_due: tuple[str, ...] = ()
    past_due: tuple[str, ...] = ()
    disabled_reason: str = ""


def _account(obj: Any) -> Account:
    obj = _plain(obj)
    requirements = obj.get("requirements") or {}
    return Account(
        id=str(obj["id"]),
        charges_enabled=bool(obj.get("charges_enabled")),
        payouts_enabled=bool(obj.get("payouts_enabled")),
        details_submitted=bool(obj.get("details_submitted")),
        currently_due=tuple(str(r) for r in requirements.get("currently_due") or ()),
        past_due=tuple(str(r) for r in requirements.get("past_due") or ()),
        disabled_reason=str(requirements.get("disabled_reason") or ""),
    )


def account_from_event(obj: dict[str, Any]) -> Account | None:
    """The account an ``account.updated`` event carries, or None if it is not one."""
    if obj.get("object") != "account" or not str(obj.get("id", "")).startswith("acct_"):
        return None
    return _account(obj)


def create_account(
    *, email: str, metadata: dict[str, str], idempotency_key: str, business_name: str = ""
) -> Account:
    """An Express account in France that can take card payments and receive transfers."""
    params: AccountCreateParams = {
        "type": "express",
        "country": "FR",
        "default_currency": "eur",
        "capabilities": {
            "card_payments": {"requested": True},
            "transfers": {"requested": True},
        },
        "metadata": metadata,
    }
    if email:
        params["email"] = email
    if business_name:
        params["business_profile"] = {"name": business_name}
    return _account(
        _call(client().v1.accounts.create, params=params, options=_options(idempotency_key))
    )


def retrieve_account(*, account_id: str) -> Account:
    return _account(_call(client().v1.accounts.retrieve, account_id))


def create_account_link(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """The URL of Stripe's hosted onboarding for ``account_id`` (single use, expires in
    minutes): Stripe sends the user back to ``return_url``, or to ``refresh_url`` when the
    link has expired."""
    params: AccountLinkCreateParams = {
        "account": account_id,
        "refresh_url": refresh_url,
        "return_url": return_url,
        "type": "account_onboarding",
    }
    return str(_plain(_call(client().v1.account_links.create, params=params))["url"])


def create_transfer(
    *,
    account_id: str,
    amount_cents: int,
    transfer_group: str,
    idempotency_key: str,
    metadata: dict[str, str],
) -> str:
    """Send ``amount_cents`` of the platform's balance to a connected account; its id.
    Stripe refuses more than the platform's available balance (PaymentRejected,
    ``balance_insufficient``)."""
    params: TransferCreateParams = {
        "amount": amount_cents,
        "currency": "eur",
        "destination": account_id,
        "transfer_group": transfer_group,
        "metadata": metadata,
    }
    transfer = _call(client().v1.transfers.create, params=params, options=_options(idempotency_key))
    return str(_plain(transfer)["id"])


def create_transfer_reversal(
    *, transfer_id: str, amount_cents: int, idempotency_key: str, metadata: dict[str, str]
) -> str:
    """Take back part of a transfer from the connected account; the reversal's id. Stripe
    refuses more than is left of the transfer, or than the account's balance holds
    (PaymentRejected, ``balance_insufficient``)."""
    params: TransferCreateReversalParams = {"amount": amount_cents, "metadata": metadata}
    reversal = _call(
        client().v1.transfers.reversals.create,
        transfer_id,
        params=params,
        options=_options(idempotency_key),
    )
    return str(_plain(reversal)["id"])


def parse_event(*, payload: bytes, signature: str, secret: str = "") -> Event:
    """Verify the ``Stripe-Signature`` of a webhook's raw body; BadSignature (400) if wrong.

    A signed body that is not the shape of a Stripe event (not an object, no string id,
    ``data.object`` or ``metadata`` not objects...) still comes back, with ``malformed`` saying
    why, so that it is stored once and ignored rather than failing (and being sent again).
    Connect events (about the connected accounts) come to their own endpoint, signed with
    their own ``secret``."""
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            signature,
            secret or settings.STRIPE_WEBHOOK_SECRET,
            tolerance=300,
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
    account = data.get("account")
    return Event(
        id=event_id,
        type=event_type,
        object=obj,
        account=account if isinstance(account, str) else "",
    )
