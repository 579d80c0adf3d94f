"""Households find the nearest pickup points, by place or by position."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.geo import bounding_box, distance_km
from pickup.models import PickupPoint
from pickup.selectors import nearest_points
from tests.factories import (
    DistributionFactory,
    PickupPointFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LILLE = (50.6330, 3.0586)
URL = "/api/v1/pickup-points/"


def _scatter(n, *, seed=7, spread=(1.0, 1.5), centre=LILLE):
    rng = random.Random(seed)
    return PickupPoint.objects.bulk_create(
        PickupPoint(
            name=f"Point {i}",
            slug=f"point-{seed}-{i}",
            address="x",
            latitude=centre[0] + rng.uniform(-spread[0], spread[0]),
            longitude=centre[1] + rng.uniform(-spread[1], spread[1]),
            location_status="located",
        )
        for i in range(n)
    )


def test_results_are_the_brute_force_sort_by_distance(api_client):
    _scatter(300)
    PickupPointFactory(latitude=LILLE[0], longitude=LILLE[1], is_active=False)  # closed
    PickupPointFactory(latitude=None, longitude=None, location_status="pending")
    response = api_client.get(URL, {"near": "50.633,3.0586", "radius_km": 40})
    assert response.status_code == 200
    results = response.json()["results"]
    expected = sorted(
        (distance_km(LILLE, (p.latitude, p.longitude)), p.pk)
        for p in PickupPoint.objects.filter(is_active=True).exclude(latitude=None)
    )
    expected = [pk for d, pk in expected if d <= 40][:20]
    assert [row["id"] for row in results] == expected
    distances = [row["distance_km"] for row in results]
    assert distances == sorted(distances) and distances[-1] <= 40
    assert set(results[0]) >= {"id", "name", "latitude", "longitude", "distance_km"}


def test_each_result_has_its_next_distribution_still_open_for_orders(api_client):
    point = PickupPointFactory(latitude=LILLE[0], longitude=LILLE[1])
    DistributionFactory(pickup_point=point, days_ahead=1)  # cutoff passed
    upcoming = DistributionFactory(pickup_point=point, days_ahead=4)
    DistributionFactory(pickup_point=point, days_ahead=11, status="scheduled")
    DistributionFactory(pickup_point=point, days_ahead=3, status="cancelled")
    bare = PickupPointFactory(latitude=LILLE[0] + 0.01, longitude=LILLE[1])
    rows = api_client.get(URL, {"q": "59000"}).json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[point.pk]["next_distribution"]["id"] == upcoming.pk
    assert by_id[point.pk]["next_distribution"]["cutoff_at"]
    assert by_id[bare.pk]["next_distribution"] is None


@pytest.mark.parametrize("kind", ["api", "page"])
def test_query_count_does_not_grow_with_the_number_of_points(client, kind):
    counts = {}
    for n in (3, 40):
        PickupPoint.objects.all().delete()
        for point in _scatter(n, seed=n, spread=(0.1, 0.1)):
            for days in (4, 11, 18):
                DistributionFactory(pickup_point=point, days_ahead=days)
        url = URL if kind == "api" else reverse("frontend:pickup_search")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"q": "Lille", "radius_km": 30})
        assert response.status_code == 200
        assert len(
            response.context["points"] if kind == "page" else response.json()["results"]
        ) == min(n, 20)
        counts[n] = len(ctx.captured_queries)
    assert counts[3] == counts[40] == 2


def test_ten_thousand_points_are_read_through_the_bounding_box_only(api_client):
    # spread over mainland France; Lille's 20 km box holds a small share of them
    points = _scatter(10_000, seed=10, spread=(4.0, 6.0), centre=(46.6, 2.4))
    _scatter(60, seed=11, spread=(0.15, 0.2))
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(URL, {"near": "50.633,3.0586", "radius_km": 20})
    assert response.status_code == 200
    (sql,) = [q["sql"] for q in ctx.captured_queries if 'FROM "pickup_pickuppoint"' in q["sql"]]
    for condition in ('"latitude" >=', '"latitude" <=', '"longitude" >=', '"longitude" <='):
        assert condition in sql

    min_lat, max_lat, min_lng, max_lng = bounding_box(LILLE, 20)
    boxed = [
        p
        for p in PickupPoint.objects.all()
        if min_lat <= p.latitude <= max_lat and min_lng <= p.longitude <= max_lng
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql)
        fetched = cursor.fetchall()
    assert len(fetched) == len(boxed) < len(points) / 50
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "pickup_pickuppoint_latlng" in plan, plan


def test_the_selector_agrees_with_the_api():
    _scatter(100)
    found = nearest_points(origin=LILLE, radius_km=25, limit=50)
    assert [p.distance_km for p in found] == sorted(p.distance_km for p in found)
    assert all(hasattr(p, "next_distribution") for p in found)


@pytest.mark.parametrize("q", ["xyzzy plugh", "99999", "!!!"])
def test_an_unknown_place_is_400_address_not_found(api_client, q):
    response = api_client.get(URL, {"q": q})
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_found"


@pytest.mark.parametrize(
    "params",
    [
        {"near": "abc"},
        {"near": "91,3"},
        {"near": "50.6"},
        {"near": "50.6,3.0,1"},
        {"near": "nan,3"},
        {"near": "50.6,3.0", "radius_km": 500},
        {"near": "50.6,3.0", "radius_km": -1},
        {},
        {"near": "50.6,3.0", "q": "Lille"},
    ],
)
def test_bad_coordinates_or_radius_are_400_invalid(api_client, params):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_search_page_says_address_not_found_without_failing(client):
    response = client.get(reverse("frontend:pickup_search"), {"q": "xyzzy plugh"})
    assert response.status_code == 400
    assert "Adresse introuvable" in response.content.decode()
    response = client.get(reverse("frontend:pickup_search"), {"near": "nope"})
    assert response.status_code == 400
    assert "position" in response.content.decode()


def test_the_search_page_lists_points_and_embeds_markers(client):
    near = PickupPointFactory(name="Tout près", latitude=50.634, longitude=3.06)
    far = PickupPointFactory(name="Plus loin", latitude=50.70, longitude=3.17)
    response = client.get(reverse("frontend:pickup_search"), {"q": "59000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Tout près") < html.index("Plus loin")
    assert 'id="map-data"' in html and "vendor/leaflet/leaflet.js" in html
    data = response.context["map_data"]
    assert [p["name"] for p in data["points"]] == [near.name, far.name]
    assert data["tileUrl"]


def test_the_point_page_shows_distributions_farms_and_hides_access_from_strangers(client):
    point = PickupPointFactory(access_instructions="Code 1234, porte bleue")
    open_one = DistributionFactory(pickup_point=point)
    SupplierFactory(pickup_point=point, producer__name="Ferme Approuvée")
    SupplierFactory(pickup_point=point, producer__name="Ferme En Attente", status="pending")
    html = client.get(reverse("frontend:pickup_point", args=[point.slug])).content.decode()
    assert "Ferme Approuvée" in html and "Ferme En Attente" not in html
    assert reverse("frontend:distribution_catalogue", args=[point.slug, open_one.pk]) in html
    assert "Code 1234" not in html

    household = UserFactory()
    client.force_login(household)
    assert (
        "Code 1234"
        not in client.get(reverse("frontend:pickup_point", args=[point.slug])).content.decode()
    )
    host = UserFactory()
    point.hosts.add(host)
    client.force_login(host)
    assert (
        "Code 1234"
        in client.get(reverse("frontend:pickup_point", args=[point.slug])).content.decode()
    )


def test_the_search_page_takes_its_origin_as_the_api_does(client, api_client):
    """A place is geocoded; the page's position (from the browser) wins over the place typed,
    where the API asks for one or the other (``origin_from_query`` for both)."""
    PickupPointFactory(name="Lille", latitude=50.634, longitude=3.06)
    PickupPointFactory(name="Paris", latitude=48.857, longitude=2.352)
    for params, api_params in [
        ({"near": "48.86,2.35", "q": "59000"}, {"near": "48.86,2.35"}),
        ({"q": "59000"}, {"q": "59000"}),
    ]:
        page = client.get(reverse("frontend:pickup_search"), params)
        api = api_client.get(URL, api_params).json()
        assert page.status_code == 200
        origin = page.context["origin"]
        assert (origin.latitude, origin.longitude) == (
            api["origin"]["latitude"],
            api["origin"]["longitude"],
        )
        assert [p.name for p in page.context["points"]] == [p["name"] for p in api["results"]]
    assert [p.name for p in page.context["points"]] == ["Lille"]
