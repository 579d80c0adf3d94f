"""Reads about pickup points, shared by pages and API, each with its own joins and prefetches.

Scoping: a host only ever reaches their own points (and what hangs off them), a producer
member only their own producers' requests — the querysets are filtered, so a lookup of
anything else is a plain 404.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from common.geo import nearest
from pickup.models import Distribution, PickupPoint, Supplier
from producers.models import Catalogue, Offer, Producer, Product

Status = Distribution.Status
UPCOMING_STATUSES = (Status.SCHEDULED, Status.OPEN)
# orders.models.ACTIVE_STATUSES, by value (pickup does not import orders).
ORDER_ACTIVE_STATUSES = ("awaiting_payment", "paid", "confirmed")

# --- Access ---------------------------------------------------------------------------------


def hosted_points(*, user: User) -> QuerySet[PickupPoint]:
    """The pickup points ``user`` hosts (none for anonymous users)."""
    if not user.is_authenticated:
        return PickupPoint.objects.none()
    return PickupPoint.objects.filter(hosts=user)


def hosted_point(*, user: User, pk: int | None = None, slug: str = "") -> PickupPoint:
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return get_object_or_404(hosted_points(user=user), **lookup)


def is_host(*, user: User, pickup_point: PickupPoint) -> bool:
    return user.is_authenticated and pickup_point.hosts.filter(pk=user.pk).exists()


def can_see_access_instructions(user: User, point: PickupPoint) -> bool:
    """Who may read a point's access instructions in full: its hosts, and households with an
    active order (awaiting payment, paid or confirmed) at one of its distributions.

    ``pickup`` does not import ``orders``: the orders are reached through the reverse relation
    ``Distribution.orders`` and their status values (kept in step with ``orders.models``).
    """
    if not user.is_authenticated:
        return False
    if is_host(user=user, pickup_point=point):
        return True
    return point.distributions.filter(
        orders__household=user, orders__status__in=ORDER_ACTIVE_STATUSES
    ).exists()


# --- Public reads ---------------------------------------------------------------------------


def public_points() -> QuerySet[PickupPoint]:
    """Active points with a known position."""
    return PickupPoint.objects.filter(
        is_active=True, latitude__isnull=False, longitude__isnull=False
    )


def public_point(*, slug: str = "", pk: int | None = None) -> PickupPoint:
    """An active point by slug or id (located or not), else Http404."""
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return get_object_or_404(PickupPoint.objects.filter(is_active=True), **lookup)


def next_distribution_prefetch(*, to_attr: str = "next_distributions") -> Prefetch:
    """Each point's next distribution still taking (or about to take) orders, in one query.

    A sliced Prefetch: Django ranks each point's rows with a window function, so the query
    returns at most one row per point whatever the number of future distributions.
    """
    upcoming = Distribution.objects.filter(
        status__in=UPCOMING_STATUSES, cutoff_at__gt=timezone.now()
    ).order_by("starts_at", "pk")
    return Prefetch("distributions", queryset=upcoming[:1], to_attr=to_attr)


def with_next_distribution(points: Iterable[PickupPoint]) -> list[PickupPoint]:
    """Attach ``next_distribution`` (or None) to each point, with one query for them all."""
    points = list(points)
    prefetch_related_objects(points, next_distribution_prefetch())
    for point in points:
        point.next_distribution = point.next_distributions[0] if point.next_distributions else None
    return points


SEARCH_RESULT_FIELDS = ("id", "name", "slug", "address", "latitude", "longitude")


def nearest_points(
    *, origin: tuple[float, float], radius_km: float, limit: int = 20
) -> list[PickupPoint]:
    """Active points within ``radius_km`` of ``origin``, closest first, each with
    ``distance_km`` and ``next_distribution``. Two queries whatever the number of points: the
    bounding box on the indexed position, then the next distributions of the points kept."""
    # Only the columns a result shows: rows in the box are many, the ones kept are few.
    boxed = public_points().order_by().only(*SEARCH_RESULT_FIELDS)
    return with_next_distribution(nearest(boxed, origin, radius_km=radius_km, limit=limit))


def ordering_open(distribution: Distribution) -> bool:
    """Whether households can order at ``distribution`` now: open, between its opening and
    its cutoff."""
    now = timezone.now()
    return (
        distribution.status == Distribution.Status.OPEN
        and distribution.opens_at <= now < distribution.cutoff_at
    )


def upcoming_distributions(*, point: PickupPoint, limit: int = 8) -> QuerySet[Distribution]:
    """Scheduled or open distributions that have not ended, soonest first."""
    return point.distributions.filter(
        status__in=UPCOMING_STATUSES, ends_at__gt=timezone.now()
    ).order_by("starts_at")[:limit]


def next_open_distribution(*, point: PickupPoint) -> Distribution | None:
    """The point's soonest distribution taking orders now, or None."""
    return (
        point.distributions.filter(status=Status.OPEN, cutoff_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def approved_producers(*, point: PickupPoint) -> QuerySet[Producer]:
    """The active farms that come to ``point``."""
    return Producer.objects.filter(
        is_active=True,
        supplied_points__pickup_point=point,
        supplied_points__status=Supplier.Status.APPROVED,
    ).order_by("name")


def distribution_for_viewer(*, user: User, pk: int) -> Distribution:
    """A distribution whose catalogue ``user`` may browse: open ones for everyone, any status
    for the hosts of its point; 404 otherwise."""
    visible = Q(status=Status.OPEN)
    if user.is_authenticated:
        visible |= Q(pickup_point__hosts=user)
    return get_object_or_404(
        Distribution.objects.filter(visible, pickup_point__is_active=True)
        .select_related("pickup_point")
        .distinct(),
        pk=pk,
    )


# --- Catalogue of a distribution ------------------------------------------------------------


def catalogue_offers(*, distribution: Distribution) -> QuerySet[Offer]:
    """The offers on sale at ``distribution``: published catalogues of its week, from active
    farms approved at its point, active products. One query with products and producers.

    Basket products are sold by season subscription only: their stock is the subscribers'
    weekly baskets, so they are never on sale one by one."""
    return (
        Offer.objects.exclude(product__category=Product.Category.BASKET)
        .filter(
            catalogue__week=distribution.week,
            catalogue__status=Catalogue.Status.PUBLISHED,
            catalogue__producer__is_active=True,
            catalogue__producer__supplied_points__pickup_point_id=distribution.pickup_point_id,
            catalogue__producer__supplied_points__status=Supplier.Status.APPROVED,
            product__is_active=True,
        )
        .select_related("product", "catalogue__producer")
        .order_by("catalogue__producer__name", "catalogue__producer_id", "product__name", "pk")
    )


@dataclass
class ProducerOffers:
    producer: Producer
    offers: list[Offer] = field(default_factory=list)

    @property
    def sells_by_weight(self) -> bool:
        return any(offer.product.sold_by_weight for offer in self.offers)


def distribution_catalogue(*, distribution: Distribution) -> list[ProducerOffers]:
    """The catalogue grouped by farm (farm name order), each farm with its minimum order."""
    groups: dict[int, ProducerOffers] = {}
    for offer in catalogue_offers(distribution=distribution):
        producer = offer.catalogue.producer
        groups.setdefault(producer.pk, ProducerOffers(producer)).offers.append(offer)
    return list(groups.values())


def search_key(text: str) -> str:
    """``text`` as the catalogue search compares it: lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def catalogue_categories(groups: Iterable[ProducerOffers]) -> list[tuple[str, str]]:
    """The categories (value, label) of the offers in ``groups``, in the model's order."""
    present = {offer.product.category for group in groups for offer in group.offers}
    return [(value, label) for value, label in Product.Category.choices if value in present]


def matching_offers(groups: Iterable[ProducerOffers], *, query: str, category: str) -> set[int]:
    """Ids of the offers whose product or farm name holds every word of ``query`` (case and
    accents aside), in ``category`` when one is given."""
    words = search_key(query).split()
    found = set()
    for group in groups:
        for offer in group.offers:
            if category and offer.product.category != category:
                continue
            text = search_key(f"{offer.product.name} {group.producer.name}")
            if all(word in text for word in words):
                found.add(offer.pk)
    return found


# --- Hosts and producer members -------------------------------------------------------------


def host_dashboard_points(*, user: User) -> list[PickupPoint]:
    """The points ``user`` hosts, each with ``dashboard_distributions`` (those that ended on
    the day before yesterday or later — calendar days, so the same list all day long — soonest
    first; each with ``orders_active``, its orders not cancelled, and ``orders_paid``) and
    ``dashboard_suppliers`` (with their farm).
    Three queries whatever the number of points, distributions and farms."""
    day = timezone.localdate() - timedelta(days=2)
    recent = timezone.make_aware(datetime.combine(day, time.min))
    distributions = (
        Distribution.objects.filter(ends_at__gte=recent)
        .annotate(
            orders_active=Count("orders", filter=Q(orders__status__in=ORDER_ACTIVE_STATUSES)),
            orders_paid=Count("orders", filter=Q(orders__status="paid")),
        )
        .order_by("starts_at")
    )
    return list(
        hosted_points(user=user).prefetch_related(
            Prefetch(
                "distributions",
                queryset=distributions,
                to_attr="dashboard_distributions",
            ),
            Prefetch(
                "suppliers",
                queryset=Supplier.objects.select_related("producer").order_by(
                    "status", "producer__name"
                ),
                to_attr="dashboard_suppliers",
            ),
        )
    )


def host_distributions(*, user: User) -> QuerySet[Distribution]:
    if not user.is_authenticated:
        return Distribution.objects.none()
    return (
        Distribution.objects.filter(pickup_point__hosts=user)
        .select_related("pickup_point")
        .order_by("starts_at", "pk")
    )


def host_distribution(*, user: User, pk: int) -> Distribution:
    return get_object_or_404(host_distributions(user=user), pk=pk)


def host_supply_requests(*, user: User) -> QuerySet[Supplier]:
    if not user.is_authenticated:
        return Supplier.objects.none()
    return (
        Supplier.objects.filter(pickup_point__hosts=user)
        .select_related("producer", "pickup_point", "decided_by")
        .order_by("status", "-requested_at", "pk")
    )


def host_supply_request(*, user: User, pk: int) -> Supplier:
    return get_object_or_404(host_supply_requests(user=user), pk=pk)


def member_supply_requests(*, user: User) -> QuerySet[Supplier]:
    """Requests of every producer ``user`` is a member of."""
    if not user.is_authenticated:
        return Supplier.objects.none()
    return (
        Supplier.objects.filter(producer__members=user)
        .select_related("producer", "pickup_point")
        .order_by("pickup_point__name", "producer__name", "pk")
    )


def member_supply_request(*, user: User, pk: int) -> Supplier:
    return get_object_or_404(member_supply_requests(user=user), pk=pk)


def supply_candidates(*, producer: Producer, limit: int = 50) -> list[PickupPoint]:
    """Active points this farm does not supply yet (nearest first when the farm is located)."""
    asked = Supplier.objects.filter(producer=producer).exclude(status=Supplier.Status.REFUSED)
    points = public_points().exclude(pk__in=asked.values("pickup_point_id"))
    if producer.point is None:
        return list(points.order_by("name")[:limit])
    return nearest(points, producer.point, radius_km=settings.SUPPLY_DISTANCE_LIMIT_KM, limit=limit)
