"""Paying: the household's Stripe customer and saved card, one live payment attempt per order
or subscription, the webhook's effects, releases and refunds. Stripe is reached through
``orders.payments`` only."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from orders import payments
from orders.errors import (
    CardDeclined,
    InvalidPaymentMethod,
    NotPayable,
    OrderingClosed,
    PaymentInProgress,
    PaymentRejected,
    PaymentUnavailable,
)
from orders.models import (
    LIVE_PAYMENT_STATUSES,
    Order,
    Payment,
    Refund,
    StripeCustomer,
    StripeEvent,
)
from orders.services.credit import give_back_order_credit, pay_with_credit
from orders.services.placing import ordering_open

# Cards hold an authorisation about 7 days: closer cutoffs authorise now, capture at the close.
MANUAL_CAPTURE_WITHIN = timedelta(days=6)

# How far a PaymentIntent has gone; a mirror only ever moves forward (events come out of order).
_RANK = {
    "requires_payment_method": 0,
    "requires_confirmation": 1,
    "requires_action": 2,
    "processing": 3,
    "requires_capture": 4,
    "succeeded": 5,
    "canceled": 5,
}
PAYMENT_EVENTS = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.amount_capturable_updated",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "charge.refunded",
    }
)


@dataclass(frozen=True)
class Checkout:
    publishable_key: str
    client_secret: str
    saved_card: payments.Card | None


@dataclass(frozen=True)
class PayResult:
    order: Order
    status: str  # the PaymentIntent's
    client_secret: str = ""  # for stripe.confirmCardPayment when status is requires_action


def stripe_customer(*, household: User) -> StripeCustomer:
    """The household's Stripe customer, created once (Stripe's idempotency key and a unique
    row keep it single even when two checkouts race)."""
    customer = StripeCustomer.objects.filter(user=household).first()
    if customer is not None:
        return customer
    customer_id = payments.create_customer(email=household.email, user_id=household.pk)
    try:
        with transaction.atomic():
            return StripeCustomer.objects.create(user=household, customer_id=customer_id)
    except IntegrityError:
        return StripeCustomer.objects.get(user=household)


def checkout(*, household: User) -> Checkout:
    """What the page needs to pay: the publishable key, the client secret of a SetupIntent
    that saves a card (kept and reused until a card is saved with it), and the saved card."""
    customer = stripe_customer(household=household)
    if not customer.setup_client_secret:
        intent = payments.create_setup_intent(customer_id=customer.customer_id)
        StripeCustomer.objects.filter(pk=customer.pk).update(
            setup_intent_id=intent.id, setup_client_secret=intent.client_secret
        )
        customer.setup_client_secret = intent.client_secret
    saved = (
        payments.Card(brand=customer.card_brand, last4=customer.card_last4)
        if customer.payment_method_id
        else None
    )
    return Checkout(settings.STRIPE_PUBLISHABLE_KEY, customer.setup_client_secret, saved)


def remember_card(*, customer: StripeCustomer, payment_method: str, card: payments.Card) -> None:
    """A card that paid becomes the household's saved card (a declined one never does)."""
    if payment_method == customer.payment_method_id:
        return
    # The SetupIntent has been used: the next checkout gets a fresh one.
    StripeCustomer.objects.filter(pk=customer.pk).update(
        payment_method_id=payment_method,
        card_brand=card.brand,
        card_last4=card.last4,
        setup_intent_id="",
        setup_client_secret="",
    )


@dataclass(frozen=True)
class ChosenCard:
    payment_method: str
    card: payments.Card


def card_to_charge(*, customer: StripeCustomer, payment_method: str = "") -> ChosenCard | None:
    """The card a payment uses: ``payment_method`` if it is the household's own (saved, or
    just confirmed through its SetupIntent — see :func:`orders.payments.customer_card`), else
    400 ``invalid_payment_method``; without one, the saved card (None: no card at all)."""
    saved = payments.Card(brand=customer.card_brand, last4=customer.card_last4)
    if not payment_method or payment_method == customer.payment_method_id:
        if not customer.payment_method_id:
            return None
        return ChosenCard(customer.payment_method_id, saved)
    card = payments.customer_card(
        payment_method=payment_method,
        customer_id=customer.customer_id,
        setup_intent_id=customer.setup_intent_id,
    )
    return ChosenCard(payment_method, card)


def capture_method_for(order: Order) -> str:
    soon = order.distribution.cutoff_at - timezone.now() < MANUAL_CAPTURE_WITHIN
    return Order.Capture.MANUAL if soon else Order.Capture.AUTOMATIC


# --- One live attempt per payable thing ------------------------------------------------------

# A ``creating`` attempt whose Stripe call has not answered this long (the process died, the
# answer was lost) may be sent again, with the same idempotency key: Stripe then answers with
# the PaymentIntent it made, if it made one.
CLAIM_TIMEOUT = timedelta(minutes=2)


def live_payment(payments_of) -> Payment | None:
    """The payable thing's live attempt, if any (``payments_of``: its related manager)."""
    return payments_of.filter(status__in=LIVE_PAYMENT_STATUSES).order_by("-pk").first()


@dataclass(frozen=True)
class Claim:
    """What a pay request may do: send ``payment`` to Stripe (``send``: the attempt is its
    own), or wait for the live attempt another request is sending and report it. No payment:
    nothing is left to pay (paid meanwhile, or wholly by credit)."""

    payment: Payment | None = None
    send: bool = False


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


# A twin request waits this long for the attempt another request is sending.
WAIT_FOR_TWIN_SECONDS = 10.0

# The refusal an attempt met, raised again for a twin request that waited for it.
REFUSALS = {error.code: error for error in (CardDeclined, InvalidPaymentMethod, PaymentRejected)}


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


def answer_lost(*, payment_id: int) -> None:
    """The call for a ``creating`` attempt ended without an answer we could apply: it may be
    sent again at once, with the same key (Stripe then answers what it did the first time)."""
    Payment.objects.filter(pk=payment_id, status="creating").update(
        status="unknown", updated_at=timezone.now()
    )


def refresh_if_pending(payment: Payment | None) -> None:
    """A PaymentIntent waiting for 3-D Secure may have moved on in the browser: read it
    again before deciding whether a new attempt is allowed."""
    if payment is not None and payment.intent_id and payment.status == "requires_action":
        intent = payments.retrieve_payment_intent(intent_id=payment.intent_id)
        if payment.order_id:
            sync_payment(intent=intent, order_id=payment.order_id, attempt=payment.attempt)
        else:
            from orders.services.subscriptions import apply_subscription_payment

            apply_subscription_payment(
                subscription_id=payment.subscription_id, intent=intent, attempt=payment.attempt
            )


def mirror(payment: Payment, intent: payments.Intent) -> None:
    """Copy what Stripe says of the attempt's PaymentIntent onto its row; the mirror only
    moves forward (events come out of order). The caller holds the payable's lock."""
    if payment.status == "creating" or _RANK.get(intent.status, 0) >= _RANK.get(payment.status, 0):
        payment.intent_id = intent.id
        payment.status = intent.status
        payment.amount_cents = intent.amount or payment.amount_cents
        payment.amount_capturable_cents = intent.amount_capturable
        payment.amount_received_cents = max(
            payment.amount_received_cents,
            _received(intent, payment.capture_method, known=payment.amount_received_cents),
        )
        payment.client_secret = intent.client_secret or payment.client_secret
        payment.payment_method_id = intent.payment_method or payment.payment_method_id
        payment.save()


def find_attempt(
    *, intent: payments.Intent, attempt: int | None = None, **payable
) -> Payment | None:
    """The attempt row of ``intent``: by its id, or the ``creating`` row of the attempt (given,
    or named by the metadata) — Stripe's answer, or its webhook, arriving before the id was
    written. Locks the row; the caller holds the payable's lock."""
    payment = Payment.objects.select_for_update().filter(intent_id=intent.id).first()
    if payment is not None:
        return payment
    if attempt is None:
        named = intent.metadata.get("attempt", "")
        attempt = int(named) if named.isdigit() else None
    if attempt is None:
        return None
    return (
        Payment.objects.select_for_update()
        .filter(intent_id__isnull=True, attempt=attempt, **payable)
        .first()
    )


def pay_order(*, order: Order, payment_method: str = "") -> PayResult:
    """Pay what credit does not cover with the household's card: one PaymentIntent, created
    and confirmed in one call.

    The attempt is claimed first, under the order's row lock (:func:`claim_order_payment`): a
    second pay while one is live gets that one (or 409 ``payment_in_progress`` while it is
    being sent), so eight clicks at once make one PaymentIntent. Stripe is called outside any
    transaction with the key ``order-<id>-payment-<n>``, n counting failed attempts only; the
    answer is then applied by :func:`sync_payment`. Capture is manual when the cutoff is under
    6 days away, else automatic. Only the household's own cards are used (400
    ``invalid_payment_method`` otherwise).
    """
    order = Order.objects.select_related("distribution", "household").get(pk=order.pk)
    if order.status != Order.Status.AWAITING_PAYMENT:
        return _already_paid(order)
    if not ordering_open(order.distribution):
        raise OrderingClosed()
    refresh_if_pending(order.payments.order_by("-pk").first())
    customer = stripe_customer(household=order.household)
    chosen = card_to_charge(customer=customer, payment_method=payment_method)
    claim = claim_order_payment(
        order_id=order.pk, payment_method=chosen.payment_method if chosen else ""
    )
    if claim.payment is None:
        return _already_paid(Order.objects.get(pk=order.pk))
    if not claim.send:
        payment = outcome(claim.payment)
        return PayResult(Order.objects.get(pk=order.pk), payment.status, payment.client_secret)
    payment = claim.payment
    intent = send_payment(payment, customer_id=customer.customer_id)
    try:
        order = sync_payment(intent=intent, order_id=order.pk, attempt=payment.attempt)
    except Exception:
        answer_lost(payment_id=payment.pk)
        raise
    if chosen is not None and intent.status != "requires_payment_method":
        remember_card(customer=customer, payment_method=chosen.payment_method, card=chosen.card)
    return PayResult(order, intent.status, intent.client_secret)


def _already_paid(order: Order) -> PayResult:
    if order.status == Order.Status.PAID:
        current = order.payments.filter(status__in=["succeeded", "requires_capture"]).last()
        return PayResult(order, current.status if current else "succeeded")
    raise NotPayable()


@transaction.atomic
def claim_order_payment(*, order_id: int, payment_method: str) -> Claim:
    """Under the order's row lock: the live attempt (see :func:`reuse_live`), or credit spent
    and a new ``creating`` attempt of ours for what it does not cover. Without a card for the
    rest, nothing is spent (400). Locks the order row, then the household's."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("distribution")
        .get(pk=order_id)
    )
    if order.status != Order.Status.AWAITING_PAYMENT:
        return Claim()
    live = live_payment(order.payments)
    if live is not None:
        return reuse_live(live)
    attempt = order.payment_attempts
    card_cents = pay_with_credit(order=order, attempt=attempt)
    if card_cents == 0:
        return Claim()
    if not payment_method:  # raised inside the transaction: the credit is not spent
        raise Invalid(errors={"payment_method": [_("Enter a card to pay with.")]})
    payment = Payment.objects.create(
        order=order,
        attempt=attempt,
        capture_method=capture_method_for(order),
        status="creating",
        amount_cents=card_cents,
        payment_method_id=payment_method,
    )
    return Claim(payment, send=True)


def send_payment(payment: Payment, *, customer_id: str) -> payments.Intent:
    """Create and confirm the attempt's PaymentIntent. A refusal (declined card, a request
    Stripe rejects) ends the attempt: :func:`fail_attempt`. When the outcome is unknown (Stripe
    unreachable, a twin request under way) the attempt is ``unknown``: the next pay sends it
    again with the same key."""
    owner = (
        {"order_id": str(payment.order_id)}
        if payment.order_id
        else {"subscription_id": str(payment.subscription_id)}
    )
    try:
        return payments.create_payment_intent(
            amount_cents=payment.amount_cents,
            customer_id=customer_id,
            payment_method=payment.payment_method_id,
            capture_method=payment.capture_method,
            idempotency_key=payment.idempotency_key,
            metadata={**owner, "attempt": str(payment.attempt)},
        )
    except (CardDeclined, InvalidPaymentMethod, PaymentRejected) as exc:
        fail_attempt(payment_id=payment.pk, failure_code=exc.code)
        raise
    except Exception:
        answer_lost(payment_id=payment.pk)
        raise


@transaction.atomic
def fail_attempt(*, payment_id: int, failure_code: str) -> None:
    """The attempt made no PaymentIntent (or its PaymentIntent can no longer succeed): it is
    no longer live, the credit it spent comes back and the next attempt gets a new key
    (Stripe would replay this answer). Locks the payable's row; once per attempt."""
    payment = Payment.objects.get(pk=payment_id)
    Payment.objects.filter(pk=payment.pk).update(failure_code=failure_code)
    if payment.order_id:
        order = Order.objects.select_for_update(of=("self",)).get(pk=payment.order_id)
        _end_order_attempt(order, payment, status="failed")
    else:
        from orders.services.subscriptions import end_subscription_attempt

        end_subscription_attempt(payment=payment, status="failed")


def _end_order_attempt(order: Order, payment: Payment, *, status: str) -> None:
    Payment.objects.filter(pk=payment.pk, status__in=LIVE_PAYMENT_STATUSES).update(
        status=status, updated_at=timezone.now()
    )
    if order.payment_attempts == payment.attempt:
        order.payment_attempts = payment.attempt + 1
        order.save(update_fields=["payment_attempts"])
        if order.status == Order.Status.AWAITING_PAYMENT:
            give_back_order_credit(
                order=order, keep_cents=0, reference=f"declined-{payment.attempt}"
            )


def refresh_payment(*, order: Order) -> PayResult:
    """Re-read the order's latest PaymentIntent (after 3-D Secure in the browser)."""
    payment = order.payments.exclude(intent_id=None).order_by("-pk").first()
    if payment is None:
        return PayResult(order, "")
    intent = payments.retrieve_payment_intent(intent_id=payment.intent_id)
    return PayResult(sync_payment(intent=intent, order_id=order.pk), intent.status)


@transaction.atomic
def sync_payment(
    *, intent: payments.Intent, order_id: int | None = None, attempt: int | None = None
) -> Order | None:
    """Apply what Stripe says of a PaymentIntent to our rows. Idempotent and order-proof.

    The mirror only moves forward (a ``payment_failed`` read after ``succeeded`` changes
    nothing); money held for an order awaiting payment makes it paid; money held for an order
    that expired or was cancelled meanwhile, or that another attempt already paid, is given
    back (hold released or refunded); an attempt whose PaymentIntent failed ends, and its
    credit comes back. Locks the order row, then the payment row.
    """
    existing = Payment.objects.filter(intent_id=intent.id).values_list("order_id", flat=True)
    order_id = existing.first() or order_id
    if order_id is None:
        metadata_order = intent.metadata.get("order_id", "")
        order_id = int(metadata_order) if metadata_order.isdigit() else None
    if order_id is None:
        return None
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("distribution")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return None
    payment = find_attempt(intent=intent, attempt=attempt, order=order)
    if payment is None:  # a PaymentIntent made outside a claim (before claims existed)
        payment = Payment(
            order=order,
            attempt=attempt or 0,
            capture_method=intent.capture_method or capture_method_for(order),
            status="creating",
            amount_cents=intent.amount,
        )
    mirror(payment, intent)
    if payment.status in ("requires_payment_method", "canceled"):
        _end_order_attempt(order, payment, status=payment.status)
        return order
    if not payment.holds_money:
        return order
    paid_by_another = (
        order.payments.exclude(pk=payment.pk).filter(status__in=["succeeded", "requires_capture"])
    ).exists()
    if order.status == Order.Status.AWAITING_PAYMENT and not paid_by_another:
        order.status = Order.Status.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at"])
    elif order.status in (Order.Status.EXPIRED, Order.Status.CANCELLED):
        give_back(order=order, payment=payment, keep_cents=0, reason=Refund.Reason.EXPIRED)
    elif paid_by_another:
        give_back(order=order, payment=payment, keep_cents=0, reason=Refund.Reason.DUPLICATE)
    return order


def _received(intent: payments.Intent, capture_method: str, *, known: int) -> int:
    """What the PaymentIntent has received. When Stripe's answer omits it (localstripe), a
    payment captured at once received its whole amount; a captured authorisation is told by
    the close, which knows what it captured."""
    if intent.amount_received is not None:
        return intent.amount_received
    if known:
        return known
    automatic = capture_method == Order.Capture.AUTOMATIC
    return intent.amount if intent.status == "succeeded" and automatic else 0


def _refunded(payment: Payment) -> int:
    return payment.refunds.aggregate(total=Sum("amount_cents"))["total"] or 0


def refund(*, order: Order, payment: Payment, reason: str, amount_cents: int) -> Refund:
    """Refund ``amount_cents`` of an order's ``payment`` once, keyed by (order, payment,
    reason, amount, order revision): two equal changes of the order both count."""
    key = f"order-{order.pk}-p{payment.pk}-{reason}-{amount_cents}-r{order.revision}"
    return refund_payment(
        payment=payment, reason=reason, amount_cents=amount_cents, key=key, order=order
    )


def refund_payment(
    *, payment: Payment, reason: str, amount_cents: int, key: str, order: Order | None = None
) -> Refund:
    """Refund ``amount_cents`` of ``payment``, once: the row's unique ``key`` is also Stripe's
    idempotency key, so a retry never refunds twice. Runs inside the caller's transaction."""
    row, _created = Refund.objects.get_or_create(
        key=key,
        defaults={
            "order": order,
            "payment": payment,
            "reason": reason,
            "amount_cents": amount_cents,
        },
    )
    if not row.stripe_refund_id:
        row.stripe_refund_id = payments.create_refund(
            intent_id=payment.intent_id, amount_cents=amount_cents, idempotency_key=f"refund-{key}"
        )
        row.save(update_fields=["stripe_refund_id"])
    return row


def give_back(*, order: Order, payment: Payment, keep_cents: int, reason: str) -> None:
    """Keep ``keep_cents`` of what ``payment`` holds, give back the rest: an authorisation
    with nothing to keep is cancelled (hold released); money captured is refunded."""
    if payment.status == "requires_capture":
        if keep_cents == 0:
            intent = payments.cancel_payment_intent(
                intent_id=payment.intent_id, idempotency_key=f"{payment.intent_id}-cancel"
            )
            payment.status = intent.status
            payment.amount_capturable_cents = 0
            payment.save(update_fields=["status", "amount_capturable_cents", "updated_at"])
        return  # else captured for the final amount at the close
    if payment.status == "succeeded":
        extra = payment.amount_received_cents - _refunded(payment) - keep_cents
        if extra > 0:
            refund(order=order, payment=payment, reason=reason, amount_cents=extra)


def release_or_refund(*, order: Order, keep_cents: int, reason: str) -> None:
    """After the household lowers or cancels an order: give back what is no longer needed."""
    for payment in order.payments.select_for_update().order_by("pk"):
        if payment.holds_money:
            give_back(order=order, payment=payment, keep_cents=keep_cents, reason=reason)
            keep_cents = 0  # a second payment of the same order is given back whole


def _intent_id_of(event: payments.Event) -> str:
    obj = event.object
    intent_id = obj.get("payment_intent") if event.type == "charge.refunded" else obj.get("id")
    return intent_id if isinstance(intent_id, str) and intent_id.startswith("pi_") else ""


def _read_event(event: payments.Event) -> tuple[payments.Intent | None, str]:
    """The PaymentIntent an event is about, re-read from Stripe, or why the event is ignored.
    Only PaymentIntents the app made (a row of ours, or our metadata) are read."""
    if event.malformed:
        return None, f"malformed: {event.malformed}"
    if event.type not in PAYMENT_EVENTS:
        return None, ""
    intent_id = _intent_id_of(event)
    if not intent_id:
        return None, "no PaymentIntent"
    ours = Payment.objects.filter(intent_id=intent_id).exists() or any(
        str(event.metadata.get(name, "")).isdigit() for name in ("order_id", "subscription_id")
    )
    if not ours:
        return None, "not a PaymentIntent of ours"
    try:
        return payments.retrieve_payment_intent(intent_id=intent_id), ""
    except (PaymentRejected, InvalidPaymentMethod):
        return None, "unknown PaymentIntent"


def handle_stripe_event(*, event: payments.Event) -> bool:
    """Apply a verified Stripe event once. The event id is stored (unique) in the same
    transaction as its effect, so twice, concurrently or a thousand times is one effect. The
    PaymentIntent is re-read from Stripe rather than trusted from the event, so the order in
    which events arrive does not matter. An event that cannot be applied (malformed, about a
    PaymentIntent Stripe does not know) is stored with the reason and ignored: Stripe is not
    made to send it again. Returns False for an event already handled. Stripe unreachable
    while re-reading raises PaymentUnavailable (503: Stripe delivers again later)."""
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return False
    intent, ignored = _read_event(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event.id, type=event.type[:100], ignored=ignored[:100]
                )
        except IntegrityError:
            return False
        if intent is None:
            return True
        payment = Payment.objects.filter(intent_id=intent.id).first()
        subscription_id = payment.subscription_id if payment else None
        if payment is None and intent.metadata.get("subscription_id", "").isdigit():
            subscription_id = int(intent.metadata["subscription_id"])
        if subscription_id:
            from orders.services.subscriptions import apply_subscription_payment

            apply_subscription_payment(subscription_id=subscription_id, intent=intent)
        else:
            sync_payment(intent=intent)
    return True
