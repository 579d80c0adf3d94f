"""Row locks shared by the services (no-ops on SQLite, whose IMMEDIATE transactions serialise
writers anyway). Order: gardener, then plots in pk order, then the rows that hang off them."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.models import User
from gardens.models import Offer, Plot, Reservation, Season


def lock_gardener(gardener: User) -> None:
    """Serialise one gardener's operations so per-gardener limits hold under concurrency."""
    rows = get_user_model().objects.select_for_update(of=("self",)).filter(pk=gardener.pk)
    list(rows.order_by().values_list("pk"))


def lock_plot(plot: Plot) -> None:
    # No ordering and ``of=self``: the default ordering joins the garden, whose row would be
    # locked too and serialise every reservation of the garden.
    rows = Plot.objects.select_for_update(of=("self",)).filter(pk=plot.pk).order_by()
    list(rows.values_list("pk"))


def plot_is_held(plot: Plot, season: Season) -> bool:
    """A plot is held when it has an active reservation or an open offer for the season."""
    return (
        Reservation.objects.filter(plot=plot, season=season, status__in=Reservation.ACTIVE).exists()
        or Offer.objects.filter(plot=plot, season=season, status=Offer.Status.OPEN).exists()
    )


def active_reservations_of(gardener: User, season: Season) -> int:
    return Reservation.objects.filter(
        gardener=gardener, season=season, status__in=Reservation.ACTIVE
    ).count()


def preferences_met_by(plot: Plot) -> Q:
    """Waiting-list entries whose preferences ``plot`` meets, as a filter."""
    query = Q(min_area_m2__lte=plot.area_m2)
    for feature, need in (
        ("has_water_point", "needs_water_point"),
        ("is_raised_bed", "needs_raised_bed"),
        ("is_accessible", "needs_accessible"),
        ("has_shed", "needs_shed"),
    ):
        if not getattr(plot, feature):
            query &= Q(**{need: False})
    return query
