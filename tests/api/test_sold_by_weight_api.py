"""Products sold by weight in the households', the catalogue's and the farms' APIs: orders show
the estimate, the real weight, the margin and what the card is asked for (credit included);
catalogues and products say what is sold by weight; a farm sells by weight only in kg or g and
sets its margin."""

from datetime import timedelta

import jsonschema
import pytest
import time_machine

from orders.models import OrderLine
from orders.services import close_distribution
from orders.services.weighing import enter_weight
from payments.models import CreditEntry
from payments.services.wallet import add_credit
from producers.models import Product
from tests.api.openapi import response_schema
from tests.factories import ProducerFactory, UserFactory
from tests.orders.conftest import (
    market,  # noqa: F401
    weighed_offer,
)
from tests.orders.helpers import place
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


_cheese = weighed_offer


def _code(response):
    return response.status_code, response.json()["code"]


def test_a_households_order_shows_the_estimate_the_margin_and_then_the_real_weight(
    market,  # noqa: F811
    api_client,
    fake_stripe,
    openapi,
    django_capture_on_commit_callbacks,
):
    market.a.producer.weight_margin_bp = 2000
    market.a.producer.save()
    cheese, apples = _cheese(market.a), market.a.offers[0]
    placed = place(api_client, market.household, market.distribution, [(cheese, 2), (apples, 1)])
    assert placed.status_code == 201, placed.json()
    body = placed.json()
    # 2 × ~9.50 € + 3.00 €; the card is asked for 20 % more on the cheese
    assert (body["total_cents"], body["margin_cents"], body["authorised_cents"]) == (
        2200,
        380,
        2580,
    )
    by_offer = {line["offer"]: line for line in body["lines"]}
    assert {
        k: by_offer[cheese.pk][k]
        for k in ("sold_by_weight", "estimated_weight_g", "weight_g", "estimate_cents")
    } == {
        "sold_by_weight": True,
        "estimated_weight_g": 500,
        "weight_g": None,
        "estimate_cents": 1900,
    }
    assert by_offer[cheese.pk]["total_cents"] == 1900
    assert (by_offer[apples.pk]["sold_by_weight"], by_offer[apples.pk]["estimated_weight_g"]) == (
        False,
        None,
    )
    read = api_client.get(f"/api/v1/orders/{body['id']}/").json()
    assert read == {k: v for k, v in body.items() if k != "payment"}
    jsonschema.validate(read, response_schema(openapi, "/api/v1/orders/{id}/", "get", 200))

    # credit pays first, for what the card would be asked: the margin included
    add_credit(
        household=market.household,
        amount_cents=1000,
        reason=CreditEntry.Reason.ADJUSTMENT,
        reference="gift",
    )
    split = api_client.get(f"/api/v1/orders/{body['id']}/credit-split/").json()
    assert (split["credit_to_use_cents"], split["card_cents"]) == (1000, 1580)
    split = api_client.get(f"/api/v1/orders/{body['id']}/credit-split/?use_credit=false").json()
    assert (split["credit_to_use_cents"], split["card_cents"]) == (0, 2580)
    paid = api_client.post(
        f"/api/v1/orders/{body['id']}/pay/", {"payment_method": VISA}, format="json"
    )
    assert paid.status_code == 200, paid.json()
    (payment,) = OrderLine.objects.get(offer=cheese).order.payments
    assert fake_stripe.intents[payment.intent_id].amount == 1580

    with (
        time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert close_distribution(distribution=market.distribution)
    line = OrderLine.objects.get(offer=cheese)
    with django_capture_on_commit_callbacks(execute=True):
        enter_weight(producer=market.a.producer, line_id=line.pk, weight_g=1100)
    weighed = api_client.get(f"/api/v1/orders/{body['id']}/").json()
    cheese_line = next(row for row in weighed["lines"] if row["offer"] == cheese.pk)
    assert (cheese_line["weight_g"], cheese_line["estimate_cents"], cheese_line["total_cents"]) == (
        1100,
        1900,
        2090,
    )
    assert (weighed["total_cents"], weighed["margin_cents"], weighed["authorised_cents"]) == (
        2390,
        0,
        2390,
    )
    # nobody else sees it
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/orders/{body['id']}/").status_code == 404
    assert api_client.get(f"/api/v1/orders/{body['id']}/credit-split/").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/orders/{body['id']}/").status_code == 401


def test_the_catalogue_says_what_is_sold_by_weight_and_the_farms_margin(
    market,  # noqa: F811
    api_client,
):
    cheese = _cheese(market.a, unit="kg", grams="1.25")
    response = api_client.get(f"/api/v1/distributions/{market.distribution.pk}/catalogue/")
    assert response.status_code == 200
    offers = {offer["id"]: offer for offer in response.json()["offers"]}
    assert {
        k: offers[cheese.pk]["product"][k] for k in ("sold_by_weight", "estimated_weight_g")
    } == {"sold_by_weight": True, "estimated_weight_g": 1250}
    assert offers[cheese.pk]["producer"]["weight_margin_bp"] == 1500
    apples = offers[market.a.offers[0].pk]["product"]
    assert (apples["sold_by_weight"], apples["estimated_weight_g"]) == (False, None)


@pytest.fixture
def farm(api_client):
    member = UserFactory()
    producer = ProducerFactory()
    producer.members.add(member)
    api_client.force_authenticate(member)
    return producer


PRODUCT = {"name": "Tomme", "category": "dairy", "quantity_per_unit": "0.5", "price_cents": 950}


def test_a_farm_sells_by_weight_only_in_kg_or_g(farm, api_client):
    products = f"/api/v1/producers/{farm.pk}/products/"
    refused = api_client.post(
        products, {**PRODUCT, "unit": "piece", "sold_by_weight": True}, format="json"
    )
    assert _code(refused) == (400, "weighed_in_kg_or_g")
    assert list(refused.json()["errors"]) == ["unit"]
    assert not Product.objects.exists()

    created = api_client.post(products, {**PRODUCT, "unit": "kg", "sold_by_weight": True})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["sold_by_weight"], body["estimated_weight_g"]) == (True, 500)
    url = f"{products}{body['id']}/"
    assert _code(api_client.patch(url, {"unit": "piece"}, format="json")) == (
        400,
        "weighed_in_kg_or_g",
    )
    assert Product.objects.get().unit == "kg"
    # not by weight any more: a piece is fine
    changed = api_client.patch(url, {"sold_by_weight": False, "unit": "piece"}, format="json")
    assert (changed.status_code, changed.json()["sold_by_weight"]) == (200, False)
    assert changed.json()["estimated_weight_g"] is None
    assert _code(api_client.patch(url, {"sold_by_weight": True}, format="json")) == (
        400,
        "weighed_in_kg_or_g",
    )
    assert _code(api_client.patch(url, {"sold_by_weight": "maybe"}, format="json")) == (
        400,
        "invalid",
    )
    product = Product.objects.get()
    assert (product.sold_by_weight, product.unit) == (False, "piece")

    # another farm, a household, a visitor
    api_client.force_authenticate(UserFactory())
    assert api_client.patch(url, {"sold_by_weight": True}, format="json").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.patch(url, {"sold_by_weight": True}, format="json").status_code == 401


def test_a_farm_sets_its_margin_on_products_sold_by_weight(farm, api_client):
    url = f"/api/v1/producers/{farm.pk}/"
    assert api_client.get(url).json()["weight_margin_bp"] == 1500
    for margin in (0, 5000):
        response = api_client.patch(url, {"weight_margin_bp": margin}, format="json")
        assert (response.status_code, response.json()["weight_margin_bp"]) == (200, margin)
    for bad in (-1, 5001, "lots", 10**30, None):
        response = api_client.patch(url, {"weight_margin_bp": bad}, format="json")
        assert _code(response) == (400, "invalid"), bad
        assert list(response.json()["errors"]) == ["weight_margin_bp"]
    farm.refresh_from_db()
    assert farm.weight_margin_bp == 5000
    # a full update without it keeps it
    full = {"name": farm.name, "description": "", "address": farm.address}
    response = api_client.put(url, {**full, "minimum_order_cents": 0}, format="json")
    assert (response.status_code, response.json()["weight_margin_bp"]) == (200, 5000)

    api_client.force_authenticate(UserFactory())  # not a member
    assert api_client.patch(url, {"weight_margin_bp": 0}, format="json").status_code == 404
    farm.refresh_from_db()
    assert farm.weight_margin_bp == 5000
