"""The waiting list of a full season: time-limited offers of each freed place, passed on
when declined or expired."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from pickup.models import PickupPoint
from subscriptions.errors import (
    AlreadySubscribed,
    OfferClosed,
)
from subscriptions.models import (
    LIVE_SUBSCRIPTION,
    BasketSeason,
    SubscriptionWaitlistEntry,
)
from subscriptions.services.seasons import lock_season, places_left
from subscriptions.tasks import send_basket_offer_task

Waiting = SubscriptionWaitlistEntry.Status


@transaction.atomic
def join_waitlist(
    *, household: User, season: BasketSeason, pickup_point: PickupPoint
) -> SubscriptionWaitlistEntry:
    """Queue for a full season (one live entry per household; joining twice returns it)."""
    season = lock_season(season.pk)
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
        transaction.on_commit(partial(send_basket_offer_task.delay, entry.pk))
    return offered


@transaction.atomic
def decline_offer(*, entry: SubscriptionWaitlistEntry) -> SubscriptionWaitlistEntry:
    """The household says no: the place passes on to the next one."""
    season = lock_season(entry.season_id)
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
    season = lock_season(season_id)
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
