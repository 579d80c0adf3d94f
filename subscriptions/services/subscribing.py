"""Subscribing and paying the season (the ``subscription`` purpose of ``payments``),
cancelling, and unpaid subscriptions lapsing.

Locks, always in this order: the season row, then the subscription row, then the household's
row (credit ledger), then offers in pk order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from common.money import times
from orders.errors import NotPayable
from payments import gateway
from payments.models import CreditEntry, Payment, Refund
from payments.purposes import Purpose
from payments.services import attempts, refunds
from payments.services.wallet import add_credit, spend_credit
from pickup.models import PickupPoint
from subscriptions.errors import (
    AlreadySubscribed,
    SeasonFull,
    SeasonNotOpen,
)
from subscriptions.models import (
    LIVE_SUBSCRIPTION,
    PAYMENT_KIND,
    BasketSeason,
    Subscription,
    SubscriptionWaitlistEntry,
)
from subscriptions.services.seasons import (
    farm_account,
    lock_season,
    places_left,
    season_price,
    season_seller,
)
from subscriptions.services.skips import lock_subscription, weeks_to_credit
from subscriptions.services.waitlist import offer_free_places
from subscriptions.signals import season_paid

KIND = PAYMENT_KIND
Waiting = SubscriptionWaitlistEntry.Status


@transaction.atomic
def subscribe(*, household: User, season: BasketSeason, pickup_point: PickupPoint) -> Subscription:
    """Subscribe ``household`` to ``season`` at ``pickup_point`` and use its credit first.

    Rules: the point is one the season delivers; weeks are left; one live subscription per
    household and season; no more live subscriptions than ``max_subscribers`` (the season row
    is locked while counting; places offered to waiting households are held for them); the
    farm can take charges (it sells the season itself: :func:`farm_account`). The price is
    the weekly price × the weeks left. Credit pays first; when it covers everything the
    subscription is active at once, else it waits for :func:`pay_subscription`.
    """
    season = lock_season(season.pk)
    if farm_account(season) is None:
        raise SeasonNotOpen()
    if not season.pickup_points.filter(pk=pickup_point.pk).exists():
        raise Invalid(errors={"pickup_point": [_("This basket is not delivered there.")]})
    start, weeks, total = season_price(season)
    if weeks == 0:
        raise Invalid(errors={"season": [_("This season has no week left.")]})
    live = season.subscriptions.filter(household=household, status__in=LIVE_SUBSCRIPTION)
    if live.exists():
        raise AlreadySubscribed()
    if places_left(season, for_household=household) <= 0:
        raise SeasonFull()
    subscription = Subscription.objects.create(
        season=season,
        household=household,
        pickup_point=pickup_point,
        first_week=start,
        price_cents=season.price_cents,
        weeks_paid=weeks,
        total_cents=total,
    )
    SubscriptionWaitlistEntry.objects.filter(
        season=season, household=household, status__in=[Waiting.WAITING, Waiting.OFFERED]
    ).update(status=Waiting.ACCEPTED)
    used = spend_credit(
        household=household, up_to_cents=total, reference=f"subscription-{subscription.pk}"
    )
    subscription.credit_used_cents = used
    subscription.card_cents = total - used
    if subscription.card_cents == 0:
        subscription.status = Subscription.Status.ACTIVE
        subscription.paid_at = timezone.now()
    subscription.save()
    if subscription.status == Subscription.Status.ACTIVE:
        season_paid.send(sender=Subscription, subscription_id=subscription.pk)
    return subscription


@dataclass(frozen=True)
class SubscriptionPayResult:
    subscription: Subscription
    status: str
    client_secret: str = ""


def pay_subscription(
    *, subscription: Subscription, payment_method: str = ""
) -> SubscriptionPayResult:
    """Pay what credit did not cover, by card, in one PaymentIntent (captured at once; the
    season is prepaid). As for orders, the attempt is claimed first under the subscription's
    row lock (:func:`claim_subscription_payment`), so concurrent pays make one PaymentIntent;
    its key is ``subscription-<id>-payment-<n>``, n counting failed attempts; Stripe is called
    outside any transaction; only the household's own cards are used."""
    subscription = Subscription.objects.select_related("household").get(pk=subscription.pk)
    if subscription.status == Subscription.Status.ACTIVE:
        return SubscriptionPayResult(subscription, "succeeded")
    if subscription.status != Subscription.Status.PENDING:
        raise NotPayable()
    taken = attempts.take_payment(
        kind=KIND,
        ref=subscription.pk,
        household=subscription.household,
        payment_method=payment_method,
        claim=lambda card: claim_subscription_payment(
            subscription_id=subscription.pk, payment_method=card
        ),
    )
    subscription = Subscription.objects.get(pk=subscription.pk)
    if taken is None:
        if subscription.status != Subscription.Status.ACTIVE:
            raise NotPayable()
        return SubscriptionPayResult(subscription, "succeeded")
    return SubscriptionPayResult(subscription, taken.status, taken.client_secret)


@transaction.atomic
def claim_subscription_payment(*, subscription_id: int, payment_method: str) -> attempts.Claim:
    """Under the subscription's row lock: its live attempt (see
    :func:`payments.services.attempts.reuse_live`), or a new one of ours for ``card_cents``
    (a card is needed: the season's credit was spent when subscribing), charged for the farm
    (:func:`season_seller`; refused if the farm can no longer take charges); nothing when it
    no longer awaits payment."""
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("season__product")
        .get(pk=subscription_id)
    )
    if subscription.status != Subscription.Status.PENDING:
        return attempts.Claim()
    live = attempts.live_payment(KIND, subscription.pk)
    if live is not None:
        return attempts.reuse_live(live)
    if not payment_method:
        raise Invalid(errors={"payment_method": [_("Enter a card to pay with.")]})
    account = farm_account(subscription.season)
    if account is None:
        raise SeasonNotOpen()
    return attempts.new_attempt(
        kind=KIND,
        ref=subscription.pk,
        payer_id=subscription.household_id,
        attempt=subscription.payment_attempts,
        amount_cents=subscription.card_cents,
        payment_method=payment_method,
        seller=season_seller(subscription, account),
    )


def refresh_subscription_payment(*, subscription: Subscription) -> SubscriptionPayResult:
    """Re-read the subscription's latest PaymentIntent (after 3-D Secure in the browser)."""
    intent = attempts.refresh(attempts.latest_sent(KIND, subscription.pk))
    if intent is None:
        return SubscriptionPayResult(subscription, "")
    return SubscriptionPayResult(Subscription.objects.get(pk=subscription.pk), intent.status)


def apply_subscription_payment(
    *, subscription_id: int, intent: gateway.Intent, attempt: int | None = None
) -> Subscription:
    """What Stripe says of one of the subscription's PaymentIntents (see
    :func:`payments.services.attempts.apply_intent`); the subscription as it then is."""
    attempts.apply_intent(intent=intent, kind=KIND, ref=subscription_id, attempt=attempt)
    return Subscription.objects.get(pk=subscription_id)


# --- The ``subscription`` purpose: what Stripe's word means for a season's prepayment ------


def payment_changed(subscription: Subscription, payment: Payment) -> None:
    """A succeeded PaymentIntent makes a pending subscription active; money that arrives for
    a subscription cancelled meanwhile (it lapsed unpaid), or that another PaymentIntent
    already paid, is refunded, once. The subscription keeps its latest PaymentIntent's id
    while it waits (for the pages)."""
    if subscription.status == Subscription.Status.PENDING:
        subscription.intent_id = payment.intent_id
        subscription.save(update_fields=["intent_id"])
    if payment.status != "succeeded":
        return
    paid_by_another = attempts.paid_by_another(KIND, subscription.pk, payment)
    if subscription.status == Subscription.Status.PENDING and not paid_by_another:
        subscription.status = Subscription.Status.ACTIVE
        subscription.paid_at = timezone.now()
        subscription.save(update_fields=["status", "paid_at"])
        season_paid.send(sender=Subscription, subscription_id=subscription.pk)
    elif subscription.status == Subscription.Status.CANCELLED or paid_by_another:
        reason = Refund.Reason.DUPLICATE if paid_by_another else Refund.Reason.EXPIRED
        refunds.give_back(
            payment=payment,
            keep_cents=0,
            reason=reason,
            refund_key=lambda amount: f"subscription-{subscription.pk}-p{payment.pk}-{reason}",
        )


def attempt_ended(subscription: Subscription, payment: Payment) -> None:
    """A failed attempt: the next one gets a new key."""
    if subscription.payment_attempts == payment.attempt:
        subscription.payment_attempts = payment.attempt + 1
        subscription.save(update_fields=["payment_attempts"])


SUBSCRIPTION_PURPOSE = Purpose(
    kind=KIND,
    lock=lambda pk: Subscription.objects.select_for_update().filter(pk=pk).first(),
    payer=lambda subscription: subscription.household_id,
    changed=payment_changed,
    ended=attempt_ended,
)


@transaction.atomic
def cancel_subscription(*, subscription: Subscription) -> Subscription:
    """Cancel: the weeks not yet delivered (see :func:`weeks_to_credit`) become credit — for a
    subscription still awaiting its card payment, the credit it used comes back. The place is
    then offered to the first household on the waiting list. Idempotent."""
    season = lock_season(subscription.season_id)
    subscription = lock_subscription(subscription.pk)
    if subscription.status == Subscription.Status.CANCELLED:
        return subscription
    if subscription.status == Subscription.Status.ACTIVE:
        amount = times(subscription.price_cents, len(weeks_to_credit(subscription)))
    else:
        amount = subscription.credit_used_cents
    subscription.status = Subscription.Status.CANCELLED
    subscription.cancelled_at = timezone.now()
    subscription.save(update_fields=["status", "cancelled_at"])
    if amount:
        add_credit(
            household=subscription.household,
            amount_cents=amount,
            reason=CreditEntry.Reason.CANCELLATION,
            reference=f"subscription-{subscription.pk}",
        )
    offer_free_places(season=season)
    return subscription


def expire_pending_subscriptions() -> list[int]:
    """Periodic task: subscriptions still unpaid after ``ORDER_EXPIRY_MINUTES`` are cancelled
    (the credit they used comes back, the place goes to the waiting list), each in its own
    transaction. A card payment that still succeeds later is refunded."""

    limit = timezone.now() - timedelta(minutes=settings.ORDER_EXPIRY_MINUTES)
    due = Subscription.objects.filter(status=Subscription.Status.PENDING, created_at__lte=limit)
    expired = []
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().get(pk=pk)
            if subscription.status == Subscription.Status.PENDING:
                cancel_subscription(subscription=subscription)
                expired.append(pk)
    return expired
