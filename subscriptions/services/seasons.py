"""Basket seasons: the weeks they run, their price for a late start, places left, and a
producer creating one."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.bounds import field_bounds
from common.errors import Invalid
from common.money import times
from orders.services.closing import fee_split
from payments import gateway
from payments.models import ConnectedAccount
from payments.services import connect
from pickup.models import PickupPoint, Supplier
from subscriptions.models import (
    LIVE_SUBSCRIPTION,
    BasketSeason,
    Subscription,
    SubscriptionWaitlistEntry,
)


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


# --- The farm sells its season itself (AMAP charter) ----------------------------------------


def farm_week_cents(price_cents: int) -> int:
    """The farm's share of one week's basket: the same split as a sold line's."""
    return fee_split(price_cents)[2]


def farm_account(season: BasketSeason) -> ConnectedAccount | None:
    """The farm's connected account, if it can take charges (the season can open)."""
    account = connect.account_of("producer", season.product.producer_id)
    return account if account is not None and account.can_take_charges else None


def season_seller(subscription: Subscription, account: ConnectedAccount) -> gateway.SellerOfRecord:
    """The season's card payment is the farm's own sale (a destination charge): the farm gets
    its share of every paid week, as far as the card pays; the platform keeps the rest (the
    host's and its own shares) as its fee. What credit paid reaches the farm by a transfer."""
    farm_cents = times(farm_week_cents(subscription.price_cents), subscription.weeks_paid)
    fee = subscription.card_cents - min(subscription.card_cents, farm_cents)
    return gateway.SellerOfRecord(account.account_id, fee)


def lock_season(season_id: int) -> BasketSeason:
    return BasketSeason.objects.select_for_update().get(pk=season_id)


def places_left(season: BasketSeason, *, for_household: User | None = None) -> int:
    """Places not taken by a live subscription nor held by an open waiting-list offer (the
    offer made to ``for_household`` is theirs to take)."""
    live = season.subscriptions.filter(status__in=LIVE_SUBSCRIPTION).count()
    offers = season.waitlist.filter(status=SubscriptionWaitlistEntry.Status.OFFERED)
    if for_household is not None:
        offers = offers.exclude(household=for_household)
    return season.max_subscribers - live - offers.count()


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
