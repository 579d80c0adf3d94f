"""Eight pays at once, on PostgreSQL and a real localstripe (which, unlike Stripe, ignores
idempotency keys: a second PaymentIntent would show). One order or one subscription gets
exactly one PaymentIntent and the household is charged once."""

import json
import urllib.request

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from orders.models import Order
from orders.services import place_order
from payments.models import Payment
from subscriptions.models import Subscription
from subscriptions.services import subscribe
from tests.concurrency.race import run_together
from tests.factories import UserFactory, chargeable
from tests.payments.test_localstripe import checkout_card
from tests.subscriptions.conftest import make_amap

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.localstripe,
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def intents_at_stripe(base: str, **metadata) -> list[dict]:
    """Every PaymentIntent localstripe holds whose metadata has ``metadata``."""
    request = urllib.request.Request(
        f"{base}/v1/payment_intents?limit=100",
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
    )
    intents = json.load(urllib.request.urlopen(request, timeout=5))["data"]
    return [i for i in intents if all(i["metadata"].get(k) == str(v) for k, v in metadata.items())]


def _pay(user, path, card):
    def work():
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(path, {"payment_method": card}, format="json")
        return response.status_code, response.json()

    return work


def test_eight_pays_of_one_order_make_one_payment_intent(localstripe, market):
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 2},
        idempotency_key="race",
    )
    card = checkout_card(localstripe, market.household)

    results = run_together([_pay(market.household, f"/api/v1/orders/{order.pk}/pay/", card)] * 8)

    assert [status for status, _body in results] == [200] * THREADS, results
    assert {body["order"]["status"] for _status, body in results} == {"paid"}
    at_stripe = intents_at_stripe(localstripe, order_id=order.pk)
    assert len(at_stripe) == 1, at_stripe
    assert at_stripe[0]["amount"] == 600
    assert Payment.objects.get().intent_id == at_stripe[0]["id"]
    assert Order.objects.get().status == "paid"


def known_to_the_peer(base: str, account) -> None:
    """The farm's connected account, active, at the development peer (its season is a
    destination charge to it)."""
    row = {
        "id": account.account_id,
        "charges_enabled": True,
        "payouts_enabled": True,
        "details_submitted": True,
    }
    request = urllib.request.Request(
        f"{base}/_config/connect/accounts",
        data=json.dumps(row).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=5).read()


def test_eight_pays_of_one_subscription_charge_the_season_once(localstripe):
    amap = make_amap()
    known_to_the_peer(localstripe, chargeable(amap.producer))
    household = UserFactory()
    subscription = subscribe(household=household, season=amap.season, pickup_point=amap.point)
    assert subscription.card_cents > 0
    card = checkout_card(localstripe, household)
    path = f"/api/v1/orders/subscriptions/{subscription.pk}/pay/"

    results = run_together([_pay(household, path, card)] * THREADS)

    assert [status for status, _body in results] == [200] * THREADS, results
    at_stripe = intents_at_stripe(localstripe, subscription_id=subscription.pk)
    assert len(at_stripe) == 1, at_stripe
    assert at_stripe[0]["status"] == "succeeded"
    assert at_stripe[0]["amount"] == subscription.card_cents
    assert Subscription.objects.get().status == "active"
    assert Payment.objects.get().intent_id == at_stripe[0]["id"]
