from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from gardens.errors import (
    ApplicationsClosed,
    LimitReached,
    PlotTaken,
    ReservationNotActive,
)
from gardens.models import Plot, Reservation, Season, WaitlistEntry
from gardens.services.locks import active_reservations_of, lock_gardener, lock_plot, plot_is_held
from gardens.services.offers import offer_plot


def check_plot_in_season(plot: Plot, season: Season) -> None:
    if plot.garden_id != season.garden_id or not plot.is_active:
        raise Invalid(errors={"plot": [_("This plot cannot be reserved in this season.")]})


def check_within_limit(gardener: User, season: Season) -> None:
    """Call with the gardener's row locked, or two requests could both pass the count."""
    if active_reservations_of(gardener, season) >= season.max_plots_per_gardener:
        raise LimitReached()


def create_reservation(*, gardener: User, plot: Plot, season: Season) -> Reservation:
    """Insert an active reservation; the conditional unique constraint turns a lost race into
    :class:`PlotTaken` (inside a savepoint, so the caller's transaction stays usable)."""
    status = Reservation.Status.PENDING if season.approval_required else Reservation.Status.RESERVED
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(
                season=season,
                plot=plot,
                gardener=gardener,
                status=status,
                fee_cents=season.fee_for(plot),
            )
    except IntegrityError:
        raise PlotTaken() from None
    # Holding as many plots as allowed: the gardener no longer waits for one.
    if active_reservations_of(gardener, season) >= season.max_plots_per_gardener:
        WaitlistEntry.objects.filter(
            season=season, gardener=gardener, status=WaitlistEntry.Status.WAITING
        ).update(status=WaitlistEntry.Status.SATISFIED)
    return reservation


@transaction.atomic
def reserve_plot(
    *, gardener: User, plot: Plot, season: Season, today: date | None = None
) -> Reservation:
    """Reserve a free plot for a season, during its application window.

    The plot must be an active plot of the season's garden (``invalid``), applications must be
    open (``applications_closed``), the plot must have neither an active reservation nor an open
    offer (``plot_taken``) and the gardener must stay within the season's maximum
    (``limit_reached``). The reservation awaits approval when the season requires it.
    Locks the gardener's row (the limit), then the plot's row; the database constraint on active
    reservations is the last line of defence: never a double booking.
    """
    today = today or timezone.localdate()
    check_plot_in_season(plot, season)
    if not season.applications_open(today):
        raise ApplicationsClosed()
    lock_gardener(gardener)
    lock_plot(plot)
    check_within_limit(gardener, season)
    if plot_is_held(plot, season):
        raise PlotTaken()
    return create_reservation(gardener=gardener, plot=plot, season=season)


def _lock_active(reservation: Reservation, *allowed: str) -> Reservation:
    lock_plot(reservation.plot)
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if locked.status not in (allowed or Reservation.ACTIVE):
        raise ReservationNotActive()
    return locked


def _release(reservation: Reservation, status: str, now: datetime) -> Reservation:
    reservation.status = status
    reservation.save(update_fields=["status", "updated_at"])
    offer_plot(plot=reservation.plot, season=reservation.season, now=now)
    return reservation


@transaction.atomic
def cancel_reservation(*, reservation: Reservation, now: datetime | None = None) -> Reservation:
    """Give a plot back (the gardener, or a coordinator). The freed plot is offered at once to
    the first matching gardener on the waiting list. Locks the plot, then the reservation."""
    locked = _lock_active(reservation)
    return _release(locked, Reservation.Status.CANCELLED, now or timezone.now())


@transaction.atomic
def approve_reservation(*, reservation: Reservation) -> Reservation:
    """A coordinator confirms a reservation awaiting approval."""
    locked = _lock_active(reservation, Reservation.Status.PENDING)
    locked.status = Reservation.Status.RESERVED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def refuse_reservation(*, reservation: Reservation, now: datetime | None = None) -> Reservation:
    """A coordinator refuses a reservation awaiting approval; the plot goes to the waiting list."""
    locked = _lock_active(reservation, Reservation.Status.PENDING)
    return _release(locked, Reservation.Status.REFUSED, now or timezone.now())


@transaction.atomic
def record_fee(
    *,
    reservation: Reservation,
    paid: bool,
    method: str = "",
    paid_on: date | None = None,
) -> Reservation:
    """A coordinator records whether the season's fee is paid, how and when (default today)."""
    if paid and method not in Reservation.PaymentMethod.values:
        raise Invalid(errors={"method": [_("Choose how the fee was paid.")]})
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    reservation.fee_paid = paid
    reservation.fee_method = method if paid else ""
    reservation.fee_paid_on = (paid_on or timezone.localdate()) if paid else None
    reservation.save(update_fields=["fee_paid", "fee_method", "fee_paid_on", "updated_at"])
    return reservation
