"""The catalogue of a distribution: published offers of its week from its approved farms."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pickup.selectors import distribution_catalogue
from producers.models import Offer, Product
from tests.factories import (
    CatalogueFactory,
    DistributionFactory,
    OfferFactory,
    ProducerFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def _stocked_farm(distribution, *, offers=1, status="approved", **producer_fields):
    producer = ProducerFactory(**producer_fields)
    SupplierFactory(producer=producer, pickup_point=distribution.pickup_point, status=status)
    catalogue = CatalogueFactory(producer=producer, week=distribution.week, status="published")
    products = Product.objects.bulk_create(
        Product(
            producer=producer,
            name=f"{producer.name} produit {n:03d}",
            category="vegetables",
            unit="g",
            quantity_per_unit=500,
            price_cents=250 + n,
        )
        for n in range(offers)
    )
    Offer.objects.bulk_create(
        Offer(catalogue=catalogue, product=p, price_cents=p.price_cents, quantity=9, remaining=7)
        for p in products
    )
    return producer


def test_only_published_offers_of_the_week_from_approved_active_farms():
    distribution = DistributionFactory()
    point = distribution.pickup_point
    shown = _stocked_farm(distribution, offers=2, name="B Ferme", minimum_order_cents=3000)
    also_shown = _stocked_farm(distribution, offers=1, name="A Ferme")
    _stocked_farm(distribution, status="pending")
    _stocked_farm(distribution, status="refused")
    _stocked_farm(distribution, is_active=False)

    elsewhere = ProducerFactory()  # approved at another point only
    SupplierFactory(producer=elsewhere)
    OfferFactory(
        catalogue__producer=elsewhere,
        catalogue__week=distribution.week,
        catalogue__status="published",
    )
    draft = CatalogueFactory(producer=shown, week=distribution.week + timedelta(weeks=1))
    OfferFactory(catalogue=draft)  # next week, and a draft
    next_week = CatalogueFactory(
        producer=also_shown, week=distribution.week + timedelta(weeks=1), status="published"
    )
    OfferFactory(catalogue=next_week)
    retired = OfferFactory(
        catalogue=shown.catalogues.get(week=distribution.week), product__is_active=False
    )

    groups = distribution_catalogue(distribution=distribution)
    assert [g.producer for g in groups] == [also_shown, shown]  # by farm name
    assert [len(g.offers) for g in groups] == [1, 2]
    assert groups[1].producer.minimum_order_cents == 3000
    assert retired not in groups[1].offers
    assert all(o.catalogue.producer == g.producer for g in groups for o in g.offers)
    assert point.pk == distribution.pickup_point_id


def test_the_endpoint_shows_prices_per_kg_stock_and_the_farms_minimum(api_client):
    distribution = DistributionFactory()
    producer = _stocked_farm(distribution, offers=1, minimum_order_cents=4000)
    response = api_client.get(reverse("api:distribution-catalogue", args=[distribution.pk]))
    assert response.status_code == 200
    (offer,) = response.json()["offers"]
    assert offer["producer"] == {
        "id": producer.pk,
        "name": producer.name,
        "minimum_order_cents": 4000,
        "weight_margin_bp": 1500,
    }
    assert offer["unit_price_cents"] == 250
    assert offer["remaining"] == 7
    assert offer["product"]["unit"] == "g"
    assert offer["product"]["reference_price"] == {"cents": 500, "per": "kg"}  # 500 g at 2,50 €
    assert (offer["product"]["sold_by_weight"], offer["product"]["estimated_weight_g"]) == (
        False,
        None,
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", ["api", "page"])
def test_query_count_does_not_grow_with_the_number_of_offers(client, kind):
    counts = {}
    for n in (10, 200):
        distribution = DistributionFactory()
        for _farm in range(3):
            _stocked_farm(distribution, offers=n // 2 if _farm == 0 else n // 4)
        if kind == "api":
            url = reverse("api:distribution-catalogue", args=[distribution.pk])
        else:
            url = reverse(
                "frontend:distribution_catalogue",
                args=[distribution.pickup_point.slug, distribution.pk],
            )
        counts[n] = _queries(client, url)
    assert counts[10] == counts[200] <= 3, counts


def test_the_page_groups_by_farm_and_shows_each_minimum(client):
    distribution = DistributionFactory()
    _stocked_farm(distribution, offers=2, name="Ferme Zéphyr", minimum_order_cents=4000)
    _stocked_farm(distribution, offers=1, name="Ferme Alpha", minimum_order_cents=0)
    response = client.get(
        reverse(
            "frontend:distribution_catalogue",
            args=[distribution.pickup_point.slug, distribution.pk],
        )
    )
    html = response.content.decode()
    assert html.index("Ferme Alpha") < html.index("Ferme Zéphyr")
    assert "40,00\u00a0€" in html
    assert "5,00\u00a0€ / kg" in html


def test_a_scheduled_distributions_catalogue_is_not_public(client):
    distribution = DistributionFactory(status="scheduled", days_ahead=10)
    _stocked_farm(distribution, name="Ferme Secrète")
    url = reverse(
        "frontend:distribution_catalogue", args=[distribution.pickup_point.slug, distribution.pk]
    )
    # Its link leads to the point's page, saying when it opens; its offers are not shown.
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response.url == reverse("frontend:pickup_point", args=[distribution.pickup_point.slug])
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cette vente ouvre le" in page
    assert "Ferme Secrète produit 000" not in page


def test_an_open_catalogue_is_reused_briefly_and_never_a_hosts_private_view(api_client, settings):
    settings.CATALOGUE_CACHE_SECONDS = 30
    distribution = DistributionFactory()
    _stocked_farm(distribution, offers=3)
    url = reverse("api:distribution-catalogue", args=[distribution.pk])
    first = api_client.get(url)
    assert first["Cache-Control"] == "public, max-age=30"
    Offer.objects.update(remaining=0)
    with CaptureQueriesContext(connection) as ctx:
        again = api_client.get(url)
    assert again.json() == first.json() and len(ctx.captured_queries) == 0

    settings.CATALOGUE_CACHE_SECONDS = 0
    assert {o["remaining"] for o in api_client.get(url).json()["offers"]} == {0}

    settings.CATALOGUE_CACHE_SECONDS = 30
    scheduled = DistributionFactory(status="scheduled", days_ahead=10)
    host = scheduled.pickup_point.hosts.create(email="hote@exemple.fr", full_name="Hôte")
    api_client.force_authenticate(host)
    url = reverse("api:distribution-catalogue", args=[scheduled.pk])
    assert api_client.get(url)["Cache-Control"] == "private, no-cache"
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code == 404


def test_a_link_to_a_closed_sale_leads_to_the_points_next_open_sale(client):
    closed = DistributionFactory(status="closed", days_ahead=-3)
    point = closed.pickup_point
    url = reverse("frontend:distribution_catalogue", args=[point.slug, closed.pk])
    # No sale open yet at the point: its page, saying so.
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert response.redirect_chain[-1][0] == reverse("frontend:pickup_point", args=[point.slug])
    assert (
        "Cette vente est close. La prochaine n’est pas encore ouverte." in response.content.decode()
    )

    upcoming = DistributionFactory(pickup_point=point, days_ahead=5)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "frontend:distribution_catalogue", args=[point.slug, upcoming.pk]
    )
    assert "Cette vente est close : voici la prochaine" in response.content.decode()

    scheduled = DistributionFactory(pickup_point=point, days_ahead=20, status="scheduled")
    response = client.get(
        reverse("frontend:distribution_catalogue", args=[point.slug, scheduled.pk]),
        HTTP_ACCEPT_LANGUAGE="fr",
        follow=True,
    )
    assert "Cette vente ouvre le" in response.content.decode()
    # Another point's sale, or one that does not exist: still a 404.
    other = DistributionFactory(status="closed", days_ahead=-3)
    assert (
        client.get(
            reverse("frontend:distribution_catalogue", args=[point.slug, other.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("frontend:distribution_catalogue", args=[point.slug, 999999])
        ).status_code
        == 404
    )
