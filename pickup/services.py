"""Every write about pickup points, their suppliers and their distributions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid, check_editable
from common.geo import distance_km, locate_later
from pickup.errors import (
    AlreadyRequested,
    DistributionTaken,
    InvalidSchedule,
    InvalidTransition,
    NotAHost,
    PickupPointNotLocated,
    ProducerNotLocated,
    TooFar,
)
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.schedule import default_window, local_datetime, week_of, weekly_dates
from pickup.selectors import ORDER_ACTIVE_STATUSES, is_host
from producers.legal import LEGAL_FIELDS, check_identity, normalise_identity
from producers.models import Producer

Status = Distribution.Status

# --- Pickup points --------------------------------------------------------------------------

HOST_EDITABLE_FIELDS = frozenset(
    {
        "name",
        "description",
        "address",
        "access_instructions",
        "capacity",
        "cutoff_hours",
        "opens_days",
        "is_active",
        *LEGAL_FIELDS,  # the host's legal identity, for its commission invoices
    }
)


# Operators (the admin) also choose a point's slug and its hosts.
OPERATOR_EDITABLE_FIELDS = HOST_EDITABLE_FIELDS | {"slug", "hosts"}


def _check_window(*, opens_days: int, cutoff_hours: int) -> None:
    if opens_days * 24 <= cutoff_hours:
        raise Invalid(errors={"opens_days": [_("Ordering must open before it closes.")]})


@transaction.atomic
def create_pickup_point(
    *,
    name: str,
    slug: str,
    address: str,
    description: str = "",
    access_instructions: str = "",
    capacity: int = 60,
    cutoff_hours: int = 48,
    opens_days: int = 6,
    is_active: bool = True,
    hosts: Sequence[User] = (),
    **legal_identity: str,
) -> PickupPoint:
    """An operator opens a pickup point. Ordering must open before it closes; the address is
    geocoded after the commit (never in the request), the position pending until then. The
    host's legal identity (``producers.legal.LEGAL_FIELDS``) may be given, checked."""
    _check_window(opens_days=opens_days, cutoff_hours=cutoff_hours)
    check_editable(legal_identity, LEGAL_FIELDS)
    identity = {**dict.fromkeys(LEGAL_FIELDS, ""), **normalise_identity(legal_identity)}
    check_identity(identity)
    pickup_point = PickupPoint.objects.create(
        **identity,
        name=name,
        slug=slug,
        address=address,
        description=description,
        access_instructions=access_instructions,
        capacity=capacity,
        cutoff_hours=cutoff_hours,
        opens_days=opens_days,
        is_active=is_active,
    )
    pickup_point.hosts.set(hosts)
    locate_later([pickup_point])
    return pickup_point


@transaction.atomic
def update_pickup_point(
    *, pickup_point: PickupPoint, changes: Mapping[str, Any], operator: bool = False
) -> PickupPoint:
    """A host edits their point (``HOST_EDITABLE_FIELDS``); an operator may also change its
    slug and hosts. Ordering must open before it closes. A new address is geocoded after the
    commit (never in the request); until then the point keeps its previous position but is
    marked pending."""
    editable = OPERATOR_EDITABLE_FIELDS if operator else HOST_EDITABLE_FIELDS
    check_editable(changes, editable)
    _check_window(
        opens_days=changes.get("opens_days", pickup_point.opens_days),
        cutoff_hours=changes.get("cutoff_hours", pickup_point.cutoff_hours),
    )
    changes = {**changes, **normalise_identity(changes)}
    if set(LEGAL_FIELDS) & set(changes):
        check_identity({f: changes.get(f, getattr(pickup_point, f)) for f in LEGAL_FIELDS})
    if "hosts" in changes:
        pickup_point.hosts.set(changes.pop("hosts"))
    if not changes:
        return pickup_point
    address_changed = "address" in changes and changes["address"] != pickup_point.address
    for field, value in changes.items():
        setattr(pickup_point, field, value)
    fields = list(changes)
    if address_changed:
        pickup_point.location_status = PickupPoint.LocationStatus.PENDING
        fields.append("location_status")
    pickup_point.save(update_fields=fields)
    if address_changed:
        locate_later([pickup_point])
    return pickup_point


# --- Suppliers ------------------------------------------------------------------------------


def _checked_distance(*, producer: Producer, pickup_point: PickupPoint) -> float:
    if producer.point is None:
        raise ProducerNotLocated()
    if pickup_point.point is None:
        raise PickupPointNotLocated()
    distance = distance_km(producer.point, pickup_point.point)
    limit = settings.SUPPLY_DISTANCE_LIMIT_KM
    if distance > limit:
        raise TooFar(
            _("This farm is %(distance)d km from the pickup point; the limit is %(limit)d km.")
            % {"distance": round(distance), "limit": limit},
            distance_km=round(distance, 1),
            limit_km=limit,
        )
    return distance


@transaction.atomic
def request_supply(*, producer: Producer, pickup_point: PickupPoint) -> Supplier:
    """A farm asks to supply an active pickup point; a host of the point decides.

    The farm and the point must both have a known position, and be at most
    ``SUPPLY_DISTANCE_LIMIT_KM`` apart (the distance is stored). A pending or approved request
    is not duplicated; after a refusal the farm may ask again.
    """
    if not pickup_point.is_active:
        raise Invalid(errors={"pickup_point": [_("This pickup point is closed.")]})
    distance = _checked_distance(producer=producer, pickup_point=pickup_point)
    existing = (
        Supplier.objects.select_for_update()
        .filter(producer=producer, pickup_point=pickup_point)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                return Supplier.objects.create(
                    producer=producer, pickup_point=pickup_point, distance_km=distance
                )
        except IntegrityError:  # the same request sent twice at once
            raise AlreadyRequested() from None
    if existing.status != Supplier.Status.REFUSED:
        raise AlreadyRequested(status=existing.status)
    existing.status = Supplier.Status.PENDING
    existing.distance_km = distance
    existing.requested_at = timezone.now()
    existing.decided_at = existing.decided_by = None
    existing.save()
    return existing


@transaction.atomic
def decide_supply(*, supplier: Supplier, decided_by: User, approve: bool) -> Supplier:
    """A host of the point (or staff) approves or refuses a farm.

    A pending request can be approved or refused; an approved farm can later be refused (it
    stops coming) and a refused one approved. Approval re-checks the distance limit, since
    either address may have moved since the request. Deciding the same thing twice is a no-op.
    """
    supplier = (
        Supplier.objects.select_for_update()
        .select_related("producer", "pickup_point")
        .get(pk=supplier.pk)
    )
    if not (decided_by.is_staff or is_host(user=decided_by, pickup_point=supplier.pickup_point)):
        raise NotAHost()
    target = Supplier.Status.APPROVED if approve else Supplier.Status.REFUSED
    if supplier.status == target:
        return supplier
    if approve:
        supplier.distance_km = _checked_distance(
            producer=supplier.producer, pickup_point=supplier.pickup_point
        )
    supplier.status = target
    supplier.decided_at = timezone.now()
    supplier.decided_by = decided_by
    supplier.save(update_fields=["status", "distance_km", "decided_at", "decided_by"])
    return supplier


# --- Distributions: the status pipeline -----------------------------------------------------

# Allowed moves. Closing and finishing also have time guards in move_distribution.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SCHEDULED: frozenset({Status.OPEN, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.CLOSED, Status.CANCELLED}),
    Status.CLOSED: frozenset({Status.DONE}),
    Status.DONE: frozenset(),
    Status.CANCELLED: frozenset(),
}


def move_refusal(distribution: Distribution, to: str) -> str | None:
    """Why ``distribution`` cannot move to status ``to`` now, or None: the moves of
    ``TRANSITIONS`` and their time guards (opening before the cutoff, closing after it, done
    once started). Reads no row: the pages ask it for each button they show."""
    current = distribution.status
    now = timezone.now()
    if to not in TRANSITIONS.get(current, ()):
        return _("A %(current)s distribution cannot become %(target)s.") % {
            "current": Status(current).label,
            "target": _label(to),
        }
    if to == Status.OPEN and distribution.cutoff_at <= now:
        return _("Ordering for this distribution has already closed.")
    if to == Status.CLOSED and distribution.cutoff_at > now:
        return _("Ordering closes at the cutoff, not before.")
    if to == Status.DONE and distribution.starts_at > now:
        return _("A distribution can only be done once it has started.")
    return None


@transaction.atomic
def move_distribution(*, distribution: Distribution, to: str) -> Distribution:
    """The one way a distribution changes status, following ``TRANSITIONS``.

    Opening is refused once the cutoff has passed; opening early brings ``opens_at`` forward to
    now. Closing needs the cutoff to have passed, ``done`` needs the distribution to have
    started. Cancelling is refused while orders are active (``orders.services.
    cancel_distribution`` cancels and refunds them first, then moves). The move is a
    conditional UPDATE on the current status, so of two concurrent moves only one succeeds;
    refused moves raise :class:`InvalidTransition` (409).
    """
    current = distribution.status
    refusal = move_refusal(distribution, to)
    if refusal is not None:
        raise InvalidTransition(refusal, current=current, target=to)
    now = timezone.now()
    changes: dict[str, Any] = {"status": to}
    if to == Status.OPEN and distribution.opens_at > now:
        changes["opens_at"] = now
    if (
        to == Status.CANCELLED
        and distribution.orders.filter(status__in=ORDER_ACTIVE_STATUSES).exists()
    ):
        # Orders must be cancelled and refunded first: orders.services.cancel_distribution does
        # both, then comes back here (pickup does not import orders).
        raise InvalidTransition(
            _(
                "This distribution has orders: cancel it from the host's pages so they are refunded."
            ),
            current=current,
            target=to,
        )
    moved = Distribution.objects.filter(pk=distribution.pk, status=current).update(**changes)
    if not moved:
        distribution.refresh_from_db(fields=["status"])
        raise InvalidTransition(
            _("The distribution changed meanwhile; reload and try again."),
            current=distribution.status,
            target=to,
        )
    for field, value in changes.items():
        setattr(distribution, field, value)
    return distribution


def _label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def open_due_distributions() -> list[int]:
    """Open every scheduled distribution whose ordering window has begun (periodic task).

    State-driven and idempotent: it looks at ``status=scheduled, opens_at <= now < cutoff_at``
    only, each move goes through :func:`move_distribution` in its own transaction, and a
    distribution opened meanwhile (by a host or another run) is skipped. Returns the ids opened.
    """
    now = timezone.now()
    due = (
        Distribution.objects.filter(status=Status.SCHEDULED, opens_at__lte=now, cutoff_at__gt=now)
        .order_by("pk")
        .only("pk", "status", "opens_at", "cutoff_at", "starts_at")
    )
    opened = []
    for distribution in due:
        try:
            move_distribution(distribution=distribution, to=Status.OPEN)
        except InvalidTransition:
            continue
        opened.append(distribution.pk)
    return opened


# --- Distributions: scheduling --------------------------------------------------------------

# How far ahead a distribution may start: a year of weekly distributions and then some. Every
# date computed from a start (its ordering window, its week, a weekly series) then exists.
SCHEDULE_AHEAD = timedelta(days=2 * 366)


def _check_start(starts_at: datetime) -> None:
    """A distribution starts in the future, at most ``SCHEDULE_AHEAD`` from now."""
    if timezone.is_naive(starts_at):
        raise InvalidSchedule(_("Times must include their time zone."))
    now = timezone.now()
    if starts_at <= now:
        raise InvalidSchedule(_("A distribution must start in the future."))
    if starts_at > now + SCHEDULE_AHEAD:
        raise InvalidSchedule(_("A distribution can be scheduled at most two years ahead."))


def _check_times(
    *, starts_at: datetime, ends_at: datetime, opens_at: datetime, cutoff_at: datetime
) -> None:
    if any(timezone.is_naive(t) for t in (starts_at, ends_at, opens_at, cutoff_at)):
        raise InvalidSchedule(_("Times must include their time zone."))
    if not opens_at < cutoff_at <= starts_at < ends_at:
        raise InvalidSchedule()
    _check_start(starts_at)


def _check_start_free(
    *, pickup_point_id: int, starts_at: datetime, other_than: int | None = None
) -> None:
    """A point has one live (not cancelled) distribution per start time."""
    taken = (
        Distribution.objects.filter(pickup_point_id=pickup_point_id, starts_at=starts_at)
        .exclude(status=Status.CANCELLED)
        .exclude(pk=other_than)
        .exists()
    )
    if taken:
        raise DistributionTaken(starts_at=starts_at.isoformat())


def _insert(distribution: Distribution) -> Distribution:
    _check_start_free(
        pickup_point_id=distribution.pickup_point_id, starts_at=distribution.starts_at
    )
    try:
        with transaction.atomic():
            distribution.save()
    except IntegrityError:
        raise DistributionTaken(starts_at=distribution.starts_at.isoformat()) from None
    if distribution.opens_at <= timezone.now():
        move_distribution(distribution=distribution, to=Status.OPEN)
    return distribution


@transaction.atomic
def schedule_distribution(
    *,
    pickup_point: PickupPoint,
    starts_at: datetime,
    ends_at: datetime,
    opens_at: datetime | None = None,
    cutoff_at: datetime | None = None,
) -> Distribution:
    """A host schedules one distribution.

    The ordering window defaults to the point's ``opens_days`` / ``cutoff_hours`` before the
    start, counted on the Paris wall clock. Times must follow each other (opens < cutoff <=
    start < end) and start in the future, at most two years ahead; a point has one live
    distribution per start time. A distribution whose window has already begun is opened at once.
    """
    _check_start(starts_at)  # before computing from it
    default_opens, default_cutoff = default_window(
        starts_at=starts_at,
        opens_days=pickup_point.opens_days,
        cutoff_hours=pickup_point.cutoff_hours,
    )
    opens_at = opens_at or default_opens
    cutoff_at = cutoff_at or default_cutoff
    _check_times(starts_at=starts_at, ends_at=ends_at, opens_at=opens_at, cutoff_at=cutoff_at)
    return _insert(
        Distribution(
            pickup_point=pickup_point,
            week=week_of(starts_at),
            starts_at=starts_at,
            ends_at=ends_at,
            opens_at=opens_at,
            cutoff_at=cutoff_at,
        )
    )


MAX_WEEKS = 52


@transaction.atomic
def schedule_weekly_distributions(
    *,
    pickup_point: PickupPoint,
    weekday: int,
    starts: time,
    ends: time,
    weeks: int,
    first_date: date | None = None,
) -> list[Distribution]:
    """A host schedules ``weeks`` distributions, one a week on ``weekday`` (0 = Monday).

    Each gets the point's default ordering window on the Paris wall clock (so the series keeps
    its local times across a clock change). The first is on or after ``first_date`` (default:
    tomorrow). All or nothing: a clash with an existing distribution cancels the whole series.
    """
    if not 0 <= weekday <= 6:
        raise Invalid(errors={"weekday": [_("Choose a day of the week.")]})
    if not 1 <= weeks <= MAX_WEEKS:
        raise Invalid(
            errors={"weeks": [_("Between 1 and %(max)d weeks.") % {"max": MAX_WEEKS}]},
        )
    if ends <= starts:
        raise InvalidSchedule(_("The distribution must end after it starts."))
    first_date = first_date or timezone.localdate() + timedelta(days=1)
    if first_date > timezone.localdate() + SCHEDULE_AHEAD:
        raise InvalidSchedule(_("A distribution can be scheduled at most two years ahead."))
    created = []
    for day in weekly_dates(first_date=first_date, weekday=weekday, weeks=weeks):
        created.append(
            schedule_distribution(
                pickup_point=pickup_point,
                starts_at=local_datetime(day, starts),
                ends_at=local_datetime(day, ends),
            )
        )
    return created


@transaction.atomic
def update_distribution_times(
    *,
    distribution: Distribution,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    opens_at: datetime | None = None,
    cutoff_at: datetime | None = None,
) -> Distribution:
    """A host moves a scheduled or open distribution; times not given keep their value.

    The same ordering rules as when scheduling apply; an open distribution cannot have its
    opening moved into the future. A scheduled one whose new window has begun opens at once.
    """
    if distribution.status not in (Status.SCHEDULED, Status.OPEN):
        raise InvalidTransition(
            _("Only a scheduled or open distribution can be moved."),
            current=distribution.status,
        )
    new = {
        "starts_at": starts_at or distribution.starts_at,
        "ends_at": ends_at or distribution.ends_at,
        "opens_at": opens_at or distribution.opens_at,
        "cutoff_at": cutoff_at or distribution.cutoff_at,
    }
    _check_times(**new)
    if distribution.status == Status.OPEN and new["opens_at"] > timezone.now():
        raise InvalidSchedule(_("This distribution is already open for orders."))
    _check_start_free(
        pickup_point_id=distribution.pickup_point_id,
        starts_at=new["starts_at"],
        other_than=distribution.pk,
    )
    for field, value in new.items():
        setattr(distribution, field, value)
    distribution.week = week_of(new["starts_at"])
    distribution.save(update_fields=[*new, "week"])
    if distribution.status == Status.SCHEDULED and distribution.opens_at <= timezone.now():
        move_distribution(distribution=distribution, to=Status.OPEN)
    return distribution
