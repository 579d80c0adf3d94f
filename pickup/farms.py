"""Reads of the public farm pages: which farms are shown, where they deliver, what they sell
now, and how far they are from a pickup point.

A farm is public when it is active and approved at one active pickup point at least: a farm
still waiting for its first host, or stopped, has no page. Its street address is not shown
(a farm is often its farmer's home): only its town, and its map marker is rounded to about a
kilometre.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from common.geo import distance_km
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.selectors import next_distribution_prefetch
from producers.models import Catalogue, Offer, Producer, Product

# Two decimals of a degree: about 1.1 km north-south, 0.7 km east-west around Lille.
MAP_PRECISION = 2
_POSTCODE_TOWN = re.compile(r"\b(\d{5})\s+(\S.*)$")


def public_farms() -> QuerySet[Producer]:
    """Active farms approved at an active pickup point, by name."""
    return (
        Producer.objects.filter(
            is_active=True,
            supplied_points__status=Supplier.Status.APPROVED,
            supplied_points__pickup_point__is_active=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


def public_farm(*, slug: str) -> Producer:
    """A public farm by slug, else Http404."""
    return get_object_or_404(public_farms(), slug=slug)


def town(address: str) -> str:
    """The town of a French address: ``"12 chemin du Halage, 59136 Wavrin"`` → ``"Wavrin"``;
    an address of one word without digits is taken as a town; anything else gives ``""``."""
    last = (address or "").split(",")[-1].strip()
    found = _POSTCODE_TOWN.search(last)
    if found:
        return found.group(2).strip()
    if last and "," not in (address or "") and not any(c.isdigit() for c in last):
        return last
    return ""


def map_position(producer: Producer) -> tuple[float, float] | None:
    """The farm's position for a public map, rounded to about a kilometre."""
    if producer.point is None:
        return None
    return (round(producer.latitude, MAP_PRECISION), round(producer.longitude, MAP_PRECISION))


def km_between(producer: Producer, point: PickupPoint) -> float | None:
    """Great-circle distance from the farm to the point, or None when either has no position."""
    if producer.point is None or point.point is None:
        return None
    return distance_km(producer.point, point.point)


def delivered_points(*, producer: Producer) -> list[PickupPoint]:
    """The active points where the farm is approved, by name, each with ``next_distribution``
    (or None) and ``distance_km`` from the farm (or None). Two queries."""
    points = list(
        PickupPoint.objects.filter(
            is_active=True,
            suppliers__producer=producer,
            suppliers__status=Supplier.Status.APPROVED,
        )
        .prefetch_related(next_distribution_prefetch())
        .order_by("name", "pk")
    )
    for point in points:
        point.next_distribution = point.next_distributions[0] if point.next_distributions else None
        point.distance_km = km_between(producer, point)
    return points


@dataclass
class WeekOnSale:
    """One week of the farm's offers on sale now, and the sales where they can be ordered."""

    week: date
    offers: list[Offer] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)


def on_sale(*, producer: Producer, points: list[PickupPoint]) -> list[WeekOnSale]:
    """What the farm sells now: its published catalogues of the weeks that have a sale taking
    orders (open, between its opening and its cutoff) at one of ``points`` (the points where it
    is approved), their active products but baskets (sold by subscription only), with those
    sales, soonest first. Two queries."""
    now = timezone.now()
    by_point = {point.pk: point for point in points}
    sales = list(
        Distribution.objects.filter(
            pickup_point_id__in=by_point,
            status=Distribution.Status.OPEN,
            opens_at__lte=now,
            cutoff_at__gt=now,
        ).order_by("starts_at", "pk")
    )
    if not sales:
        return []
    weeks: dict[date, WeekOnSale] = {}
    for sale in sales:
        sale.pickup_point = by_point[sale.pickup_point_id]
        weeks.setdefault(sale.week, WeekOnSale(sale.week)).distributions.append(sale)
    offers = (
        Offer.objects.filter(
            catalogue__producer=producer,
            catalogue__status=Catalogue.Status.PUBLISHED,
            catalogue__week__in=list(weeks),
            product__is_active=True,
        )
        .exclude(product__category=Product.Category.BASKET)
        .select_related("product", "catalogue")
        .order_by("product__name", "pk")
    )
    for offer in offers:
        weeks[offer.catalogue.week].offers.append(offer)
    return sorted((w for w in weeks.values() if w.offers), key=lambda w: w.week)


def farms_near(*, point: PickupPoint | None) -> list[Producer]:
    """The public farms, each with ``town`` and ``distance_km`` to ``point`` (None without a
    point or a position): closest first when a point is given, by name otherwise. One query."""
    farms = list(public_farms())
    for farm in farms:
        farm.town = town(farm.address)
        farm.distance_km = None if point is None else km_between(farm, point)
    if point is not None:
        farms.sort(key=lambda f: (f.distance_km is None, f.distance_km or 0, f.name, f.pk))
    return farms
