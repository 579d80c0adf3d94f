"""Operators edit catalogues in the admin through the same services (stock rule included)."""

import pytest
from django.urls import reverse

from producers.models import Catalogue
from tests.factories import OfferFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _inline_post(catalogue, rows):
    data = {
        "producer": catalogue.producer_id,
        "week": catalogue.week.isoformat(),
        "offers-TOTAL_FORMS": len(rows),
        "offers-INITIAL_FORMS": sum(1 for r in rows if r.get("id")),
        "offers-MIN_NUM_FORMS": 0,
        "offers-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"offers-{i}-{key}"] = value
        data[f"offers-{i}-catalogue"] = catalogue.pk
    return data


def test_admin_pages_render(operator):
    offer = OfferFactory(product__unit="g", product__quantity_per_unit=500)
    for url in (
        reverse("admin:producers_product_changelist"),
        reverse("admin:producers_product_change", args=[offer.product_id]),
        reverse("admin:producers_catalogue_changelist"),
        reverse("admin:producers_catalogue_change", args=[offer.catalogue_id]),
    ):
        assert operator.get(url).status_code == 200, url


def test_admin_offer_edits_go_through_the_stock_rule(operator):
    offer = OfferFactory(quantity=10, taken=6)
    catalogue = offer.catalogue
    extra = ProductFactory(producer=catalogue.producer, price_cents=450)
    url = reverse("admin:producers_catalogue_change", args=[catalogue.pk])
    rows = [
        {"id": offer.pk, "product": offer.product_id, "price_cents": 999, "quantity": 4},
        {"product": extra.pk, "price_cents": 450, "quantity": 7},
    ]
    response = operator.post(url, _inline_post(catalogue, rows), follow=True)
    assert response.status_code == 200
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (10, 4)  # refused: 6 already taken
    added = catalogue.offers.get(product=extra)
    assert (added.quantity, added.remaining) == (7, 7)


def test_admin_publish_action(operator):
    offer = OfferFactory()
    operator.post(
        reverse("admin:producers_catalogue_changelist"),
        {"action": "publish", "_selected_action": [offer.catalogue_id]},
    )
    offer.catalogue.refresh_from_db()
    assert offer.catalogue.status == Catalogue.Status.PUBLISHED
