"""Operators edit catalogues in the admin through the same services (stock rule included)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from producers.models import Catalogue
from producers.weeks import current_week, next_week
from tests.admin_forms import post_admin_form
from tests.factories import OfferFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


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


def test_a_product_name_taken_whatever_its_case_is_a_form_error(operator):
    carrot = ProductFactory(name="Carotte")
    add = reverse("admin:producers_product_add")
    response = post_admin_form(
        operator,
        add,
        producer=carrot.producer_id,
        name="CAROTTE",
        category="vegetables",
        unit="kg",
        quantity_per_unit="1",
        price_cents=250,
        vat_rate=550,
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "Vous avez déjà un produit portant ce nom."
    ]
    assert carrot.producer.products.count() == 1
    leek = ProductFactory(producer=carrot.producer, name="Poireau")
    url = reverse("admin:producers_product_change", args=[leek.pk])
    assert post_admin_form(operator, url, name="carotte").status_code == 200
    leek.refresh_from_db()
    assert leek.name == "Poireau"


def test_a_product_stays_with_its_farm_and_saves_through_the_service(operator):
    product = ProductFactory(price_cents=300)
    url = reverse("admin:producers_product_change", args=[product.pk])
    other = ProducerFactory()
    assert post_admin_form(operator, url, producer=other.pk, price_cents=320).status_code == 302
    farm = product.producer_id
    product.refresh_from_db()
    assert (product.producer_id, product.price_cents) == (farm, 320)


def test_a_catalogue_added_in_the_admin_starts_on_a_monday_from_this_week_on(operator):
    producer = ProducerFactory()
    add = reverse("admin:producers_catalogue_add")
    wednesday = next_week() + timedelta(days=2)
    response = post_admin_form(operator, add, producer=producer.pk, week=wednesday)
    assert response.status_code == 302
    assert Catalogue.objects.get(producer=producer).week == next_week()
    response = post_admin_form(
        operator, add, producer=producer.pk, week=current_week() - timedelta(days=7)
    )
    assert response.status_code == 200
    assert "week" in response.context["adminform"].form.errors
    assert Catalogue.objects.filter(producer=producer).count() == 1
