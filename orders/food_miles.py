"""How far an order's products travelled: from each farm to the order's pickup point, as the
crow flies (great-circle distance between their positions).

For the order's active lines whose farm and pickup point both have a position:

* ``total_km`` is the sum of the farm → point distances of the lines (a line counts once,
  whatever its quantity: one trip per line);
* ``average_km_per_item`` is that distance averaged over the items, weighted by quantity
  (3 bunches from a farm 14 km away and 1 loaf from 30 km: (3 × 14 + 30) / 4 = 18 km);
* ``per_producer`` gives each farm's distance and number of items, closest first.

Lines whose farm or point has no position are left out (``items_left_out`` counts their
items). Distances are rounded to 0.1 km at the end, never before summing.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.geo import distance_km
from orders.models import Order, OrderLine

ROUND_TO = 1  # decimals of a km


@dataclass(frozen=True)
class FarmDistance:
    producer_id: int
    name: str
    slug: str
    distance_km: float
    items: int


@dataclass(frozen=True)
class FoodMiles:
    total_km: float | None
    average_km_per_item: float | None
    per_producer: list[FarmDistance]
    items_counted: int
    items_left_out: int

    @property
    def known(self) -> bool:
        """Whether any line could be measured."""
        return self.items_counted > 0


def order_food_miles(order: Order) -> FoodMiles:
    """The order's food-miles (see the module's docstring). One query."""
    rows = OrderLine.objects.filter(order_id=order.pk, status=OrderLine.Status.ACTIVE).values_list(
        "producer_id",
        "producer__name",
        "producer__slug",
        "producer__latitude",
        "producer__longitude",
        "order__distribution__pickup_point__latitude",
        "order__distribution__pickup_point__longitude",
        "quantity",
    )
    total = weighted = 0.0
    counted = left_out = 0
    farms: dict[int, list] = {}
    for producer_id, name, slug, farm_lat, farm_lng, point_lat, point_lng, quantity in rows:
        if None in (farm_lat, farm_lng, point_lat, point_lng):
            left_out += quantity
            continue
        km = distance_km((farm_lat, farm_lng), (point_lat, point_lng))
        total += km
        weighted += km * quantity
        counted += quantity
        farms.setdefault(producer_id, [name, slug, km, 0])[3] += quantity
    per_producer = sorted(
        (
            FarmDistance(pk, name, slug, round(km, ROUND_TO), items)
            for pk, (name, slug, km, items) in farms.items()
        ),
        key=lambda farm: (farm.distance_km, farm.name, farm.producer_id),
    )
    return FoodMiles(
        total_km=round(total, ROUND_TO) if counted else None,
        average_km_per_item=round(weighted / counted, ROUND_TO) if counted else None,
        per_producer=per_producer,
        items_counted=counted,
        items_left_out=left_out,
    )
