"""AMAP subscriptions: subscribe and prepay the season, skip a week, pause, cancel, and the
waiting list with time-limited offers. Weekly basket orders are made in ``baskets``.

Locks, always in this order: the season row, then the subscription row, then the household's
row (credit ledger), then offers in pk order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.bounds import field_bounds
from common.errors import Invalid
from common.money import times
from orders import payments
from orders.errors import (
    AlreadySubscribed,
    NotPayable,
    OfferClosed,
    SeasonFull,
    SkipLimitReached,
    SkipTooLate,
    SubscriptionNotActive,
)
from orders.models import (
    LIVE_PAYMENT_STATUSES,
    BasketSeason,
    CreditEntry,
    Payment,
    Refund,
    Subscription,
    SubscriptionPause,
    SubscriptionSkip,
    SubscriptionWaitlistEntry,
)
from orders.models.subscriptions import LIVE_SUBSCRIPTION
from orders.services.credit import add_credit, spend_credit
from orders.services.paying import (
    Claim,
    answer_lost,
    card_to_charge,
    find_attempt,
    live_payment,
    mirror,
    outcome,
    refresh_if_pending,
    refund_payment,
    remember_card,
    reuse_live,
    send_payment,
    stripe_customer,
)
from pickup.models import Distribution, PickupPoint

Waiting = SubscriptionWaitlistEntry.Status


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_week(season: BasketSeason, *, today: date | None = None) -> date:
    """A new subscription starts with next week's basket (this week's is already planned), or
    the season's first week if later."""
    today = today or timezone.localdate()
    return max(monday(today) + timedelta(weeks=1), monday(season.starts_on))


def season_price(season: BasketSeason, *, today: date | None = None) -> tuple[date, int, int]:
    """(first week, weeks left, price): a late start pays only the weeks left (prorated)."""
    start = first_week(season, today=today)
    weeks = len(season.weeks(since=start))
    return start, weeks, times(season.price_cents, weeks)


def _lock_season(season_id: int) -> BasketSeason:
    return BasketSeason.objects.select_for_update().get(pk=season_id)


def places_left(season: BasketSeason, *, for_household: User | None = None) -> int:
    """Places not taken by a live subscription nor held by an open waiting-list offer (the
    offer made to ``for_household`` is theirs to take)."""
    live = season.subscriptions.filter(status__in=LIVE_SUBSCRIPTION).count()
    offers = season.waitlist.filter(status=Waiting.OFFERED)
    if for_household is not None:
        offers = offers.exclude(household=for_household)
    return season.max_subscribers - live - offers.count()


@transaction.atomic
def subscribe(*, household: User, season: BasketSeason, pickup_point: PickupPoint) -> Subscription:
    """Subscribe ``household`` to ``season`` at ``pickup_point`` and use its credit first.

    Rules: the point is one the season delivers; weeks are left; one live subscription per
    household and season; no more live subscriptions than ``max_subscribers`` (the season row
    is locked while counting; places offered to waiting households are held for them). The
    price is the weekly price × the weeks left. Credit pays first; when it covers everything
    the subscription is active at once, else it waits for :func:`pay_subscription`.
    """
    season = _lock_season(season.pk)
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
    season is prepaid). As for orders (:func:`orders.services.paying.pay_order`), the attempt
    is claimed first under the subscription's row lock, so concurrent pays make one
    PaymentIntent; its key is ``subscription-<id>-payment-<n>``, n counting failed attempts;
    Stripe is called outside any transaction; only the household's own cards are used."""
    subscription = Subscription.objects.select_related("household").get(pk=subscription.pk)
    if subscription.status == Subscription.Status.ACTIVE:
        return SubscriptionPayResult(subscription, "succeeded")
    if subscription.status != Subscription.Status.PENDING:
        raise NotPayable()
    refresh_if_pending(subscription.payments.order_by("-pk").first())
    customer = stripe_customer(household=subscription.household)
    chosen = card_to_charge(customer=customer, payment_method=payment_method)
    if chosen is None:
        raise Invalid(errors={"payment_method": [_("Enter a card to pay with.")]})
    claim = claim_subscription_payment(
        subscription_id=subscription.pk, payment_method=chosen.payment_method
    )
    if claim.payment is None:
        subscription.refresh_from_db()
        if subscription.status != Subscription.Status.ACTIVE:
            raise NotPayable()
        return SubscriptionPayResult(subscription, "succeeded")
    if not claim.send:
        payment = outcome(claim.payment)
        return SubscriptionPayResult(
            Subscription.objects.get(pk=subscription.pk), payment.status, payment.client_secret
        )
    payment = claim.payment
    intent = send_payment(payment, customer_id=customer.customer_id)
    try:
        subscription = apply_subscription_payment(
            subscription_id=subscription.pk, intent=intent, attempt=payment.attempt
        )
    except Exception:
        answer_lost(payment_id=payment.pk)
        raise
    if intent.status != "requires_payment_method":
        remember_card(customer=customer, payment_method=chosen.payment_method, card=chosen.card)
    return SubscriptionPayResult(subscription, intent.status, intent.client_secret)


@transaction.atomic
def claim_subscription_payment(*, subscription_id: int, payment_method: str) -> Claim:
    """Under the subscription's row lock: its live attempt (see
    :func:`orders.services.paying.reuse_live`), or a new ``creating`` one of ours for
    ``card_cents``; nothing when it no longer awaits payment."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
    if subscription.status != Subscription.Status.PENDING:
        return Claim()
    live = live_payment(subscription.payments)
    if live is not None:
        return reuse_live(live)
    payment = Payment.objects.create(
        subscription=subscription,
        attempt=subscription.payment_attempts,
        capture_method="automatic",
        status="creating",
        amount_cents=subscription.card_cents,
        payment_method_id=payment_method,
    )
    return Claim(payment, send=True)


def refresh_subscription_payment(*, subscription: Subscription) -> SubscriptionPayResult:
    """Re-read the subscription's latest PaymentIntent (after 3-D Secure in the browser)."""
    payment = subscription.payments.exclude(intent_id=None).order_by("-pk").first()
    if payment is None:
        return SubscriptionPayResult(subscription, "")
    intent = payments.retrieve_payment_intent(intent_id=payment.intent_id)
    return SubscriptionPayResult(
        apply_subscription_payment(subscription_id=subscription.pk, intent=intent), intent.status
    )


def end_subscription_attempt(*, payment: Payment, status: str) -> None:
    """The attempt can no longer take money: it is no longer live and the next attempt gets a
    new key. Locks the subscription row (the caller's transaction)."""
    subscription = Subscription.objects.select_for_update().get(pk=payment.subscription_id)
    Payment.objects.filter(pk=payment.pk, status__in=LIVE_PAYMENT_STATUSES).update(
        status=status, updated_at=timezone.now()
    )
    if subscription.payment_attempts == payment.attempt:
        subscription.payment_attempts = payment.attempt + 1
        subscription.save(update_fields=["payment_attempts"])


@transaction.atomic
def apply_subscription_payment(
    *, subscription_id: int, intent: payments.Intent, attempt: int | None = None
) -> Subscription:
    """What Stripe says of one of the subscription's PaymentIntents. Idempotent and
    order-proof (the attempt's mirror only moves forward). A succeeded PaymentIntent makes a
    pending subscription active; money that arrives for a subscription cancelled meanwhile
    (expired unpaid), or that another PaymentIntent already paid, is refunded, once. Locks the
    subscription row, then the attempt's."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
    payment = find_attempt(intent=intent, attempt=attempt, subscription=subscription)
    if payment is None:  # a PaymentIntent made outside a claim (before claims existed)
        payment = Payment(
            subscription=subscription,
            attempt=attempt or 0,
            capture_method="automatic",
            status="creating",
            amount_cents=intent.amount,
        )
    mirror(payment, intent)
    if payment.status in ("requires_payment_method", "canceled"):
        end_subscription_attempt(payment=payment, status=payment.status)
        subscription.refresh_from_db()
        return subscription
    if subscription.status == Subscription.Status.PENDING:
        subscription.intent_id = intent.id  # the latest PaymentIntent, for the pages
        subscription.save(update_fields=["intent_id"])
    if payment.status != "succeeded":
        return subscription
    paid_by_another = (
        subscription.payments.exclude(pk=payment.pk).filter(status="succeeded").exists()
    )
    if subscription.status == Subscription.Status.PENDING:
        subscription.status = Subscription.Status.ACTIVE
        subscription.paid_at = timezone.now()
        subscription.save(update_fields=["status", "paid_at"])
    elif subscription.status == Subscription.Status.CANCELLED or paid_by_another:
        reason = Refund.Reason.DUPLICATE if paid_by_another else Refund.Reason.EXPIRED
        refund_payment(
            payment=payment,
            reason=reason,
            amount_cents=payment.amount_received_cents,
            key=f"subscription-{subscription.pk}-p{payment.pk}-{reason}",
        )
    return subscription


def skip_deadlines(subscription: Subscription, weeks: list[date]) -> dict[date, datetime]:
    """The latest moment to skip each of ``weeks``: ``skip_deadline_hours`` before the cutoff
    of that week's distribution at the subscription's point (or before that Monday, without
    one). One query for any number of weeks (pages list the whole season)."""
    hours = timedelta(hours=subscription.season.skip_deadline_hours)
    cutoffs: dict[date, datetime] = {}
    for week, cutoff in (
        Distribution.objects.filter(pickup_point_id=subscription.pickup_point_id, week__in=weeks)
        .exclude(status=Distribution.Status.CANCELLED)
        .order_by("-cutoff_at")
        .values_list("week", "cutoff_at")
    ):
        cutoffs[week] = cutoff  # the earliest wins (read last)
    return {
        week: cutoffs[week] - hours
        if week in cutoffs
        else timezone.make_aware(datetime.combine(week, time.min)) - hours
        for week in weeks
    }


def _lock_subscription(subscription_id: int) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("season", "household")
        .get(pk=subscription_id)
    )


def _skip_weeks(subscription: Subscription, weeks: list[date], pause=None) -> list:
    """Refuse unless every week is a paid week, before its deadline, and within the limit;
    then record one skip per week, each credited at the subscription's weekly price."""
    season = subscription.season
    paid = set(season.weeks(since=subscription.first_week))
    now = timezone.now()
    already = set(subscription.skips.values_list("week", flat=True))
    weeks = sorted({monday(w) for w in weeks} - already)
    if any(week not in paid for week in weeks):
        raise Invalid(errors={"week": [_("This week is not part of your subscription.")]})
    deadlines = skip_deadlines(subscription, weeks)  # of paid weeks only: dates that exist
    for week in weeks:
        if now > deadlines[week]:
            raise SkipTooLate(week=week.isoformat())
    if len(already) + len(weeks) > season.max_skips:
        raise SkipLimitReached(max_skips=season.max_skips, skipped=len(already))
    from orders.services.baskets import cancel_basket

    skips = []
    for week in weeks:
        skip = SubscriptionSkip.objects.create(
            subscription=subscription,
            week=week,
            pause=pause,
            credited_cents=subscription.price_cents,
        )
        add_credit(
            household=subscription.household,
            amount_cents=subscription.price_cents,
            reason=CreditEntry.Reason.SKIP,
            reference=f"skip-{skip.pk}",
        )
        cancel_basket(subscription=subscription, week=week)
        skips.append(skip)
    return skips


@transaction.atomic
def skip_week(*, subscription: Subscription, week: date) -> SubscriptionSkip:
    """Skip one week: before its deadline (``skip_deadline_hours`` before the cutoff) and
    within ``max_skips`` per season; the week's price becomes credit. Skipping a week already
    skipped returns that skip. Locks the subscription, then the household's row."""
    subscription = _lock_subscription(subscription.pk)
    if subscription.status != Subscription.Status.ACTIVE:
        raise SubscriptionNotActive()
    existing = subscription.skips.filter(week=monday(week)).first()
    if existing is not None:
        return existing
    return _skip_weeks(subscription, [week])[0]


@transaction.atomic
def pause_subscription(
    *, subscription: Subscription, starts_on: date, ends_on: date
) -> SubscriptionPause:
    """Pause between two dates: every paid week in between is skipped (same deadline and
    limit as a skip, all or nothing) and credited."""
    if ends_on < starts_on:
        raise Invalid(errors={"ends_on": [_("The end comes before the start.")]})
    subscription = _lock_subscription(subscription.pk)
    if subscription.status != Subscription.Status.ACTIVE:
        raise SubscriptionNotActive()
    paid = subscription.season.weeks(since=subscription.first_week)
    weeks = [w for w in paid if monday(starts_on) <= w <= ends_on]
    if not weeks:
        raise Invalid(errors={"starts_on": [_("No basket week falls in this pause.")]})
    pause = SubscriptionPause.objects.create(
        subscription=subscription, starts_on=starts_on, ends_on=ends_on
    )
    _skip_weeks(subscription, weeks, pause=pause)
    return pause


def weeks_to_credit(subscription: Subscription) -> list[date]:
    """Paid weeks not delivered yet: no basket order made, not skipped, from this week on."""
    made = set(subscription.basket_orders.values_list("week", flat=True))
    skipped = set(subscription.skips.values_list("week", flat=True))
    this_week = monday(timezone.localdate())
    return [
        week
        for week in subscription.season.weeks(since=subscription.first_week)
        if week >= this_week and week not in made and week not in skipped
    ]


@transaction.atomic
def cancel_subscription(*, subscription: Subscription) -> Subscription:
    """Cancel: the weeks not yet delivered (see :func:`weeks_to_credit`) become credit — for a
    subscription still awaiting its card payment, the credit it used comes back. The place is
    then offered to the first household on the waiting list. Idempotent."""
    season = _lock_season(subscription.season_id)
    subscription = _lock_subscription(subscription.pk)
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
    from django.conf import settings

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


# --- Waiting list ---------------------------------------------------------------------------


@transaction.atomic
def join_waitlist(
    *, household: User, season: BasketSeason, pickup_point: PickupPoint
) -> SubscriptionWaitlistEntry:
    """Queue for a full season (one live entry per household; joining twice returns it)."""
    season = _lock_season(season.pk)
    if not season.pickup_points.filter(pk=pickup_point.pk).exists():
        raise Invalid(errors={"pickup_point": [_("This basket is not delivered there.")]})
    existing = season.waitlist.filter(
        household=household, status__in=[Waiting.WAITING, Waiting.OFFERED]
    ).first()
    if existing is not None:
        return existing
    if season.subscriptions.filter(household=household, status__in=LIVE_SUBSCRIPTION).exists():
        raise AlreadySubscribed()
    if places_left(season) > 0:
        raise Invalid(errors={"season": [_("There are places left: subscribe directly.")]})
    return SubscriptionWaitlistEntry.objects.create(
        season=season, household=household, pickup_point=pickup_point
    )


def offer_free_places(*, season: BasketSeason) -> list[int]:
    """Offer each free place to the next waiting household, for ``offer_hours``; the e-mail
    leaves after the commit. Runs in the caller's transaction, season row locked."""
    offered = []
    while places_left(season) > 0:
        entry = season.waitlist.filter(status=Waiting.WAITING).order_by("created_at", "pk").first()
        if entry is None:
            break
        entry.status = Waiting.OFFERED
        entry.offered_at = timezone.now()
        entry.offer_expires_at = entry.offered_at + timedelta(hours=season.offer_hours)
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        offered.append(entry.pk)
        from orders.tasks import send_basket_offer_task

        transaction.on_commit(partial(send_basket_offer_task.delay, entry.pk))
    return offered


@transaction.atomic
def decline_offer(*, entry: SubscriptionWaitlistEntry) -> SubscriptionWaitlistEntry:
    """The household says no: the place passes on to the next one."""
    season = _lock_season(entry.season_id)
    entry = SubscriptionWaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != Waiting.OFFERED:
        raise OfferClosed()
    entry.status = Waiting.WITHDRAWN
    entry.save(update_fields=["status"])
    offer_free_places(season=season)
    return entry


@transaction.atomic
def expire_season_offers(*, season_id: int) -> int:
    """Offers past their expiry lapse and their places pass on. State-driven, idempotent."""
    season = _lock_season(season_id)
    expired = season.waitlist.filter(
        status=Waiting.OFFERED, offer_expires_at__lte=timezone.now()
    ).update(status=Waiting.EXPIRED)
    offer_free_places(season=season)
    return expired


def expire_waitlist_offers() -> int:
    """Periodic task: every season with a lapsed offer, each in its own transaction."""
    seasons = (
        SubscriptionWaitlistEntry.objects.filter(
            status=Waiting.OFFERED, offer_expires_at__lte=timezone.now()
        )
        .values_list("season_id", flat=True)
        .distinct()
    )
    return sum(expire_season_offers(season_id=pk) for pk in sorted(set(seasons)))


# --- Producers ------------------------------------------------------------------------------

MAX_SEASON_WEEKS = 53  # a year of weekly baskets


@transaction.atomic
def create_season(
    *,
    product,
    starts_on: date,
    ends_on: date,
    pickup_points: list[PickupPoint],
    price_cents: int,
    max_subscribers: int,
    max_skips: int = 4,
    skip_deadline_hours: int = 24,
) -> BasketSeason:
    """A producer offers a basket product for a season. Rules: the product is one of the
    farm's baskets; dates in order, the season at most ``MAX_SEASON_WEEKS`` long and its whole
    price (weekly price × weeks) one a subscription can hold; delivered only at points that
    approved the farm."""
    from pickup.models import Supplier

    errors = {}
    if product.category != "basket":
        errors["product"] = [_("Choose a product of the basket category.")]
    weeks = (monday(ends_on) - monday(starts_on)).days // 7 + 1
    if ends_on < starts_on:
        errors["ends_on"] = [_("The end comes before the start.")]
    elif weeks > MAX_SEASON_WEEKS:
        errors["ends_on"] = [
            _("A season lasts at most %(weeks)d weeks.") % {"weeks": MAX_SEASON_WEEKS}
        ]
    if price_cents < 1 or max_subscribers < 1:
        errors["price_cents"] = [_("Set a price and at least one place.")]
    elif times(price_cents, max(weeks, 1)) > field_bounds(Subscription, "total_cents")[1]:
        errors["price_cents"] = [_("This price is too high for a whole season.")]
    approved = set(
        Supplier.objects.filter(
            producer_id=product.producer_id, status=Supplier.Status.APPROVED
        ).values_list("pickup_point_id", flat=True)
    )
    if not pickup_points or any(p.pk not in approved for p in pickup_points):
        errors["pickup_points"] = [_("Choose pickup points that have approved your farm.")]
    if errors:
        raise Invalid(errors=errors)
    season = BasketSeason.objects.create(
        product=product,
        starts_on=monday(starts_on),
        ends_on=monday(ends_on),
        price_cents=price_cents,
        max_subscribers=max_subscribers,
        max_skips=max_skips,
        skip_deadline_hours=skip_deadline_hours,
    )
    season.pickup_points.set(pickup_points)
    return season
