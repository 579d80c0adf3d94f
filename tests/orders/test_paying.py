"""Paying an order: one PaymentIntent per order and attempt, manual or automatic capture,
declines, 3-D Secure, a crash after Stripe answered, refunds that never happen twice."""

import pytest

from orders.models import Order
from payments.models import Payment, Refund, StripeCustomer
from payments.services import attempts
from tests.orders.helpers import place
from tests.payments.fakes import DECLINED, THREE_D_SECURE, VISA

pytestmark = pytest.mark.django_db


def _ordered(api_client, market, quantity=2):
    return place(
        api_client, market.household, market.distribution, [(market.a.offers[0], quantity)]
    ).json()


def test_a_cutoff_within_six_days_authorises_now(market, api_client, fake_stripe):
    order = _ordered(api_client, market)
    response = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["payment_status"] == "requires_capture"
    assert response.json()["order"]["status"] == "paid"
    payment = Payment.objects.get()
    assert (payment.capture_method, payment.amount_cents, payment.amount_capturable_cents) == (
        "manual",
        600,
        600,
    )
    customer = StripeCustomer.objects.get(user=market.household)
    assert customer.setup_client_secret == ""
    assert list(customer.cards.values_list("payment_method_id", "brand", "last4")) == [
        (VISA, "visa", "4242")
    ]


def test_a_cutoff_further_than_six_days_captures_now(far_market, api_client, fake_stripe):
    market = far_market
    order = _ordered(api_client, market)
    response = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
    )

    assert response.json()["payment_status"] == "succeeded"
    payment = Payment.objects.get()
    assert (payment.capture_method, payment.amount_received_cents) == ("automatic", 600)


def test_paying_twice_makes_one_payment_intent(market, api_client, fake_stripe):
    order = _ordered(api_client, market)
    for _ in range(3):
        response = api_client.post(
            f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
        )
        assert response.status_code == 200
    assert len(fake_stripe.intents) == 1
    assert Payment.objects.count() == 1


def test_the_saved_card_pays_the_next_order_in_one_tap(market, api_client, fake_stripe):
    first = _ordered(api_client, market)
    api_client.post(f"/api/v1/orders/{first['id']}/pay/", {"payment_method": VISA}, format="json")
    second = place(
        api_client, market.household, market.distribution, [(market.a.offers[1], 1)], key="k2"
    ).json()

    assert second["payment"]["saved_card"] == {"brand": "visa", "last4": "4242"}
    response = api_client.post(f"/api/v1/orders/{second['id']}/pay/", {}, format="json")
    assert response.json()["order"]["status"] == "paid"


def test_a_declined_card_is_402_and_another_card_gets_a_new_payment_intent(
    market, api_client, fake_stripe
):
    order = _ordered(api_client, market)
    declined = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": DECLINED}, format="json"
    )
    assert declined.status_code == 402
    assert declined.json()["code"] == "card_declined"
    assert Order.objects.get().payment_attempts == 1

    paid = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
    )
    assert paid.json()["order"]["status"] == "paid"
    # each attempt is a row: the declined one ended, the new card's is attempt 1
    assert list(Payment.objects.values_list("attempt", "status")) == [
        (0, "failed"),
        (1, "requires_capture"),
    ]
    assert fake_stripe.calls.count("create_payment_intent") == 2


def test_three_d_secure_then_refresh(market, api_client, fake_stripe):
    order = _ordered(api_client, market)
    response = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": THREE_D_SECURE}, format="json"
    )
    assert response.json()["payment_status"] == "requires_action"
    assert response.json()["client_secret"].startswith("pi_")
    assert response.json()["order"]["status"] == "awaiting_payment"

    fake_stripe.authenticate(Payment.objects.get().intent_id)  # the browser's confirmCardPayment
    refreshed = api_client.post(f"/api/v1/orders/{order['id']}/payment/refresh/")
    assert refreshed.json()["order"]["status"] == "paid"


def test_a_crash_after_stripe_created_the_payment_intent_reuses_it_on_retry(
    market, api_client, fake_stripe
):
    order = _ordered(api_client, market)
    fake_stripe.lose_next_answer = True  # Stripe created it; we never heard back
    lost = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
    )
    assert lost.status_code == 503
    assert lost.json()["code"] == "payment_unavailable"
    # the attempt is kept, to be sent again with the same idempotency key
    assert Payment.objects.get().status == "unknown"

    retry = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
    )
    assert retry.json()["order"]["status"] == "paid"
    assert len(fake_stripe.intents) == 1
    assert Payment.objects.get().intent_id == next(iter(fake_stripe.intents))


def test_a_crash_after_stripe_answered_but_before_our_commit_reuses_it_on_retry(
    market, api_client, fake_stripe, monkeypatch
):
    order = _ordered(api_client, market)

    def crash(**kwargs):
        raise RuntimeError("the process died before committing")

    monkeypatch.setattr("payments.services.attempts.apply_intent", crash)
    with pytest.raises(RuntimeError):
        api_client.post(
            f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
        )
    monkeypatch.undo()
    for name in fake_stripe.SEAM:  # undo removed the fake too
        monkeypatch.setattr(f"payments.gateway.{name}", getattr(fake_stripe, name))

    retry = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
    )
    assert retry.json()["order"]["status"] == "paid"
    assert len(fake_stripe.intents) == 1
    assert Payment.objects.count() == 1


def test_cancelling_an_authorised_order_releases_the_hold(market, api_client, fake_stripe):
    order = _ordered(api_client, market)
    api_client.post(f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json")
    response = api_client.post(f"/api/v1/orders/{order['id']}/cancel/")

    assert response.json()["status"] == "cancelled"
    assert fake_stripe.intents[Payment.objects.get().intent_id].status == "canceled"
    market.a.offers[0].refresh_from_db()
    assert market.a.offers[0].remaining == 10


def test_lowering_a_captured_order_refunds_the_difference_once(far_market, api_client, fake_stripe):
    from orders.services import change_order

    market = far_market
    order = _ordered(api_client, market, quantity=3)
    api_client.post(f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json")
    line = order["lines"][0]["id"]

    api_client.patch(
        f"/api/v1/orders/{order['id']}/", {"lines": [{"line": line, "quantity": 2}]}, format="json"
    )
    assert [(r.reason, r.amount_cents) for r in Refund.objects.all()] == [("household", 300)]
    assert fake_stripe.refunds == [(Payment.objects.get().intent_id, 300)]

    # the same change again changes nothing; a real second change is a second refund
    change_order(order=Order.objects.get(), quantities={line: 2})
    change_order(order=Order.objects.get(), quantities={line: 1})
    assert [r.amount_cents for r in Refund.objects.all()] == [300, 300]
    assert fake_stripe.captured(Payment.objects.get().intent_id) == 300


def test_paying_without_a_card_and_without_a_saved_one_is_invalid(market, api_client, fake_stripe):
    order = _ordered(api_client, market)
    response = api_client.post(f"/api/v1/orders/{order['id']}/pay/", {}, format="json")
    assert response.status_code == 400
    assert "payment_method" in response.json()["errors"]


def test_another_household_cannot_pay_or_read_an_order(market, api_client, fake_stripe):
    from tests.factories import UserFactory

    order = _ordered(api_client, market)
    api_client.force_authenticate(UserFactory())
    pay = api_client.post(
        f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json"
    )
    assert pay.status_code == 404
    assert not Payment.objects.exists()


def test_the_paying_payment_applied_again_after_a_duplicate_was_refunded_is_kept(
    far_market, api_client, fake_stripe
):
    """A second PaymentIntent is given back; a late webhook of the first one (the one that
    paid) must not give that one back too."""
    order = _ordered(api_client, far_market)
    api_client.post(f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json")
    first = Payment.objects.get()
    twin = fake_stripe.create_payment_intent(
        amount_cents=600,
        customer_id="cus",
        payment_method=VISA,
        capture_method="automatic",
        idempotency_key="another-key",
        metadata={"order_id": str(order["id"]), "attempt": "0"},
    )
    attempts.apply_intent(intent=twin)
    attempts.apply_intent(intent=fake_stripe.retrieve_payment_intent(intent_id=first.intent_id))
    attempts.apply_intent(intent=twin)

    assert fake_stripe.refunds == [(twin.id, 600)]
    assert Order.objects.get().status == "paid"
