"""One live payment attempt per order or subscription: a twin request waits for the first and
gets its answer, a dead sender's attempt is taken over with the same idempotency key, a second
PaymentIntent that reaches us anyway is given back; only the household's own cards pay; every
Stripe error class has a stable code."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import stripe
import time_machine
from django.utils import timezone

from orders.models import Order
from orders.services import pay_order, place_order, sync_payment
from payments import gateway
from payments.models import Payment, Refund
from subscriptions.models import Subscription
from subscriptions.services import apply_subscription_payment, subscribe
from tests.orders.helpers import place
from tests.payments.fakes import VISA
from tests.subscriptions.conftest import make_amap

pytestmark = pytest.mark.django_db

REAL_CREATE_PAYMENT_INTENT = gateway.create_payment_intent


def _order(market, quantity=2):
    return place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: quantity},
        idempotency_key="attempts",
    )


def _pay(api_client, market, order, card=VISA):
    api_client.force_authenticate(market.household)
    return api_client.post(f"/api/v1/orders/{order.pk}/pay/", {"payment_method": card}, "json")


# --- Only the household's own cards ---------------------------------------------------------


def test_a_card_stripe_does_not_know_is_400_and_nothing_is_attempted(
    market, api_client, fake_stripe
):
    order = _order(market)
    response = _pay(api_client, market, order, card="pm_doesnotexist")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payment_method"
    assert not Payment.objects.exists()
    assert fake_stripe.create_requests == 0


def test_another_households_card_is_refused_and_not_saved(market, api_client, fake_stripe):
    fake_stripe.owners["pm_the_neighbours"] = "cus_the_neighbour"
    order = _order(market)
    response = _pay(api_client, market, order, card="pm_the_neighbours")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payment_method"
    assert fake_stripe.create_requests == 0
    assert not market.household.stripe_customer.cards.exists()


def test_a_declined_card_never_becomes_the_saved_card(market, api_client, fake_stripe):
    from tests.payments.fakes import DECLINED

    order = _order(market)
    assert _pay(api_client, market, order, card=DECLINED).status_code == 402
    assert not market.household.stripe_customer.cards.exists()


# --- Twins and dead senders -----------------------------------------------------------------


def _being_sent(order, *, attempt=0):
    """An attempt another request claimed and is sending to Stripe right now."""
    return Payment.objects.create(
        purpose_kind="order",
        purpose_id=order.pk,
        payer=order.household,
        attempt=attempt,
        capture_method="manual",
        status="creating",
        amount_cents=order.total_cents,
        payment_method_id=VISA,
    )


def test_a_twin_waits_for_the_attempt_being_sent_then_says_it_is_in_progress(
    market, api_client, fake_stripe, monkeypatch
):
    monkeypatch.setattr("payments.services.attempts.WAIT_FOR_TWIN_SECONDS", 0.3)
    order = _order(market)
    _being_sent(order)

    response = _pay(api_client, market, order)

    assert response.status_code == 409
    assert response.json()["code"] == "payment_in_progress"
    assert fake_stripe.create_requests == 0
    assert Payment.objects.count() == 1


def test_a_twin_gets_the_refusal_the_first_request_met(market, fake_stripe):
    order = _order(market)
    payment = _being_sent(order)
    Payment.objects.filter(pk=payment.pk).update(status="failed", failure_code="card_declined")
    from payments.errors import CardDeclined
    from payments.services.attempts import outcome

    with pytest.raises(CardDeclined):
        outcome(Payment.objects.get(pk=payment.pk))


def test_an_attempt_whose_sender_died_is_sent_again_with_the_same_key(
    market, api_client, fake_stripe
):
    order = _order(market)
    payment = _being_sent(order)
    # The dead process reached Stripe before dying: Stripe made the PaymentIntent.
    made = fake_stripe.create_payment_intent(
        amount_cents=600,
        customer_id="cus_x",
        payment_method=VISA,
        capture_method="manual",
        idempotency_key=payment.idempotency_key,
        metadata={"order_id": str(order.pk), "attempt": "0"},
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        response = _pay(api_client, market, order)

    assert response.status_code == 200, response.json()
    assert response.json()["order"]["status"] == "paid"
    assert len(fake_stripe.intents) == 1
    assert Payment.objects.get().intent_id == made.id


def test_the_webhook_fills_an_attempt_whose_answer_was_lost(market, client, fake_stripe):
    from tests.orders.helpers import post_event

    order = _order(market)
    payment = _being_sent(order)
    made = fake_stripe.create_payment_intent(
        amount_cents=600,
        customer_id="cus_x",
        payment_method=VISA,
        capture_method="manual",
        idempotency_key=payment.idempotency_key,
        metadata={"order_id": str(order.pk), "attempt": "0"},
    )
    post_event(
        client,
        "evt_fill",
        "payment_intent.amount_capturable_updated",
        {"id": made.id, "metadata": made.metadata},
    )

    payment.refresh_from_db()
    assert (payment.intent_id, payment.status) == (made.id, "requires_capture")
    assert Order.objects.get().status == "paid"


# --- A second PaymentIntent that reaches us anyway is given back ---------------------------


def _twin(fake_stripe, order, capture_method):
    return fake_stripe.create_payment_intent(
        amount_cents=order.total_cents,
        customer_id="cus_x",
        payment_method=VISA,
        capture_method=capture_method,
        idempotency_key=None,
        metadata={"order_id": str(order.pk), "attempt": "0"},
    )


def test_a_second_captured_payment_intent_of_a_paid_order_is_refunded_once(far_market, fake_stripe):
    order = _order(far_market)
    pay_order(order=order, payment_method=VISA)
    twin = _twin(fake_stripe, order, "automatic")

    for _ in range(3):
        sync_payment(intent=twin)

    assert Order.objects.get().status == "paid"
    assert [(r.reason, r.amount_cents) for r in Refund.objects.all()] == [("duplicate", 600)]
    assert fake_stripe.captured(twin.id) == 0
    first = Payment.objects.exclude(intent_id=twin.id).get()
    assert fake_stripe.captured(first.intent_id) == 600


def test_a_second_authorisation_of_a_paid_order_is_released(market, fake_stripe):
    order = _order(market)
    pay_order(order=order, payment_method=VISA)
    twin = _twin(fake_stripe, order, "manual")

    sync_payment(intent=twin)

    assert fake_stripe.intents[twin.id].status == "canceled"
    assert Order.objects.get().status == "paid"


def test_a_second_payment_of_a_subscription_is_refunded_once(fake_stripe):
    from tests.factories import UserFactory

    amap = make_amap()
    household = UserFactory()
    subscription = subscribe(household=household, season=amap.season, pickup_point=amap.point)
    from subscriptions.services import pay_subscription

    pay_subscription(subscription=subscription, payment_method=VISA)
    twin = fake_stripe.create_payment_intent(
        amount_cents=subscription.card_cents,
        customer_id="cus_x",
        payment_method=VISA,
        capture_method="automatic",
        idempotency_key=None,
        metadata={"subscription_id": str(subscription.pk), "attempt": "0"},
    )
    for _ in range(3):
        apply_subscription_payment(subscription_id=subscription.pk, intent=twin)

    assert Subscription.objects.get().status == "active"
    assert fake_stripe.captured(twin.id) == 0
    assert [(r.reason, r.amount_cents) for r in Refund.objects.all()] == [
        ("duplicate", subscription.card_cents)
    ]


# --- Every Stripe error class has a stable code --------------------------------------------


def _stripe_error(error_class, **kwargs):
    if error_class in (stripe.CardError,):
        return error_class("declined", param="card", code="card_declined")
    if error_class in (stripe.InvalidRequestError,):
        return error_class("bad", param=kwargs.get("param"), code="resource_missing")
    return error_class("it went wrong")


@pytest.mark.parametrize(
    ("error_class", "param", "status", "code"),
    [
        (stripe.CardError, None, 402, "card_declined"),
        (stripe.InvalidRequestError, "payment_method", 400, "invalid_payment_method"),
        (stripe.InvalidRequestError, "amount", 400, "payment_rejected"),
        (stripe.IdempotencyError, None, 409, "payment_in_progress"),
        (stripe.RateLimitError, None, 503, "payment_unavailable"),
        (stripe.APIConnectionError, None, 503, "payment_unavailable"),
        (stripe.AuthenticationError, None, 503, "payment_unavailable"),
        (stripe.PermissionError, None, 503, "payment_unavailable"),
        (stripe.APIError, None, 503, "payment_unavailable"),
    ],
)
def test_every_stripe_error_class_answers_a_stable_code_not_a_500(
    market, api_client, fake_stripe, monkeypatch, error_class, param, status, code
):
    error = _stripe_error(error_class, param=param)

    def create(**kwargs):
        raise error

    stub = SimpleNamespace(v1=SimpleNamespace(payment_intents=SimpleNamespace(create=create)))
    monkeypatch.setattr("payments.gateway.client", lambda: stub)
    monkeypatch.setattr("payments.gateway.create_payment_intent", REAL_CREATE_PAYMENT_INTENT)
    order = _order(market)

    response = _pay(api_client, market, order)

    assert (response.status_code, response.json()["code"]) == (status, code)
    payment = Payment.objects.get()
    # A refusal ends the attempt; an unknown outcome keeps it, to be sent again with its key.
    refused = status in (400, 402)
    assert payment.status == ("failed" if refused else "unknown")
    assert Order.objects.get().payment_attempts == (1 if refused else 0)
    # the payment page shows the same message in French
    assert response.json()["message"]


def test_the_api_pay_of_a_paid_order_answers_its_payment(market, api_client, fake_stripe):
    order = place(api_client, market.household, market.distribution, [(market.a.offers[0], 1)])
    order_id = order.json()["id"]
    first = api_client.post(f"/api/v1/orders/{order_id}/pay/", {"payment_method": VISA}, "json")
    again = api_client.post(f"/api/v1/orders/{order_id}/pay/", {}, "json")

    assert first.json()["payment_status"] == again.json()["payment_status"] == "requires_capture"
    assert fake_stripe.create_requests == 1
