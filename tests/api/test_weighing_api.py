"""A farm weighs its lines sold by weight through the API (``.../lines/<id>/weight/``): its own
lines only, the same weight twice is one answer, every bad body is a 400 ``invalid``, every
refusal its stable code; the farm lists the lines still to weigh."""

from datetime import timedelta
from types import SimpleNamespace

import jsonschema
import pytest
import time_machine
from django.utils import timezone

from orders.models import LineChange, Order, OrderLine
from orders.services import close_distribution, pay_order, place_order
from payments.models import Refund
from tests.api.openapi import response_schema
from tests.factories import UserFactory
from tests.orders.conftest import (
    market,  # noqa: F401
    weighed_offer,
)
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db

BASE = "/api/v1/distribution-day/producers"
WEIGHT_PATH = "/api/v1/distribution-day/producers/{producer_id}/lines/{id}/weight/"


def paid(sale, lines, key):
    order = place_order(
        household=UserFactory(),
        distribution=sale.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key=key,
    )
    pay_order(order=order, payment_method=VISA)
    return order


def close(sale, capture):
    with (
        time_machine.travel(sale.distribution.cutoff_at + timedelta(minutes=1)),
        capture(execute=True),
    ):
        assert close_distribution(distribution=sale.distribution)


@pytest.fixture
def weighing_day(market, fake_stripe, django_capture_on_commit_callbacks):  # noqa: F811
    """Closed: farm A sold two cheeses (2 × ~500 g at ~9.50 €) and apples in one order, a
    cheese in another; farm B's cheese was below its minimum (not sold). A member each."""
    cheese, apples = weighed_offer(market.a), market.a.offers[0]
    b_cheese = weighed_offer(market.b, name="Bleu")
    first = paid(market, [(cheese, 2), (apples, 1), (b_cheese, 1)], "1")
    second = paid(market, [(cheese, 1)], "2")
    close(market, django_capture_on_commit_callbacks)
    farm, other_farm = UserFactory(full_name="Paysanne A"), UserFactory()
    market.a.producer.members.add(farm)
    market.b.producer.members.add(other_farm)
    return SimpleNamespace(
        market=market,
        a=market.a.producer.pk,
        b=market.b.producer.pk,
        farm=farm,
        other_farm=other_farm,
        cheese=OrderLine.objects.get(order=first, offer=cheese),
        apples=OrderLine.objects.get(order=first, offer=apples),
        b_cheese=OrderLine.objects.get(order=first, offer=b_cheese),
        other_cheese=OrderLine.objects.get(order=second, offer=cheese),
        fake=fake_stripe,
    )


def _code(response):
    return response.status_code, response.json()["code"]


def test_the_farm_weighs_a_line_once_and_sees_what_is_left_to_weigh(
    weighing_day, api_client, openapi, django_capture_on_commit_callbacks
):
    day = weighing_day
    api_client.force_authenticate(day.farm)
    lines_url = f"{BASE}/{day.a}/distributions/{day.market.distribution.pk}/lines/"
    to_weigh = api_client.get(lines_url, {"to_weigh": "true"}).json()
    assert [row["id"] for row in to_weigh] == [day.cheese.pk, day.other_cheese.pk]
    row = to_weigh[0]
    assert {k: row[k] for k in ("sold_by_weight", "to_weigh", "estimated_weight_g")} == {
        "sold_by_weight": True,
        "to_weigh": True,
        "estimated_weight_g": 500,
    }
    assert (row["weight_g"], row["weighed_cents"]) == (None, None)
    assert (row["estimate_cents"], row["most_cents"], row["total_cents"]) == (1900, 2185, 1900)
    everything = api_client.get(lines_url).json()
    apples = next(r for r in everything if r["id"] == day.apples.pk)
    assert (apples["sold_by_weight"], apples["to_weigh"], apples["estimated_weight_g"]) == (
        False,
        False,
        None,
    )
    assert apples["most_cents"] == apples["total_cents"] == apples["estimate_cents"] == 300

    url = f"{BASE}/{day.a}/lines/{day.cheese.pk}/weight/"
    answers = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(url, {"weight_g": 1040}, format="json")
        assert response.status_code == 200, response.json()
        answers.append(response.json())
    assert answers[0] == answers[1]
    body = answers[0]
    jsonschema.validate(body, response_schema(openapi, WEIGHT_PATH, "post", 200))
    assert (body["weight_g"], body["weighed_cents"], body["total_cents"]) == (1040, 1976, 1976)
    assert (body["to_weigh"], body["estimate_cents"], body["most_cents"]) == (False, 1900, 2185)
    assert [
        (c["reason"], c["by"], c["weight_before_g"], c["weight_after_g"]) for c in body["changes"]
    ] == [("weighed", "Paysanne A", None, 1040)]
    assert LineChange.objects.filter(line=day.cheese).count() == 1
    order = Order.objects.get(pk=day.cheese.order_id)
    assert (order.total_cents, order.margin_cents) == (1976 + 300, 0)  # all weighed: final
    (payment,) = order.payments
    assert day.fake.captured(payment.intent_id) == 2276
    still = api_client.get(lines_url, {"to_weigh": "1"}).json()
    assert [row["id"] for row in still] == [day.other_cheese.pk]

    # the price is final: heavier is refused, lighter gives the difference back
    assert _code(api_client.post(url, {"weight_g": 1100}, format="json")) == (
        409,
        "weight_already_charged",
    )
    with django_capture_on_commit_callbacks(execute=True):
        lighter = api_client.post(url, {"weight_g": 1000}, format="json")
    assert (lighter.status_code, lighter.json()["weighed_cents"]) == (200, 1900)
    assert [(r.reason, r.amount_cents) for r in Refund.objects.all()] == [("weighed", 76)]
    # a form sends digits: the same weight again, nothing changes
    again = api_client.post(url, {"weight_g": "1000"})
    assert (again.status_code, again.json()) == (200, lighter.json())
    assert LineChange.objects.filter(line=day.cheese).count() == 2


BAD_WEIGHTS = [
    {},
    {"weight_g": None},
    {"weight_g": "500"},
    {"weight_g": "abc"},
    {"weight_g": 500.0},
    {"weight_g": 12.5},
    {"weight_g": True},
    {"weight_g": -5},
    {"weight_g": 0},
    {"weight_g": 100_001},
    {"weight_g": 10**30},
    {"weight_g": [500]},
    {"weight_g": {"g": 500}},
    [500],
]


def test_a_weight_that_is_not_whole_grams_from_1_to_100_kg_is_invalid(weighing_day, api_client):
    day = weighing_day
    api_client.force_authenticate(day.farm)
    url = f"{BASE}/{day.a}/lines/{day.cheese.pk}/weight/"
    answers = [_code(api_client.post(url, body, format="json")) for body in BAD_WEIGHTS]
    assert answers == [(400, "invalid")] * len(BAD_WEIGHTS)
    errors = api_client.post(url, {"weight_g": 0.5}, format="json").json()["errors"]
    assert list(errors) == ["weight_g"]
    day.cheese.refresh_from_db()
    assert day.cheese.weight_g is None and not day.cheese.changes.exists()


def test_form_weights_are_digits_only(weighing_day, api_client):
    day = weighing_day
    api_client.force_authenticate(day.farm)
    url = f"{BASE}/{day.a}/lines/{day.cheese.pk}/weight/"
    for text in ("500.0", "-5", " 500", "5e2", "٥٠٠"):
        assert _code(api_client.post(url, {"weight_g": text})) == (400, "invalid"), text
    assert api_client.post(url, {"weight_g": "480"}).json()["weight_g"] == 480


def test_weighing_refusals_have_their_codes_and_other_people_get_a_404(weighing_day, api_client):
    day = weighing_day
    body = {"weight_g": 500}

    def post(producer, line):
        return api_client.post(f"{BASE}/{producer}/lines/{line.pk}/weight/", body, format="json")

    assert post(day.a, day.cheese).status_code == 401  # anonymous
    api_client.force_authenticate(UserFactory())  # a household
    assert _code(post(day.a, day.cheese)) == (404, "not_found")
    assert (
        api_client.get(
            f"{BASE}/{day.a}/distributions/{day.market.distribution.pk}/lines/"
        ).status_code
        == 404
    )
    api_client.force_authenticate(day.other_farm)
    assert _code(post(day.a, day.cheese)) == (404, "not_found")  # not a member of farm A
    assert _code(post(day.b, day.cheese)) == (404, "line_not_found")  # farm A's line
    assert _code(post(day.b, day.b_cheese)) == (409, "line_not_sold")  # below B's minimum

    api_client.force_authenticate(day.farm)
    assert _code(post(day.a, day.apples)) == (409, "not_sold_by_weight")
    Order.objects.filter(pk=day.other_cheese.order_id).update(collected_at=timezone.now())
    assert _code(post(day.a, day.other_cheese)) == (409, "already_handed_over")
    assert not LineChange.objects.filter(reason="weighed").exists()


def test_a_sale_not_closed_yet_cannot_be_weighed(market, fake_stripe, api_client):  # noqa: F811
    order = paid(market, [(weighed_offer(market.a), 1)], "open")
    member = UserFactory()
    market.a.producer.members.add(member)
    api_client.force_authenticate(member)
    response = api_client.post(
        f"{BASE}/{market.a.producer.pk}/lines/{order.lines.get().pk}/weight/",
        {"weight_g": 500},
        format="json",
    )
    assert _code(response) == (409, "sale_not_closed")
