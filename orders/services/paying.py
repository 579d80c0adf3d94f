"""Paying: the household's Stripe customer and saved card, the PaymentIntent of an order, the
webhook's effects, releases and refunds. Stripe is reached through ``orders.payments`` only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from orders import payments
from orders.errors import CardDeclined, NotPayable, OrderingClosed, PaymentUnavailable
from orders.models import Order, Payment, Refund, StripeCustomer, StripeEvent
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


def _remember_card(customer: StripeCustomer, payment_method: str) -> None:
    if payment_method == customer.payment_method_id:
        return
    try:
        card = payments.retrieve_card(payment_method=payment_method)
    except PaymentUnavailable:
        card = payments.Card(brand="", last4="")
    # The SetupIntent has been used: the next checkout gets a fresh one.
    StripeCustomer.objects.filter(pk=customer.pk).update(
        payment_method_id=payment_method,
        card_brand=card.brand,
        card_last4=card.last4,
        setup_intent_id="",
        setup_client_secret="",
    )


def capture_method_for(order: Order) -> str:
    soon = order.distribution.cutoff_at - timezone.now() < MANUAL_CAPTURE_WITHIN
    return Order.Capture.MANUAL if soon else Order.Capture.AUTOMATIC


def pay_order(*, order: Order, payment_method: str = "") -> PayResult:
    """Create and confirm the order's PaymentIntent in one call with a saved card.

    The idempotency key is ``order-<id>-payment-<n>`` where n counts declined cards only, so
    a retry after a crash or a lost answer gets the same PaymentIntent back from Stripe, and
    two concurrent clicks make one. Capture is manual when the cutoff is under 6 days away,
    else automatic. Without ``payment_method`` the saved card pays. Stripe is called outside
    any transaction; the answer is then applied by :func:`sync_payment`.
    """
    order = Order.objects.select_related("distribution", "household").get(pk=order.pk)
    if order.status != Order.Status.AWAITING_PAYMENT:
        current = order.payments.filter(status__in=["succeeded", "requires_capture"]).last()
        if order.status == Order.Status.PAID and current is not None:
            return PayResult(order, current.status)
        raise NotPayable()
    if not ordering_open(order.distribution):
        raise OrderingClosed()
    attempt = order.payment_attempts
    # Subscriptions (issue 6): the household's credit pays first; the card pays the rest.
    card_cents = pay_with_credit(order=order, attempt=attempt)
    if card_cents == 0:
        return PayResult(Order.objects.get(pk=order.pk), "succeeded")
    customer = stripe_customer(household=order.household)
    payment_method = payment_method or customer.payment_method_id
    if not payment_method:
        raise Invalid(errors={"payment_method": [_("Enter a card to pay with.")]})
    _remember_card(customer, payment_method)
    try:
        intent = payments.create_payment_intent(
            amount_cents=card_cents,
            customer_id=customer.customer_id,
            payment_method=payment_method,
            capture_method=capture_method_for(order),
            idempotency_key=f"order-{order.pk}-payment-{attempt}",
            metadata={"order_id": str(order.pk), "attempt": str(attempt)},
        )
    except CardDeclined:
        give_back_order_credit(order=order, keep_cents=0, reference=f"declined-{attempt}")
        # A real retry with another card needs a new key (Stripe would replay the decline).
        Order.objects.filter(pk=order.pk, payment_attempts=attempt).update(
            payment_attempts=F("payment_attempts") + 1
        )
        raise
    if intent.status == "requires_payment_method":  # failed 3-D Secure and the like
        give_back_order_credit(order=order, keep_cents=0, reference=f"declined-{attempt}")
        Order.objects.filter(pk=order.pk, payment_attempts=attempt).update(
            payment_attempts=F("payment_attempts") + 1
        )
    order = sync_payment(intent=intent, order_id=order.pk, attempt=attempt)
    return PayResult(order, intent.status, intent.client_secret)


def refresh_payment(*, order: Order) -> PayResult:
    """Re-read the order's latest PaymentIntent (after 3-D Secure in the browser)."""
    payment = order.payments.order_by("-pk").first()
    if payment is None:
        return PayResult(order, "")
    intent = payments.retrieve_payment_intent(intent_id=payment.intent_id)
    return PayResult(sync_payment(intent=intent, order_id=order.pk), intent.status)


@transaction.atomic
def sync_payment(
    *, intent: payments.Intent, order_id: int | None = None, attempt: int = 0
) -> Order | None:
    """Apply what Stripe says of a PaymentIntent to our rows. Idempotent and order-proof.

    The mirror only moves forward (a ``payment_failed`` read after ``succeeded`` changes
    nothing); money held for an order awaiting payment makes it paid; money held for an order
    that expired or was cancelled meanwhile is given back (hold released or refunded). Locks
    the order row, then the payment row.
    """
    existing = Payment.objects.filter(intent_id=intent.id).values_list("order_id", flat=True)
    order_id = existing.first() or order_id
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
    capture_method = intent.capture_method or capture_method_for(order)
    payment, created = Payment.objects.select_for_update().get_or_create(
        intent_id=intent.id,
        defaults={
            "order": order,
            "attempt": attempt,
            "capture_method": capture_method,
            "status": intent.status,
            "amount_cents": intent.amount,
            "amount_capturable_cents": intent.amount_capturable,
            "amount_received_cents": _received(intent, capture_method, known=0),
            "payment_method_id": intent.payment_method,
        },
    )
    if not created and _RANK.get(intent.status, 0) >= _RANK.get(payment.status, 0):
        payment.status = intent.status
        payment.amount_capturable_cents = intent.amount_capturable
        payment.amount_received_cents = max(
            payment.amount_received_cents,
            _received(intent, payment.capture_method, known=payment.amount_received_cents),
        )
        payment.save()
    if not payment.holds_money:
        return order
    if order.status == Order.Status.AWAITING_PAYMENT:
        order.status = Order.Status.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at"])
    elif order.status in (Order.Status.EXPIRED, Order.Status.CANCELLED):
        _give_back(order=order, payment=payment, keep_cents=0, reason=Refund.Reason.EXPIRED)
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
    """Refund ``amount_cents`` of ``payment``, once: the row's unique key (order, reason,
    amount, order revision) is also Stripe's idempotency key, so a retry never refunds twice.
    Runs inside the caller's transaction."""
    key = f"order-{order.pk}-{reason}-{amount_cents}-r{order.revision}"
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


def _give_back(*, order: Order, payment: Payment, keep_cents: int, reason: str) -> None:
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
            _give_back(order=order, payment=payment, keep_cents=keep_cents, reason=reason)
            keep_cents = 0  # a second payment of the same order is given back whole


def handle_stripe_event(*, event: payments.Event) -> bool:
    """Apply a verified Stripe event once. The event id is stored (unique) in the same
    transaction as its effect, so twice, concurrently or a thousand times is one effect. The
    PaymentIntent is re-read from Stripe rather than trusted from the event, so the order in
    which events arrive does not matter. Returns False for an event already handled."""
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return False
    intent, order_id = None, None
    if event.type in PAYMENT_EVENTS:
        obj = event.object
        intent_id = obj.get("payment_intent") if event.type == "charge.refunded" else obj.get("id")
        order_id = str((obj.get("metadata") or {}).get("order_id") or "")
        order_id = order_id if order_id.isdigit() else None
        known = intent_id and Payment.objects.filter(intent_id=intent_id).exists()
        if intent_id and (known or order_id):
            intent = payments.retrieve_payment_intent(intent_id=intent_id)
    # Subscriptions (issue 6): a season's PaymentIntent carries subscription_id instead.
    subscription_id = str(((event.object or {}).get("metadata") or {}).get("subscription_id") or "")
    if event.type in PAYMENT_EVENTS and intent is None and subscription_id.isdigit():
        intent_id = event.object.get("payment_intent") or event.object.get("id")
        intent = payments.retrieve_payment_intent(intent_id=intent_id) if intent_id else None
    else:
        subscription_id = ""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event.id, type=event.type[:100])
        except IntegrityError:
            return False
        if intent is not None and subscription_id:
            from orders.services.subscriptions import apply_subscription_payment

            apply_subscription_payment(subscription_id=int(subscription_id), intent=intent)
        elif intent is not None:
            sync_payment(intent=intent, order_id=int(order_id) if order_id else None)
    return True
