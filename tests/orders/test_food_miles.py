"""How far an order's products travelled from their farms to its pickup point: the numbers,
and where the household reads them (the pay page, the order's page, the API)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from orders.food_miles import order_food_miles
from orders.services import cancel_order, place_order
from tests.factories import DistributionFactory, PickupPointFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = pytest.mark.django_db

# 0.1° of latitude is 11.1195 km on the great circle (R = 6371.0088 km).
POINT = {"latitude": 50.0, "longitude": 3.0}


@pytest.fixture
def trip(db):
    """A point at 50.0° N; farm A 0.1° north of it (11.12 km), farm B 0.2° (22.24 km)."""
    distribution = DistributionFactory(pickup_point=PickupPointFactory(**POINT))
    a = stocked_farm(distribution, prices=(300, 200), name="Ferme A")
    b = stocked_farm(distribution, prices=(500,), name="Ferme B")
    for farm, latitude in ((a, 50.1), (b, 50.2)):
        farm.producer.latitude, farm.producer.longitude = latitude, 3.0
        farm.producer.save()
    household = UserFactory()
    order = place_order(
        household=household,
        distribution=distribution,
        lines={a.offers[0].pk: 3, a.offers[1].pk: 1, b.offers[0].pk: 1},
        idempotency_key="trip",
    )
    return SimpleNamespace(order=order, a=a, b=b)


def test_distances_are_summed_per_line_and_averaged_per_item(trip, django_assert_num_queries):
    order = trip.order
    with django_assert_num_queries(1):
        miles = order_food_miles(order)

    # lines: A × 3 and A × 1 at 11.1195 km, B × 1 at 22.239 km
    assert miles.total_km == 44.5  # 11.1195 + 11.1195 + 22.239 = 44.478
    assert miles.average_km_per_item == 13.3  # (4 × 11.1195 + 22.239) / 5 = 13.343
    assert [(f.name, f.distance_km, f.items) for f in miles.per_producer] == [
        ("Ferme A", 11.1, 4),
        ("Ferme B", 22.2, 1),
    ]
    assert (miles.items_counted, miles.items_left_out) == (5, 0)


def test_a_cancelled_line_travels_no_more(trip):
    order, b = trip.order, trip.b
    order.lines.filter(producer=b.producer).update(status="cancelled")
    miles = order_food_miles(order)
    assert miles.average_km_per_item == 11.1
    assert [f.name for f in miles.per_producer] == ["Ferme A"]


def test_lines_of_a_farm_without_a_position_are_left_out_and_counted_as_such(trip):
    order, b = trip.order, trip.b
    b.producer.latitude = None
    b.producer.save()
    miles = order_food_miles(order)
    assert miles.total_km == 22.2
    assert miles.average_km_per_item == 11.1
    assert (miles.items_counted, miles.items_left_out) == (4, 1)


def test_a_point_without_a_position_leaves_every_line_out(trip):
    order = trip.order
    point = order.distribution.pickup_point
    point.latitude = point.longitude = None
    point.save()
    miles = order_food_miles(order)
    assert not miles.known
    assert (miles.total_km, miles.average_km_per_item, miles.per_producer) == (None, None, [])
    assert miles.items_left_out == 5


def _food_miles_section(html: str) -> str:
    start = html.find('<section class="food-miles"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_the_pay_page_and_the_order_page_say_how_far_the_products_travelled(
    client, trip, fake_stripe
):
    order, a = trip.order, trip.a
    client.force_login(order.household)
    for url in (
        reverse("frontend:orders:pay", args=[order.pk]),
        reverse("frontend:orders:detail", args=[order.pk]),
    ):
        section = _food_miles_section(client.get(url).content.decode())
        assert 'data-average-km="13.3"' in section, url
        assert "13 km" in section  # whole km from 10 km on
        assert "Ferme A</a> : 11 km" in section and "Ferme B</a> : 22 km" in section
        assert f'href="{reverse("frontend:farm", args=[a.producer.slug])}"' in section


def test_the_order_page_says_which_items_are_left_out(client, trip):
    order, b = trip.order, trip.b
    b.producer.latitude = None
    b.producer.save()
    client.force_login(order.household)
    section = _food_miles_section(
        client.get(reverse("frontend:orders:detail", args=[order.pk])).content.decode()
    )
    assert 'data-average-km="11.1"' in section
    assert "Ferme B" not in section
    assert "1 produit n'est pas compté" in section


def test_a_cancelled_order_shows_no_food_miles(client, trip, fake_stripe):
    order = trip.order
    cancel_order(order=order)
    client.force_login(order.household)
    html = client.get(reverse("frontend:orders:detail", args=[order.pk])).content.decode()
    assert _food_miles_section(html) == ""


def test_the_api_gives_an_orders_food_miles(api_client, trip):
    order, a, b = trip.order, trip.a, trip.b
    api_client.force_authenticate(order.household)
    data = api_client.get(f"/api/v1/orders/{order.pk}/food-miles/").json()
    assert data == {
        "total_km": 44.5,
        "average_km_per_item": 13.3,
        "per_producer": [
            {"producer": a.producer.pk, "name": "Ferme A", "distance_km": 11.1, "items": 4},
            {"producer": b.producer.pk, "name": "Ferme B", "distance_km": 22.2, "items": 1},
        ],
        "items_left_out": 0,
    }
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/orders/{order.pk}/food-miles/").status_code == 404
