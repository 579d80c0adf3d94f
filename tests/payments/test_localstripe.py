"""Contract tests against a real localstripe on 127.0.0.1 (started by the session fixture):
what ``payments.gateway`` asks of Stripe works on a Stripe-compatible peer."""

import json
import time
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from orders.models import Order
from orders.services import close_distribution, pay_order, place_order
from payments import gateway
from payments.models import Payment, Refund, StripeEvent
from payments.services.attempts import apply_intent
from payments.services.topups import pay_topup, start_topup
from payments.services.wallet import balance
from payments.services.withdrawals import withdraw_credit
from tests.factories import UserFactory

pytestmark = pytest.mark.localstripe


def saved_card(base: str, customer_id: str, number: str = "4242424242424242") -> str:
    """Save a card the way localstripe's Stripe.js ``confirmCardSetup`` does; returns pm_…"""
    intent = gateway.create_setup_intent(customer_id=customer_id)
    return confirm_card_setup(base, intent.client_secret, number)


def checkout_card(base: str, household, number: str = "4242424242424242") -> str:
    """What the payment page does: confirm the SetupIntent the app handed out at checkout."""
    from payments.services.customers import checkout

    return confirm_card_setup(base, checkout(household=household).client_secret, number)


def confirm_card_setup(base: str, client_secret: str, number: str) -> str:
    body = {
        "key": settings.STRIPE_PUBLISHABLE_KEY,
        "use_stripe_sdk": True,
        "client_secret": client_secret,
        "payment_method_data": {
            "type": "card",
            "card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
            "billing_details": {"address": {"postal_code": "59000"}},
        },
    }
    intent_id = client_secret.split("_secret_")[0]
    request = urllib.request.Request(
        f"{base}/v1/setup_intents/{intent_id}/confirm", data=json.dumps(body).encode()
    )
    answer = json.load(urllib.request.urlopen(request, timeout=5))
    assert answer["status"] in {"succeeded", "requires_action"}, answer
    return answer["payment_method"]


@pytest.mark.django_db
def test_create_authorise_partially_capture_and_refund(localstripe):
    customer = gateway.create_customer(email="contrat@exemple.fr", user_id=1)
    card = saved_card(localstripe, customer)
    assert gateway.retrieve_card(payment_method=card) == gateway.Card("visa", "4242")

    held = gateway.create_payment_intent(
        amount_cents=1000,
        customer_id=customer,
        payment_method=card,
        capture_method="manual",
        idempotency_key="contract-1",
        metadata={"order_id": "0"},
    )
    assert (held.status, held.amount, held.amount_capturable) == ("requires_capture", 1000, 1000)
    captured = gateway.capture_payment_intent(
        intent_id=held.id, amount_cents=700, idempotency_key="contract-1-capture"
    )
    assert captured.status == "succeeded"
    refund_id = gateway.create_refund(
        intent_id=held.id, amount_cents=200, idempotency_key="contract-1-refund"
    )
    assert refund_id.startswith("re_")

    released = gateway.create_payment_intent(
        amount_cents=500,
        customer_id=customer,
        payment_method=card,
        capture_method="manual",
        idempotency_key="contract-2",
        metadata={},
    )
    assert (
        gateway.cancel_payment_intent(
            intent_id=released.id, idempotency_key="contract-2-cancel"
        ).status
        == "canceled"
    )

    now = gateway.create_payment_intent(
        amount_cents=800,
        customer_id=customer,
        payment_method=card,
        capture_method="automatic",
        idempotency_key="contract-3",
        metadata={},
    )
    assert now.status == "succeeded"
    assert gateway.retrieve_payment_intent(intent_id=now.id).status == "succeeded"


@pytest.mark.django_db
def test_declined_and_three_d_secure_cards(localstripe):
    from payments.errors import CardDeclined

    customer = gateway.create_customer(email="carte@exemple.fr", user_id=2)
    declined = saved_card(localstripe, customer, "4000000000000341")
    with pytest.raises(CardDeclined):
        gateway.create_payment_intent(
            amount_cents=1000,
            customer_id=customer,
            payment_method=declined,
            capture_method="automatic",
            idempotency_key="contract-4",
            metadata={},
        )
    secure = saved_card(localstripe, customer, "4000002760003184")
    intent = gateway.create_payment_intent(
        amount_cents=1000,
        customer_id=customer,
        payment_method=secure,
        capture_method="manual",
        idempotency_key="contract-5",
        metadata={},
    )
    assert intent.status == "requires_action"
    assert intent.client_secret


def test_a_bad_signature_is_refused(localstripe, client, db):
    response = client.post(
        "/stripe/webhook/",
        data=b'{"id": "evt_x"}',
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=00",
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("market_fixture", ["market", "far_market"])
def test_the_whole_sale_on_localstripe(
    localstripe, market_fixture, request, django_capture_on_commit_callbacks
):
    """Order, pay with a saved card, close with a farm below its minimum: the household is
    charged exactly for what is sold (partial capture, or refund of the difference)."""
    market = request.getfixturevalue(market_fixture)
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 2, market.b.offers[0].pk: 1},
        idempotency_key="ls",
    )
    result = pay_order(order=order, payment_method=checkout_card(localstripe, market.household))
    assert result.order.status == "paid"

    with (
        time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),  # the settling tasks
    ):
        assert close_distribution(distribution=market.distribution)
        assert not close_distribution(distribution=market.distribution)
    order.refresh_from_db()
    payment = Payment.objects.get()
    assert (order.status, order.total_cents) == ("confirmed", 600)
    refunded = sum(r.amount_cents for r in Refund.objects.all())
    assert payment.amount_received_cents - refunded == 600
    charge = _latest_charge(localstripe, payment.intent_id)
    assert charge["amount"] - charge["amount_refunded"] == 600


def _latest_charge(base, intent_id):
    request = urllib.request.Request(
        f"{base}/v1/payment_intents/{intent_id}",
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
    )
    return json.load(urllib.request.urlopen(request, timeout=5))["charges"]["data"][0]


# PostgreSQL only: the live server's thread writes while this one polls, which the shared
# in-memory SQLite test database refuses at random ("database table is locked").
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_signed_webhook_is_delivered_to_the_running_app(localstripe, live_server, far_market):
    """localstripe signs ``payment_intent.succeeded`` (captured at once: cutoff a week away)
    and posts it to the live app, which verifies it and stores it once."""
    market = far_market
    data = urllib.parse.urlencode(
        {"url": f"{live_server.url}/stripe/webhook/", "secret": settings.STRIPE_WEBHOOK_SECRET}
    ).encode()
    urllib.request.urlopen(
        urllib.request.Request(f"{localstripe}/_config/webhooks/live-app", data=data), timeout=5
    )
    household = UserFactory()
    order = place_order(
        household=household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="hook",
    )
    pay_order(order=order, payment_method=checkout_card(localstripe, household))
    intent_id = Payment.objects.get().intent_id

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if StripeEvent.objects.filter(type__startswith="payment_intent.").exists():
            break
        time.sleep(0.2)
    events = list(StripeEvent.objects.values_list("type", flat=True))
    assert any(t.startswith("payment_intent.") for t in events), events
    assert Order.objects.get().status == "paid"
    assert Payment.objects.get().intent_id == intent_id


@pytest.mark.django_db
def test_only_the_households_own_card_pays(localstripe, market, api_client):
    """A card saved through the household's own SetupIntent pays (the app attaches it: Stripe
    does so itself, localstripe does not); another household's card, or a card Stripe does
    not know, is 400 ``invalid_payment_method`` and nothing is charged."""
    neighbour = UserFactory()
    neighbours_card = checkout_card(localstripe, neighbour)
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="own-card",
    )
    api_client.force_authenticate(market.household)
    path = f"/api/v1/orders/{order.pk}/pay/"

    for foreign in (neighbours_card, "pm_doesnotexist", "card_123", "x"):
        response = api_client.post(path, {"payment_method": foreign}, format="json")
        assert (response.status_code, response.json()["code"]) == (
            400,
            "invalid_payment_method",
        ), foreign
    assert not Payment.objects.exists()

    own = checkout_card(localstripe, market.household)
    paid = api_client.post(path, {"payment_method": own}, format="json")
    assert paid.status_code == 200, paid.json()
    assert paid.json()["order"]["status"] == "paid"
    # attached to the household's customer: the next order pays with the saved card
    from payments.models import StripeCustomer

    customer = StripeCustomer.objects.get(user=market.household)
    assert customer.cards.get().payment_method_id == own
    pm = _get(localstripe, f"/v1/payment_methods/{own}")
    assert pm["customer"] == customer.customer_id


def _get(base, path):
    request = urllib.request.Request(
        f"{base}{path}", headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"}
    )
    return json.load(urllib.request.urlopen(request, timeout=5))


@pytest.mark.django_db
def test_a_declined_card_is_not_offered_and_a_saved_card_is_listed_then_detached(
    localstripe, market, api_client, client
):
    """The 0341 card: Stripe attaches it through the SetupIntent, then declines the charge; it
    is never offered at checkout. A card that paid is listed by Stripe for the customer;
    removing it detaches it there."""
    from django.urls import reverse

    from payments.services.cards import remove_card

    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="declined-then-visa",
    )
    api_client.force_authenticate(market.household)
    path = f"/api/v1/orders/{order.pk}/pay/"
    declined = checkout_card(localstripe, market.household, "4000000000000341")
    assert api_client.post(path, {"payment_method": declined}, format="json").status_code == 402

    client.force_login(market.household)
    page = client.get(reverse("frontend:orders:pay", args=[order.pk])).content.decode()
    assert "0341" not in page
    assert "Payer avec" not in page.split('id="card-form"')[0]  # no saved card offered

    visa = checkout_card(localstripe, market.household)
    assert api_client.post(path, {"payment_method": visa}, format="json").status_code == 200
    customer = market.household.stripe_customer
    assert gateway.list_cards(customer_id=customer.customer_id)[visa] == gateway.Card(
        "visa", "4242"
    )
    page = client.get(reverse("frontend:account_cards")).content.decode()
    assert "VISA •••• 4242" in page and "0341" not in page

    Payment.objects.filter(payment_method_id=visa).update(status="succeeded")  # captured
    remove_card(household=market.household, card_id=customer.cards.get().pk)

    assert visa not in gateway.list_cards(customer_id=customer.customer_id)
    assert _get(localstripe, f"/v1/payment_methods/{visa}")["customer"] is None
    assert not customer.cards.exists()


@pytest.mark.django_db
def test_a_top_up_on_localstripe_is_captured_once_and_credited_once(localstripe):
    """A top-up paid with a card saved through the checkout SetupIntent: captured at once
    (localstripe omits amount_received: the seam fills it), credited once even when the
    PaymentIntent is applied again."""
    household = UserFactory()
    topup = start_topup(household=household, amount_cents=2000)
    result = pay_topup(topup=topup, payment_method=checkout_card(localstripe, household))

    assert (result.status, result.topup.status) == ("succeeded", "paid")
    payment = Payment.objects.get(purpose_kind="topup")
    apply_intent(intent=gateway.retrieve_payment_intent(intent_id=payment.intent_id))
    assert balance(household=household) == 2000
    charge = _latest_charge(localstripe, payment.intent_id)
    assert (charge["amount"], charge["amount_refunded"]) == (2000, 0)


@pytest.mark.django_db
def test_a_withdrawal_on_localstripe_refunds_the_latest_card_payments(localstripe):
    """Credit asked back is refunded at Stripe through the latest payment first; the ledger is
    debited by exactly what Stripe took back."""
    household = UserFactory()
    card = checkout_card(localstripe, household)
    first = start_topup(household=household, amount_cents=1000)
    pay_topup(topup=first, payment_method=card)
    second = start_topup(household=household, amount_cents=1500)
    pay_topup(topup=second, payment_method="")  # the saved card

    result = withdraw_credit(household=household, amount_cents=2000)

    assert (result.refunded_cents, result.kept_cents) == (2000, 0)
    older = Payment.objects.get(purpose_kind="topup", purpose_id=first.pk)
    latest = Payment.objects.get(purpose_kind="topup", purpose_id=second.pk)
    assert _latest_charge(localstripe, latest.intent_id)["amount_refunded"] == 1500
    assert _latest_charge(localstripe, older.intent_id)["amount_refunded"] == 500
    assert all(r.stripe_refund_id.startswith("re_") for r in Refund.objects.all())
    assert balance(household=household) == 500


def _intent_object(base, intent_id):
    request = urllib.request.Request(
        f"{base}/v1/payment_intents/{intent_id}",
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
    )
    return json.load(urllib.request.urlopen(request, timeout=5))


@pytest.mark.django_db
def test_charges_carry_connect_parameters(localstripe):
    """The development peer takes what the gateway sends for Connect: a transfer group on a
    platform charge, and a destination charge made for a connected account."""
    customer = gateway.create_customer(email="connect@exemple.fr", user_id=2)
    card = saved_card(localstripe, customer)
    grouped = gateway.create_payment_intent(
        amount_cents=1200,
        customer_id=customer,
        payment_method=card,
        capture_method="automatic",
        idempotency_key="contract-connect-1",
        metadata={},
        transfer_group="distribution-42",
    )
    assert grouped.status == "succeeded"
    assert _intent_object(localstripe, grouped.id)["transfer_group"] == "distribution-42"
    from tests.payments.test_connect_contract import _onboard  # the two modules import each other

    account = _onboard(localstripe, action="complete")
    seller = gateway.SellerOfRecord(account_id=account.id, application_fee_cents=100)
    sold = gateway.create_payment_intent(
        amount_cents=3000,
        customer_id=customer,
        payment_method=card,
        capture_method="automatic",
        idempotency_key="contract-connect-2",
        metadata={},
        seller=seller,
    )
    shown = _intent_object(localstripe, sold.id)
    assert shown["on_behalf_of"] == account.id
    assert shown["transfer_data"] == {"destination": account.id}
    assert shown["application_fee_amount"] == 100
    refund = gateway.create_refund(
        intent_id=sold.id,
        amount_cents=1000,
        idempotency_key="contract-connect-2-refund",
        destination_charge=True,
    )
    assert refund.startswith("re_")
