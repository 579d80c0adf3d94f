"""Placing an order: stock taken once, the same key gives the same order, rules refused."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from orders.models import Order, OrderLine
from orders.services import expire_unpaid_orders
from orders.tasks import expire_unpaid_orders_task
from pickup.selectors import can_see_access_instructions
from tests.factories import UserFactory
from tests.orders.helpers import place

pytestmark = pytest.mark.django_db


def test_an_order_reserves_stock_snapshots_lines_and_says_how_to_pay(
    market, api_client, fake_stripe
):
    apples, pears = market.a.offers
    response = place(api_client, market.household, market.distribution, [(apples, 2), (pears, 3)])

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "awaiting_payment"
    assert body["total_cents"] == 2 * 300 + 3 * 199
    assert {(line["offer"], line["quantity"]) for line in body["lines"]} == {
        (apples.pk, 2),
        (pears.pk, 3),
    }
    line = next(line for line in body["lines"] if line["offer"] == apples.pk)
    assert line["product_name"] == apples.product.name
    assert line["producer_name"] == market.a.producer.name
    assert line["unit_price_cents"] == 300
    assert body["payment"]["publishable_key"]
    assert body["payment"]["client_secret"].startswith("seti_")
    assert body["payment"]["saved_card"] is None
    apples.refresh_from_db()
    pears.refresh_from_db()
    assert (apples.remaining, pears.remaining) == (8, 7)


def test_a_price_change_after_ordering_does_not_change_the_line(market, fake_stripe):
    from orders.services import place_order

    offer = market.a.offers[0]
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={offer.pk: 1},
        idempotency_key="x",
    )
    offer.price_cents = 999
    offer.save()
    assert order.lines.get().unit_price_cents == 300


def test_the_answer_built_in_memory_is_the_order_as_read_back(market, api_client, fake_stripe):
    """The new order's answer comes from the objects just written (no read-back): it must be
    exactly what reading the order gives, plus how to pay."""
    apples, pears = market.a.offers
    (cabbage,) = market.b.offers
    placed = place(
        api_client,
        market.household,
        market.distribution,
        [(cabbage, 1), (pears, 3), (apples, 2)],
    ).json()

    read = api_client.get(f"/api/v1/orders/{placed['id']}/").json()
    assert {k: v for k, v in placed.items() if k != "payment"} == read
    assert [line["offer"] for line in placed["lines"]] == sorted([apples.pk, pears.pk, cabbage.pk])


def test_the_hand_built_order_answer_is_the_serializers(market, api_client, fake_stripe):
    """``order_output`` (the placement's answer) equals ``OrderOutput`` also for a paid order
    with a cancelled line."""
    from django.utils import timezone

    from orders import selectors
    from orders.api.serializers import OrderOutput, order_output

    apples, pears = market.a.offers
    placed = place(api_client, market.household, market.distribution, [(apples, 2), (pears, 1)])
    order = Order.objects.get(pk=placed.json()["id"])
    Order.objects.filter(pk=order.pk).update(status="paid", paid_at=timezone.now())
    OrderLine.objects.filter(order=order, offer=pears).update(
        status="cancelled", cancel_reason="household"
    )
    order = selectors.household_order(user=market.household, pk=order.pk)

    assert order_output(order) == OrderOutput(order).data


def test_placing_an_order_takes_a_fixed_number_of_queries(
    market, api_client, fake_stripe, django_assert_max_num_queries
):
    """One statement for the stock of all the lines, no read-back of the new order (13 on
    PostgreSQL inside a test transaction, where there were 22)."""
    place(api_client, market.household, market.distribution, [(market.a.offers[0], 1)], key="w")
    lines = [(offer, 1) for offer in [*market.a.offers, *market.b.offers]]
    with django_assert_max_num_queries(15):
        response = place(api_client, market.household, market.distribution, lines, key="q")
    assert response.status_code == 201


def test_take_stock_takes_what_is_there_and_names_the_offers_short(market):
    from orders.services.placing import take_stock

    apples, pears = market.a.offers
    assert take_stock({pears.pk: 11, apples.pk: 4}) == [pears.pk]
    apples.refresh_from_db()
    pears.refresh_from_db()
    # place_order rolls back when anything is short; the statement itself takes per offer
    assert (apples.remaining, pears.remaining) == (6, 10)
    assert take_stock({apples.pk: 6, pears.pk: 10}) == []
    apples.refresh_from_db()
    pears.refresh_from_db()
    assert (apples.remaining, pears.remaining) == (0, 0)


def test_an_unknown_distribution_is_invalid(market, api_client):
    api_client.force_authenticate(market.household)
    response = api_client.post(
        "/api/v1/orders/",
        {"distribution": 999_999, "lines": [{"offer": market.a.offers[0].pk, "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "distribution" in response.json()["errors"]


def test_the_same_idempotency_key_returns_the_same_order(market, api_client, fake_stripe):
    offer = market.a.offers[0]
    first = place(api_client, market.household, market.distribution, [(offer, 2)], key="same")
    again = place(api_client, market.household, market.distribution, [(offer, 2)], key="same")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Order.objects.count() == 1
    offer.refresh_from_db()
    assert offer.remaining == 8
    # the setup intent is reused, not one per request
    assert first.json()["payment"]["client_secret"] == again.json()["payment"]["client_secret"]


def test_a_new_order_and_the_list_answer_what_the_schema_says(
    market, api_client, fake_stripe, openapi
):
    import jsonschema

    from tests.api.openapi import response_schema

    placed = place(api_client, market.household, market.distribution, [(market.a.offers[0], 1)])
    assert placed.status_code == 201
    assert placed.json()["lines"][0]["cancel_reason"] == ""  # an active line
    jsonschema.validate(placed.json(), response_schema(openapi, "/api/v1/orders/", "post", 201))
    listed = api_client.get("/api/v1/orders/")
    jsonschema.validate(listed.json(), response_schema(openapi, "/api/v1/orders/", "get", 200))


def test_the_same_key_for_the_same_lines_in_another_shape_is_the_same_order(
    market, api_client, fake_stripe
):
    apples, pears = market.a.offers
    first = place(api_client, market.household, market.distribution, [(apples, 2), (pears, 1)])
    # lines in another order, one of them split in two: the same request
    again = place(
        api_client, market.household, market.distribution, [(pears, 1), (apples, 1), (apples, 1)]
    )

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    ["quantity", "offer", "distribution"],
)
def test_the_same_key_with_another_order_is_refused_and_changes_nothing(
    market, api_client, fake_stripe, change
):
    from tests.factories import DistributionFactory
    from tests.orders.conftest import stocked_farm

    apples, pears = market.a.offers
    first = place(api_client, market.household, market.distribution, [(apples, 2)], key="once")
    assert first.status_code == 201
    distribution, lines = market.distribution, [(apples, 2)]
    if change == "quantity":
        lines = [(apples, 3)]
    elif change == "offer":
        lines = [(pears, 2)]
    else:
        distribution = DistributionFactory()
        lines = [(stocked_farm(distribution).offers[0], 2)]

    again = place(api_client, market.household, distribution, lines, key="once")

    assert again.status_code == 422, again.json()
    assert again.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    apples.refresh_from_db()
    pears.refresh_from_db()
    assert (apples.remaining, pears.remaining) == (8, 10)


def test_an_order_placed_before_fingerprints_replays_whatever_is_sent(
    market, api_client, fake_stripe
):
    apples, pears = market.a.offers
    first = place(api_client, market.household, market.distribution, [(apples, 2)], key="old")
    Order.objects.update(request_fingerprint="")  # as migrated: nothing known to compare

    again = place(api_client, market.household, market.distribution, [(pears, 1)], key="old")

    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]


def test_an_idempotency_key_longer_than_255_characters_is_refused_not_cut(
    market, api_client, fake_stripe
):
    offer = market.a.offers[0]
    long_key = "k" * 256
    response = place(api_client, market.household, market.distribution, [(offer, 1)], key=long_key)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "idempotency_key" in response.json()["errors"]
    assert Order.objects.count() == 0
    # the 255 first characters are not a key of their own either
    kept = place(api_client, market.household, market.distribution, [(offer, 1)], key="k" * 255)
    assert kept.status_code == 201
    assert Order.objects.get().idempotency_key == "k" * 255


def test_an_order_too_large_for_its_total_is_refused(market, api_client, fake_stripe):
    from producers.models import Offer

    offer = market.a.offers[0]
    Offer.objects.filter(pk=offer.pk).update(price_cents=10_000_000, quantity=999, remaining=999)

    response = place(api_client, market.household, market.distribution, [(offer, 999)])

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert "lines" in response.json()["errors"]
    assert Order.objects.count() == 0
    offer.refresh_from_db()
    assert offer.remaining == 999


def test_without_an_idempotency_key_the_order_is_refused(market, api_client):
    response = place(
        api_client, market.household, market.distribution, [(market.a.offers[0], 1)], key=""
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_short_stock_is_refused_with_the_offers_short_and_nothing_taken(
    market, api_client, fake_stripe
):
    apples, pears = market.a.offers
    response = place(api_client, market.household, market.distribution, [(apples, 2), (pears, 11)])

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert response.json()["offers"] == [{"offer": pears.pk, "remaining": 10}]
    apples.refresh_from_db()
    assert apples.remaining == 10  # rolled back with the rest
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "lines_of",
    [
        lambda m: [(m.a.offers[0], 0)],
        lambda m: [],
    ],
)
def test_quantities_below_one_or_an_empty_basket_are_invalid(market, api_client, lines_of):
    response = place(api_client, market.household, market.distribution, lines_of(market))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_offer_of_a_farm_that_does_not_supply_the_point_is_invalid(market, api_client):
    from tests.factories import DistributionFactory
    from tests.orders.conftest import stocked_farm

    elsewhere = stocked_farm(DistributionFactory(days_ahead=4))
    response = place(api_client, market.household, market.distribution, [(elsewhere.offers[0], 1)])
    assert response.status_code == 400
    assert response.json()["offers"] == [elsewhere.offers[0].pk]


def test_after_the_cutoff_ordering_is_closed(market, api_client):
    with time_machine.travel(market.distribution.cutoff_at + timedelta(seconds=1)):
        response = place(
            api_client, market.household, market.distribution, [(market.a.offers[0], 1)]
        )
    assert response.status_code == 409
    assert response.json()["code"] == "ordering_closed"


def test_a_full_pickup_point_takes_no_more_orders(market, api_client, fake_stripe):
    point = market.distribution.pickup_point
    point.capacity = 1
    point.save()
    offer = market.a.offers[0]
    assert place(api_client, market.household, market.distribution, [(offer, 1)]).status_code == 201
    response = place(api_client, UserFactory(), market.distribution, [(offer, 1)], key="other")
    assert response.status_code == 409
    assert response.json()["code"] == "pickup_point_full"


def test_households_see_only_their_own_orders(market, api_client, fake_stripe):
    mine = place(api_client, market.household, market.distribution, [(market.a.offers[0], 1)])
    stranger = UserFactory()
    api_client.force_authenticate(stranger)

    assert api_client.get("/api/v1/orders/").json()["results"] == []
    assert api_client.get(f"/api/v1/orders/{mine.json()['id']}/").status_code == 404
    assert api_client.post(f"/api/v1/orders/{mine.json()['id']}/cancel/").status_code == 404
    api_client.force_authenticate(market.household)
    listed = api_client.get("/api/v1/orders/").json()["results"]
    assert [o["id"] for o in listed] == [mine.json()["id"]]


def test_anonymous_clients_cannot_order(market, api_client):
    response = api_client.post("/api/v1/orders/", {}, format="json")
    assert response.status_code in (401, 403)


def test_lowering_a_quantity_gives_stock_back_and_after_the_cutoff_it_is_refused(
    market, api_client, fake_stripe
):
    apples = market.a.offers[0]
    order = place(api_client, market.household, market.distribution, [(apples, 3)]).json()
    line = order["lines"][0]["id"]

    changed = api_client.patch(
        f"/api/v1/orders/{order['id']}/", {"lines": [{"line": line, "quantity": 1}]}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["total_cents"] == 300
    apples.refresh_from_db()
    assert apples.remaining == 9

    more = api_client.patch(
        f"/api/v1/orders/{order['id']}/", {"lines": [{"line": line, "quantity": 5}]}, format="json"
    )
    assert more.status_code == 400

    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)):
        late = api_client.post(f"/api/v1/orders/{order['id']}/cancel/")
    assert late.status_code == 409
    assert late.json()["code"] == "ordering_closed"


def test_unpaid_orders_expire_after_thirty_minutes_and_give_stock_back(
    market, api_client, fake_stripe
):
    apples = market.a.offers[0]
    place(api_client, market.household, market.distribution, [(apples, 4)])

    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert expire_unpaid_orders() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert expire_unpaid_orders_task.delay().get() == 1
        assert expire_unpaid_orders() == []  # idempotent

    order = Order.objects.get()
    assert order.status == "expired"
    assert order.lines.get().cancel_reason == OrderLine.Reason.EXPIRED
    apples.refresh_from_db()
    assert apples.remaining == 10


def test_a_household_with_an_order_at_a_point_sees_its_access_instructions(
    market, api_client, fake_stripe
):
    point = market.distribution.pickup_point
    assert not can_see_access_instructions(market.household, point)
    place(api_client, market.household, market.distribution, [(market.a.offers[0], 1)])
    assert can_see_access_instructions(market.household, point)
    Order.objects.update(status="expired")
    assert not can_see_access_instructions(market.household, point)


def test_pickup_knows_the_active_order_statuses_by_value():
    from orders.models import ACTIVE_STATUSES
    from pickup.selectors import ORDER_ACTIVE_STATUSES

    assert set(ORDER_ACTIVE_STATUSES) == {str(s) for s in ACTIVE_STATUSES}


def test_the_service_caps_the_quantity_of_a_line_for_pages_and_api_alike(market):
    """One rule in the service: the page and the API take their cap from it."""
    from common.errors import Invalid
    from orders.services.placing import MAX_QUANTITY, place_order

    offer = market.a.offers[0]
    with pytest.raises(Invalid) as refused:
        place_order(
            household=market.household,
            distribution=market.distribution,
            lines={offer.pk: MAX_QUANTITY + 1},
            idempotency_key="too-many",
        )
    assert "lines" in refused.value.extra["errors"]
    assert not Order.objects.exists()


def test_two_api_lines_of_one_offer_count_together_against_the_cap(market, api_client):
    from orders.services.placing import MAX_QUANTITY

    offer = market.a.offers[0]
    api_client.force_authenticate(market.household)
    response = api_client.post(
        "/api/v1/orders/",
        {
            "distribution": market.distribution.pk,
            "lines": [{"offer": offer.pk, "quantity": MAX_QUANTITY}] * 2,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="twice-the-cap",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "lines" in response.json()["errors"]
    assert not Order.objects.exists()
