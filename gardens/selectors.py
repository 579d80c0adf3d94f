"""Reads shared by the pages and the API; each owns its joins, so counts stay flat."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from common.geo import Point, nearest, origin_from_query
from gardens.models import (
    Garden,
    Offer,
    Plot,
    Reservation,
    Season,
    WaitlistEntry,
    WorkDay,
    WorkDaySignup,
)

FREE, RESERVED, YOURS = "free", "reserved", "yours"


def active_gardens() -> QuerySet[Garden]:
    return Garden.objects.filter(is_active=True)


def gardens_near(point: Point | tuple[float, float], *, radius_km: float) -> list[Garden]:
    """Active gardens within ``radius_km``, closest first (each with ``distance_km``)."""
    return nearest(active_gardens(), (point[0], point[1]), radius_km=radius_km)


def search_gardens(
    *, near: Point | None = None, q: str | None = None, radius_km: float
) -> list[Garden]:
    """The gardens' search: active gardens within ``radius_km`` of a position (``near``) or of
    a place (``q``, geocoded), closest first; every active garden by name when neither is given.
    Raises :class:`~common.geo.AddressNotFound` for a place that cannot be found."""
    origin = origin_from_query(near=near, q=q)
    if origin is None:
        return list(active_gardens().order_by("name"))
    return gardens_near(origin, radius_km=radius_km)


def coordinated_gardens(user: User) -> QuerySet[Garden]:
    """The gardens a person coordinates: the only ones whose management they may see."""
    if not user.is_authenticated:
        return Garden.objects.none()
    return Garden.objects.filter(coordinators=user)


def is_coordinator(user: User, garden: Garden) -> bool:
    return user.is_authenticated and garden.coordinators.filter(pk=user.pk).exists()


def seasons_of(garden: Garden) -> list[Season]:
    return list(garden.seasons.order_by("-starts_on", "-pk"))


def current_season(seasons: list[Season], today: date) -> Season | None:
    """The season to show: open for applications, else running, else next, else the latest."""
    for test in (
        lambda s: s.applications_open(today),
        lambda s: s.starts_on <= today <= s.ends_on,
        lambda s: s.starts_on > today,
    ):
        matching = [s for s in seasons if test(s)]
        if matching:
            return min(matching, key=lambda s: s.starts_on)
    return seasons[0] if seasons else None


@dataclass
class PlotOnPlan:
    plot: Plot
    state: str  # FREE, RESERVED or YOURS
    reservation: Reservation | None = None
    offered: bool = False


@dataclass
class Plan:
    garden: Garden
    season: Season | None
    plots: list[PlotOnPlan] = field(default_factory=list)

    @property
    def free_count(self) -> int:
        return sum(p.state == FREE for p in self.plots)


def plan_for(garden: Garden, season: Season | None, user: User | None = None) -> Plan:
    """Active plots of a garden with their state for a season, seen by ``user``: three queries
    whatever the number of plots."""
    plots = list(garden.plots.filter(is_active=True).order_by("code"))
    held: dict[int, Reservation] = {}
    offered: set[int] = set()
    if season is not None:
        held = {
            r.plot_id: r
            for r in season.reservations.filter(status__in=Reservation.ACTIVE).select_related(
                "gardener"
            )
        }
        offered = set(
            season.offers.filter(status=Offer.Status.OPEN).values_list("plot_id", flat=True)
        )
    user_id = user.pk if user is not None and user.is_authenticated else None
    rows = []
    for plot in plots:
        reservation = held.get(plot.pk)
        if reservation is not None and reservation.gardener_id == user_id:
            state = YOURS
        elif reservation is not None or plot.pk in offered or season is None:
            state = RESERVED
        else:
            state = FREE
        rows.append(PlotOnPlan(plot, state, reservation, plot.pk in offered))
    return Plan(garden=garden, season=season, plots=rows)


@dataclass(frozen=True)
class SeasonFees:
    paid_cents: int
    due_cents: int


def season_fees(season: Season) -> SeasonFees:
    """The fees of a season's plots, paid and still due, in cents: those of its active
    reservations (awaiting approval or reserved) on active plots, the plots of its plan.
    One query, summed in the database."""
    totals = Reservation.objects.filter(
        season=season,
        status__in=Reservation.ACTIVE,
        plot__garden_id=season.garden_id,
        plot__is_active=True,
    ).aggregate(
        paid=Coalesce(Sum("fee_cents", filter=Q(fee_paid=True)), 0),
        due=Coalesce(Sum("fee_cents", filter=Q(fee_paid=False)), 0),
    )
    return SeasonFees(paid_cents=totals["paid"], due_cents=totals["due"])


def waitlist_for(season: Season) -> list[WaitlistEntry]:
    """Active entries in order, each with its ``position`` (1 = next) and open offer if any."""
    entries = list(
        season.waitlist.filter(status__in=WaitlistEntry.ACTIVE)
        .select_related("gardener")
        .order_by("created_at", "pk")
    )
    open_offers = {
        o.entry_id: o
        for o in Offer.objects.filter(entry__in=entries, status=Offer.Status.OPEN).select_related(
            "plot"
        )
    }
    for position, entry in enumerate(entries, start=1):
        entry.position = position
        entry.open_offer = open_offers.get(entry.pk)
    return entries


def waitlist_position(entry: WaitlistEntry) -> int:
    """1 for the first active entry of the season, and so on (first come, first served)."""
    earlier = (
        WaitlistEntry.objects.filter(season_id=entry.season_id, status__in=WaitlistEntry.ACTIVE)
        .filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk)
        )
        .count()
    )
    return earlier + 1


def _waitlist_positions(season_ids: set[int]) -> dict[int, int]:
    """Position of every active entry of these seasons, by entry id, in one query (the same
    order as :func:`waitlist_position`)."""
    active = (
        WaitlistEntry.objects.filter(season_id__in=season_ids, status__in=WaitlistEntry.ACTIVE)
        .order_by("season_id", "created_at", "pk")
        .values_list("season_id", "pk")
    )
    positions, seen = {}, defaultdict(int)
    for season_id, pk in active:
        seen[season_id] += 1
        positions[pk] = seen[season_id]
    return positions


def open_offers_for(season: Season) -> list[Offer]:
    return list(
        season.offers.filter(status=Offer.Status.OPEN)
        .select_related("plot", "entry__gardener")
        .order_by("expires_at", "pk")
    )


def work_days_for(season: Season) -> list[WorkDay]:
    """Work days with their sign-ups (and gardeners), ``signed_up`` counted."""
    return list(
        season.work_days.annotate(signed_up=Count("signups"))
        .prefetch_related("signups__gardener")
        .order_by("starts_at", "pk")
    )


def work_day_ends_at(work_day: WorkDay) -> datetime:
    return work_day.starts_at + timedelta(hours=float(work_day.hours))


def upcoming_work_days(season_ids: Iterable[int], *, now: datetime | None = None) -> list[WorkDay]:
    """The work days of these seasons still to come or under way (not ended: a work day ends
    ``hours`` after it starts), soonest first: what the garden's page and « My garden » list.
    Each has its garden and season, its sign-ups prefetched and ``signed_up`` counted. Two
    queries. The end is a start plus a decimal number of hours, which has no portable SQL: the
    seasons' work days (a handful each) are read and the ended ones left out here."""
    now = now or timezone.now()
    days = (
        WorkDay.objects.filter(season_id__in=list(season_ids))
        .annotate(signed_up=Count("signups"))
        .select_related("garden", "season")
        .prefetch_related("signups")
        .order_by("starts_at", "pk")
    )
    return [day for day in days if work_day_ends_at(day) > now]


def work_hours(season: Season) -> dict[int, Decimal]:
    """Hours each gardener worked (attended) in a season's work days, by gardener id."""
    rows = (
        WorkDaySignup.objects.filter(work_day__season=season, attended=True)
        .values("gardener_id")
        .annotate(total=Sum("hours"))
    )
    return defaultdict(Decimal, {row["gardener_id"]: row["total"] or Decimal(0) for row in rows})


@dataclass
class MyGardening:
    reservations: list[Reservation]
    entries: list[WaitlistEntry]
    offers: list[Offer]
    work_days: list[WorkDay]
    signed_up: set[int]
    hours: dict[int, Decimal]  # season id → hours worked


def my_gardening(user: User) -> MyGardening:
    """A gardener's plots, waiting-list places, open offers, the coming work days of their
    seasons (:func:`upcoming_work_days`) and the hours they worked."""
    reservations = list(
        Reservation.objects.filter(gardener=user, status__in=Reservation.ACTIVE)
        .select_related("plot__garden", "season")
        .order_by("-season__starts_on", "plot__code")
    )
    entries = list(
        WaitlistEntry.objects.filter(gardener=user, status__in=WaitlistEntry.ACTIVE)
        .select_related("season__garden")
        .order_by("created_at")
    )
    positions = _waitlist_positions({e.season_id for e in entries})
    for entry in entries:
        entry.position = positions[entry.pk]
    offers = list(
        Offer.objects.filter(entry__gardener=user, status=Offer.Status.OPEN)
        .select_related("plot__garden", "season")
        .order_by("expires_at")
    )
    season_ids = {r.season_id for r in reservations}
    work_days = upcoming_work_days(season_ids)
    signups = WorkDaySignup.objects.filter(gardener=user, work_day__season_id__in=season_ids)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    signed_up = set()
    for signup in signups.select_related("work_day"):
        signed_up.add(signup.work_day_id)
        if signup.attended:
            hours[signup.work_day.season_id] += signup.hours or 0
    return MyGardening(reservations, entries, offers, work_days, signed_up, hours)
