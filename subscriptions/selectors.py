"""Reads about basket subscriptions and credit, shared by pages and API.

Scoping: a household reaches only its own subscriptions and ledger, a producer member only the
seasons of their own farms — anything else is a plain 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from payments.models import ConnectedAccount
from payments.services.wallet import available
from pickup.selectors import ordering_open
from producers.models import Producer
from subscriptions.models import (
    LIVE_SUBSCRIPTION,
    BasketOrder,
    BasketSeason,
    CreditedWeek,
    Subscription,
    SubscriptionSkip,
    SubscriptionWaitlistEntry,
)
from subscriptions.services import skip_deadlines


def basket_subscription(*, order_id: int) -> Subscription | None:
    """The subscription whose basket ``order_id`` is (None for any other order)."""
    basket = BasketOrder.objects.filter(order_id=order_id).select_related("subscription").first()
    return basket.subscription if basket is not None else None


def open_seasons() -> QuerySet[BasketSeason]:
    """Seasons not over yet whose farm can take their payments (it sells them itself), with
    their product, farm, points and live subscriber count."""
    today = timezone.localdate()
    chargeable = ConnectedAccount.objects.filter(
        owner_kind="producer", owner_id=OuterRef("product__producer_id"), charges_enabled=True
    )
    return (
        BasketSeason.objects.filter(ends_on__gte=today, product__is_active=True)
        .filter(Exists(chargeable))
        .select_related("product__producer")
        .prefetch_related("pickup_points")
        .annotate(
            live_count=Count("subscriptions", filter=Q(subscriptions__status__in=LIVE_SUBSCRIPTION))
        )
        .order_by("product__producer__name", "product__name", "pk")
    )


def open_season(*, pk: int) -> BasketSeason:
    return get_object_or_404(open_seasons(), pk=pk)


def household_subscriptions(*, user: User) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(household=user)
        .select_related("season__product__producer", "pickup_point")
        .prefetch_related("skips")
        .order_by("-created_at", "-pk")
    )


def household_subscription(*, user: User, pk: int) -> Subscription:
    return get_object_or_404(household_subscriptions(user=user), pk=pk)


def household_waitlist(*, user: User) -> QuerySet[SubscriptionWaitlistEntry]:
    return SubscriptionWaitlistEntry.objects.filter(
        household=user,
        status__in=[
            SubscriptionWaitlistEntry.Status.WAITING,
            SubscriptionWaitlistEntry.Status.OFFERED,
        ],
    ).select_related("season__product", "pickup_point")


@dataclass
class SubscriptionWeek:
    week: date
    skipped: bool
    basket: BasketOrder | None  # with its order and distribution's pickup point
    credited: CreditedWeek | None  # no basket that week, credited with its reason
    can_skip: bool  # active, not skipped or credited yet, before the week's skip deadline
    orderable: bool  # its basket order's distribution still takes orders (add products)
    # active, skipped by a plain skip (not a pause), before the week's skip deadline, and the
    # household still has the credit the skip gave
    can_unskip: bool = False
    # could be undone, but the credit the skip gave has been spent since
    credit_spent: bool = False


def subscription_weeks(*, subscription: Subscription) -> list[SubscriptionWeek]:
    """Each paid week of ``subscription`` (skips prefetched, as by
    :func:`household_subscription`): skipped (a plain skip may be undone before the deadline),
    its basket order, credited with a reason, or to come. Four queries."""
    plain = {
        skip.week: skip.credited_cents for skip in subscription.skips.all() if skip.pause_id is None
    }
    skips = {skip.week for skip in subscription.skips.all()}
    credited = {c.week: c for c in CreditedWeek.objects.filter(subscription=subscription)}
    baskets = {
        b.week: b
        for b in BasketOrder.objects.filter(subscription=subscription).select_related(
            "order", "distribution__pickup_point"
        )
    }
    now = timezone.now()
    weeks = subscription.season.weeks(since=subscription.first_week)
    deadlines = skip_deadlines(subscription, weeks)
    active = subscription.status == Subscription.Status.ACTIVE
    undoable = {week for week in plain if active and now <= deadlines[week]}
    credit = available(household=subscription.household) if undoable else 0
    return [
        SubscriptionWeek(
            week=week,
            skipped=week in skips,
            basket=baskets.get(week),
            credited=credited.get(week),
            can_skip=active
            and week not in skips
            and week not in credited
            and now <= deadlines[week],
            orderable=week in baskets and ordering_open(baskets[week].distribution),
            can_unskip=week in undoable and plain[week] <= credit,
            credit_spent=week in undoable and plain[week] > credit,
        )
        for week in weeks
    ]


# --- Producers ------------------------------------------------------------------------------


def producer_seasons(*, producer: Producer) -> QuerySet[BasketSeason]:
    return (
        BasketSeason.objects.filter(product__producer=producer)
        .select_related("product")
        .prefetch_related("pickup_points")
        .annotate(
            live_count=Count("subscriptions", filter=Q(subscriptions__status="active")),
            waiting_count=Count(
                "waitlist", filter=Q(waitlist__status__in=["waiting", "offered"]), distinct=True
            ),
        )
        .order_by("-starts_on", "pk")
    )


def producer_season(*, producer: Producer, pk: int) -> BasketSeason:
    return get_object_or_404(producer_seasons(producer=producer), pk=pk)


@dataclass
class WeekCount:
    week: date
    point: str
    baskets: int
    skipped: int


@dataclass
class SeasonCounts:
    season: BasketSeason
    weeks: list[WeekCount] = field(default_factory=list)
    waiting: int = 0


def season_counts(*, season: BasketSeason, weeks: int = 8) -> SeasonCounts:
    """Baskets to harvest per pickup point and week (active subscriptions started by then,
    minus skips), skips, and the waiting list — two queries whatever the number of rows.
    ``season`` comes from :func:`producer_seasons` (its waiting list is counted there)."""
    today = timezone.localdate()
    upcoming = season.weeks(since=today)[:weeks]
    subs = list(
        Subscription.objects.filter(season=season, status="active")
        .select_related("pickup_point")
        .values_list("pk", "first_week", "pickup_point__name")
    )
    skips = set(
        SubscriptionSkip.objects.filter(
            subscription__season=season, subscription__status="active"
        ).values_list("subscription_id", "week")
    )
    rows = []
    for week in upcoming:
        per_point: dict[str, list[int]] = {}
        for pk, first, point in subs:
            if first <= week:
                counts = per_point.setdefault(point, [0, 0])
                counts[1 if (pk, week) in skips else 0] += 1
        for point in sorted(per_point):
            rows.append(WeekCount(week, point, *per_point[point]))
    return SeasonCounts(season, rows, season.waiting_count)
