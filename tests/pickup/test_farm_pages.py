"""The public farm pages: a farm's story, what it sells now and where, where it delivers, and
how far it is from the household's pickup point; the list of farms."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontend.templatetags.pickup_extras import km
from orders.services import place_order
from pickup import farms
from producers.models import Offer, Product
from tests.factories import (
    CatalogueFactory,
    DistributionFactory,
    PickupPointFactory,
    ProducerFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# 0.1° of latitude is 11.12 km on the great circle: the farm is 11.1 km from P, 22.2 from Q.
FARM = {"latitude": 50.1, "longitude": 3.0}
P = {"latitude": 50.0, "longitude": 3.0}
Q = {"latitude": 50.3, "longitude": 3.0}


def _offer(catalogue, name, *, price=250, category="vegetables", active=True, remaining=10):
    product = Product.objects.create(
        producer=catalogue.producer,
        name=name,
        category=category,
        unit="kg",
        price_cents=price,
        is_active=active,
    )
    return Offer.objects.create(
        catalogue=catalogue, product=product, price_cents=price, quantity=10, remaining=remaining
    )


@pytest.fixture
def farm(db):
    """A farm 11.1 km from point P (an open sale this week) and 22.2 km from point Q (no sale),
    asking still to supply point S (an open sale too)."""
    producer = ProducerFactory(
        name="Ferme du Marais",
        slug="ferme-du-marais",
        address="4 chemin des Prés, 59136 Wavrin",
        description="Maraîchage en bord de Deûle.\n\nNous cultivons <b>sans pesticides</b>.",
        **FARM,
    )
    p = PickupPointFactory(name="Point P", slug="point-p", **P)
    q = PickupPointFactory(name="Point Q", slug="point-q", **Q)
    s = PickupPointFactory(name="Point S", slug="point-s", **P)
    SupplierFactory(producer=producer, pickup_point=p)
    SupplierFactory(producer=producer, pickup_point=q)
    SupplierFactory(producer=producer, pickup_point=s, status="pending")
    sale = DistributionFactory(pickup_point=p)
    DistributionFactory(pickup_point=s)
    this_week = CatalogueFactory(producer=producer, week=sale.week, status="published")
    _offer(this_week, "Carottes", price=220)
    _offer(this_week, "Poireaux", price=290, remaining=0)
    _offer(this_week, "Panier de la semaine", category="basket")
    _offer(this_week, "Endives retirées", active=False)
    later = CatalogueFactory(
        producer=producer, week=sale.week + timedelta(weeks=2), status="published"
    )
    _offer(later, "Asperges de printemps")
    other = ProducerFactory()
    SupplierFactory(producer=other, pickup_point=p)
    _offer(CatalogueFactory(producer=other, week=sale.week, status="published"), "Miel du voisin")
    return SimpleNamespace(producer=producer, p=p, q=q, sale=sale)


def _page(client, slug="ferme-du-marais", **query):
    return client.get(reverse("frontend:farm", args=[slug]), query)


def _distance_line(html: str) -> str:
    found = re.search(r'<p class="farm-distance"[^>]*>.*?</p>', html, re.S)
    return found.group(0) if found else ""


def test_a_visitor_reads_the_farms_story_what_it_sells_now_and_where_it_delivers(client, farm):
    p = farm.p
    sale = farm.sale
    response = _page(client)
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "<p>Maraîchage en bord de Deûle.</p>" in html
    assert "&lt;b&gt;sans pesticides&lt;/b&gt;" in html  # the story is escaped
    assert "Wavrin" in html and "chemin des Prés" not in html  # the town, not the street
    assert response.context["meta_description"].startswith("Maraîchage en bord de Deûle.")
    assert "Ferme du Marais" in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    # on sale now: this week's published catalogue, products on sale one by one
    assert "Carottes" in html and "2,20\u00a0€" in html
    assert "Poireaux" in html  # sold out, still shown as such
    for absent in ("Panier de la semaine", "Endives retirées", "Asperges", "Miel du voisin"):
        assert absent not in html
    catalogue_url = reverse("frontend:distribution_catalogue", args=[p.slug, sale.pk])
    assert f'href="{catalogue_url}"' in html
    # where it delivers: approved points only, with their next distribution
    points = [point.slug for point in response.context["points"]]
    assert points == ["point-p", "point-q"]
    assert response.context["points"][0].next_distribution == sale
    assert response.context["points"][1].next_distribution is None
    assert "point-s" not in html
    # no chosen point: no headline distance, each point's distance in its line
    assert _distance_line(html) == ""
    assert [round(point.distance_km, 1) for point in response.context["points"]] == [11.1, 22.2]


def test_a_draft_catalogue_is_not_on_the_farm_page(client, farm):
    producer = farm.producer
    sale = farm.sale
    producer.catalogues.filter(week=sale.week).update(status="draft")
    html = _page(client).content.decode()
    assert "Carottes" not in html
    assert _page(client).context["weeks"] == []


def test_a_sale_not_open_yet_shows_nothing_on_sale(client, farm):
    sale = farm.sale
    sale.status = "scheduled"
    sale.save()
    assert "Carottes" not in _page(client).content.decode()


def test_the_distance_is_measured_from_the_point_the_household_last_opened(client, farm):
    p = farm.p
    q = farm.q
    sale = farm.sale
    client.force_login(UserFactory())
    client.get(reverse("frontend:pickup_point", args=[q.slug]))
    line = _distance_line(_page(client).content.decode())
    assert 'data-km="22.2"' in line and "Point Q" in line

    client.get(reverse("frontend:distribution_catalogue", args=[p.slug, sale.pk]))
    line = _distance_line(_page(client).content.decode())
    assert 'data-km="11.1"' in line and "Point P" in line

    # ?point= overrides the session, for this page only
    line = _distance_line(_page(client, point=q.slug).content.decode())
    assert 'data-km="22.2"' in line
    assert 'data-km="11.1"' in _distance_line(_page(client).content.decode())
    # an unknown point is ignored, never an error
    assert _page(client, point="nulle-part").status_code == 200


def test_a_visitor_without_a_session_gets_none_from_opening_a_point(client, farm):
    response = client.get(reverse("frontend:pickup_point", args=[farm.q.slug]))
    assert "sessionid" not in response.cookies
    assert _distance_line(_page(client).content.decode()) == ""


def test_a_point_the_farm_does_not_deliver_says_so(client, farm):
    elsewhere = PickupPointFactory(name="Point Z", slug="point-z", **P)
    response = _page(client, point=elsewhere.slug)
    assert 'data-km="11.1"' in _distance_line(response.content.decode())
    assert response.context["delivers_chosen"] is False


def test_without_an_opened_point_the_last_orders_point_is_used(client, farm, fake_stripe):
    sale = farm.sale
    household = UserFactory()
    place_order(
        household=household,
        distribution=sale,
        lines={Offer.objects.get(product__name="Carottes").pk: 1},
        idempotency_key="k",
    )
    client.force_login(household)
    assert 'data-km="11.1"' in _distance_line(_page(client).content.decode())


def test_a_farm_without_a_position_shows_no_distance(client, farm):
    producer = farm.producer
    p = farm.p
    producer.latitude = producer.longitude = None
    producer.save()
    response = _page(client, point=p.slug)
    html = response.content.decode()
    assert response.status_code == 200
    assert _distance_line(html) == ""
    assert 'class="small distance"' not in html
    assert response.context["map_data"]["origin"] is None
    assert len(response.context["map_data"]["points"]) == 2


def test_the_map_shows_the_farms_area_not_its_gate(client, farm):
    producer = farm.producer
    producer.latitude, producer.longitude = 50.57473, 2.93671
    producer.save()
    origin = _page(client).context["map_data"]["origin"]
    assert (origin["lat"], origin["lng"]) == (50.57, 2.94)
    assert 'id="map-data"' in _page(client).content.decode()


@pytest.mark.parametrize("case", ["unknown", "inactive", "approved_nowhere"])
def test_a_farm_without_a_public_page_is_a_french_404(client, farm, case):
    producer = farm.producer
    slug = producer.slug
    if case == "unknown":
        slug = "ferme-inconnue"
    elif case == "inactive":
        producer.is_active = False
        producer.save()
    else:
        producer.supplied_points.update(status="refused")
    response = _page(client, slug)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_farm_page_reads_its_offers_and_points_in_a_fixed_number_of_queries(client, farm):
    producer = farm.producer
    q = farm.q
    sale = farm.sale

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _page(client, point=q.slug).status_code == 200
        return len(queries)

    few = count()
    catalogue = producer.catalogues.get(week=sale.week)
    for n in range(8):
        point = PickupPointFactory(**P)
        SupplierFactory(producer=producer, pickup_point=point)
        DistributionFactory(pickup_point=point)
        _offer(catalogue, f"Légume {n}")
    assert count() == few <= 6


def test_the_point_page_links_its_farms_pages(client, farm):
    producer = farm.producer
    p = farm.p
    html = client.get(reverse("frontend:pickup_point", args=[p.slug])).content.decode()
    assert f'href="{reverse("frontend:farm", args=[producer.slug])}"' in html


def test_the_list_of_farms_names_their_towns_closest_first_to_the_chosen_point(client, farm):
    p = farm.p
    q = farm.q
    near_q = ProducerFactory(name="Aaa Ferme", address="59000 Lille", latitude=50.29, longitude=3)
    SupplierFactory(producer=near_q, pickup_point=q)
    ProducerFactory(name="Ferme sans point")  # approved nowhere: no page, not listed
    url = reverse("frontend:farm_list")

    names = [f.name for f in client.get(url).context["farms"]]
    assert names[:2] == ["Aaa Ferme", "Ferme du Marais"] and "Ferme sans point" not in names
    listed = client.get(url, {"point": q.slug})
    assert [f.name for f in listed.context["farms"]][:2] == ["Aaa Ferme", "Ferme du Marais"]
    listed = client.get(url, {"point": p.slug})
    assert listed.context["farms"][0].name == "Ferme du Marais"
    html = listed.content.decode()
    assert "Wavrin" in html and "chemin des Prés" not in html


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("12 chemin du Halage, 59136 Wavrin", "Wavrin"),
        ("Chemin de la Ferme Lenglet, 59650 Villeneuve-d'Ascq", "Villeneuve-d'Ascq"),
        ("59000 Lille", "Lille"),
        ("Steenvoorde", "Steenvoorde"),
        ("12 chemin du Halage", ""),
        ("", ""),
    ],
)
def test_the_town_is_read_from_the_address(address, town):
    assert farms.town(address) == town


@pytest.mark.parametrize(
    ("distance", "shown"),
    [(38.7, "39\u00a0km"), (13.343, "13\u00a0km"), (9.96, "10\u00a0km"), (9.94, "9,9\u00a0km")],
)
def test_distances_are_rounded_not_cut(distance, shown):
    assert km(distance).replace(" ", "\u00a0") == shown
