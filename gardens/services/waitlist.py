from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from gardens.errors import AlreadyWaiting, ApplicationsClosed, OfferClosed
from gardens.models import Offer, Reservation, Season, WaitlistEntry
from gardens.services.locks import active_reservations_of, lock_gardener, lock_plot
from gardens.services.offers import close_offer, offer_free_plots, offer_plot
from gardens.services.reservations import check_within_limit, create_reservation


@transaction.atomic
def join_waitlist(
    *,
    gardener: User,
    season: Season,
    min_area_m2: int = 0,
    needs_water_point: bool = False,
    needs_raised_bed: bool = False,
    needs_accessible: bool = False,
    needs_shed: bool = False,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put a gardener on a season's waiting list, with preferences; first come, first served.

    Once per season (``already_waiting``), not after the season's end (``applications_closed``),
    not when already holding the season's maximum (``limit_reached``). Once the application
    window has closed, free plots go to the list, so a matching free plot is offered straight
    away (plots locked in pk order).
    Locks the gardener's row.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if season.ends_on < today:
        raise ApplicationsClosed()
    lock_gardener(gardener)
    if WaitlistEntry.objects.filter(
        season=season, gardener=gardener, status__in=WaitlistEntry.ACTIVE
    ).exists():
        raise AlreadyWaiting()
    check_within_limit(gardener, season)
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                season=season,
                gardener=gardener,
                min_area_m2=min_area_m2,
                needs_water_point=needs_water_point,
                needs_raised_bed=needs_raised_bed,
                needs_accessible=needs_accessible,
                needs_shed=needs_shed,
                created_at=now,
            )
    except IntegrityError:
        raise AlreadyWaiting() from None
    if today > season.applications_close_on:
        offer_free_plots(season=season, now=now)
        entry.refresh_from_db(fields=["status"])
    return entry


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry, now: datetime | None = None) -> WaitlistEntry:
    """Leave the waiting list; an open offer is withdrawn and passes to the next in line.
    Locks the offered plot, then the entry."""
    now = now or timezone.now()
    offer = entry.offers.filter(status=Offer.Status.OPEN).select_related("plot", "season").first()
    if offer is not None:
        lock_plot(offer.plot)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in WaitlistEntry.ACTIVE:
        return entry
    entry.status = WaitlistEntry.Status.LEFT
    entry.save(update_fields=["status"])
    if offer is not None and Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).exists():
        close_offer(offer, Offer.Status.WITHDRAWN, now)
        offer_plot(plot=offer.plot, season=offer.season, now=now)
    return entry


def _lock_open_offer(offer: Offer, now: datetime) -> Offer:
    lock_plot(offer.plot)
    locked = Offer.objects.select_for_update(of=("self",)).select_related("entry").get(pk=offer.pk)
    if locked.status != Offer.Status.OPEN or locked.expires_at <= now:
        raise OfferClosed()
    return locked


@transaction.atomic
def accept_offer(*, offer: Offer, now: datetime | None = None) -> Reservation:
    """Accept an open, unexpired offer: the plot is reserved for the offered gardener
    (awaiting approval when the season requires it). Answered or expired offers are
    ``offer_closed``: an offer can be accepted once. The season's limit still applies.
    Locks the gardener's row, the plot's, then the offer's."""
    now = now or timezone.now()
    gardener = offer.entry.gardener
    lock_gardener(gardener)
    offer = _lock_open_offer(offer, now)
    check_within_limit(gardener, offer.season)
    reservation = create_reservation(gardener=gardener, plot=offer.plot, season=offer.season)
    offer.reservation = reservation
    offer.save(update_fields=["reservation"])
    close_offer(offer, Offer.Status.ACCEPTED, now)
    if active_reservations_of(gardener, offer.season) >= offer.season.max_plots_per_gardener:
        WaitlistEntry.objects.filter(pk=offer.entry_id, status__in=WaitlistEntry.ACTIVE).update(
            status=WaitlistEntry.Status.SATISFIED
        )
    return reservation


@transaction.atomic
def decline_offer(*, offer: Offer, now: datetime | None = None) -> Offer:
    """Decline an open offer: the gardener keeps their place for other plots and this plot is
    offered to the next matching gardener. Locks the plot, then the offer."""
    now = now or timezone.now()
    offer = _lock_open_offer(offer, now)
    close_offer(offer, Offer.Status.DECLINED, now)
    offer_plot(plot=offer.plot, season=offer.season, now=now)
    return offer


@transaction.atomic
def _expire_one(offer_id: int, now: datetime) -> bool:
    offer = Offer.objects.select_related("plot", "season").get(pk=offer_id)
    lock_plot(offer.plot)
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("plot", "season")
        .get(pk=offer_id)
    )
    if offer.status != Offer.Status.OPEN or offer.expires_at > now:
        return False  # answered meanwhile, or already passed on by another run
    close_offer(offer, Offer.Status.EXPIRED, now)
    offer_plot(plot=offer.plot, season=offer.season, now=now)
    return True


def expire_offers(*, now: datetime | None = None) -> int:
    """Pass on every open offer past its expiry to the next matching gardener.

    State-driven and idempotent: it looks only at offers still open and past due, one
    transaction each (plot locked, then offer), so running it twice, or in two workers at
    once, gives the same result. Returns how many offers expired in this run.
    """
    now = now or timezone.now()
    due = Offer.objects.filter(status=Offer.Status.OPEN, expires_at__lte=now).order_by("pk")
    return sum(_expire_one(offer_id, now) for offer_id in due.values_list("pk", flat=True))
