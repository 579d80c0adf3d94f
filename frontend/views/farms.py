"""The public farm pages: the list of farms and a farm's page (its story, where it delivers,
what it sells now, how far it is from the household's pickup point)."""

from django.shortcuts import render
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from common.geo import Point
from frontend.chosen_point import chosen_point
from frontend.views.pickup import map_data
from pickup import farms

META_DESCRIPTION_CHARS = 155


def _farm_map_data(producer, points) -> dict:
    """The map script's data (``pickup-map.js``): the farm as the map's origin, at its rounded
    position, and the points it delivers to as markers."""
    position = farms.map_position(producer)
    origin = None if position is None else Point(position[0], position[1], producer.name)
    return map_data(points=points, origin=origin)


@require_GET
def farm_list(request):
    point = chosen_point(request)
    return render(
        request,
        "frontend/farms/list.html",
        {"farms": farms.farms_near(point=point), "chosen": point},
    )


@require_GET
def farm_detail(request, slug: str):
    producer = farms.public_farm(slug=slug)
    points = farms.delivered_points(producer=producer)
    chosen = chosen_point(request)
    story = " ".join(producer.description.split())
    return render(
        request,
        "frontend/farms/detail.html",
        {
            "producer": producer,
            "town": farms.town(producer.address),
            "points": points,
            "weeks": farms.on_sale(producer=producer, points=points),
            "chosen": chosen,
            "chosen_km": None if chosen is None else farms.km_between(producer, chosen),
            "delivers_chosen": chosen is not None and any(p.pk == chosen.pk for p in points),
            "meta_description": Truncator(story).chars(META_DESCRIPTION_CHARS),
            "map_data": _farm_map_data(producer, points),
        },
    )
