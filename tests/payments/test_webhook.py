"""Stripe's webhook: signed, stored once, re-reads the PaymentIntent, order-proof."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from orders.models import Order
from orders.services import expire_unpaid_orders
from payments.models import Payment, Refund, StripeEvent
from tests.orders.helpers import place, post_event
from tests.payments.fakes import THREE_D_SECURE, VISA

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_3ds(market, api_client, fake_stripe):
    """An order whose payment waits for 3-D Secure (the webhook will tell us how it ended)."""
    order = place(api_client, market.household, market.distribution, [(market.a.offers[0], 2)])
    api_client.post(
        f"/api/v1/orders/{order.json()['id']}/pay/",
        {"payment_method": THREE_D_SECURE},
        format="json",
    )
    return Payment.objects.get()


def _pi(payment, **extra):
    return {
        "id": payment.intent_id,
        "object": "payment_intent",
        **extra,
        "metadata": {"order_id": str(payment.purpose_id)},
    }


def test_a_bad_signature_is_400_and_changes_nothing(client, awaiting_3ds, fake_stripe):
    fake_stripe.authenticate(awaiting_3ds.intent_id)
    response = post_event(
        client, "evt_1", "payment_intent.succeeded", _pi(awaiting_3ds), secret="whsec_wrong"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"
    assert not StripeEvent.objects.exists()
    assert Order.objects.get().status == "awaiting_payment"

    unsigned = client.post("/stripe/webhook/", data=b"{}", content_type="application/json")
    assert unsigned.status_code == 400


def test_the_same_event_a_thousand_times_has_one_effect(client, awaiting_3ds, fake_stripe):
    fake_stripe.authenticate(awaiting_3ds.intent_id)
    for _ in range(1000):
        response = post_event(
            client, "evt_same", "payment_intent.amount_capturable_updated", _pi(awaiting_3ds)
        )
        assert response.status_code == 200
    assert StripeEvent.objects.count() == 1
    order = Order.objects.get()
    assert order.status == "paid"
    assert Payment.objects.get().status == "requires_capture"


def test_payment_failed_after_succeeded_does_not_undo_the_payment(
    client, awaiting_3ds, fake_stripe
):
    fake_stripe.authenticate(awaiting_3ds.intent_id)
    post_event(client, "evt_ok", "payment_intent.amount_capturable_updated", _pi(awaiting_3ds))
    post_event(client, "evt_late_failure", "payment_intent.payment_failed", _pi(awaiting_3ds))

    assert Order.objects.get().status == "paid"
    assert Payment.objects.get().status == "requires_capture"


def test_a_stale_read_never_moves_the_mirror_backwards(awaiting_3ds, fake_stripe):
    from orders.services import sync_payment
    from payments.gateway import Intent

    fake_stripe.authenticate(awaiting_3ds.intent_id)
    sync_payment(intent=fake_stripe.intents[awaiting_3ds.intent_id])
    sync_payment(intent=Intent(awaiting_3ds.intent_id, "requires_payment_method", amount=600))
    assert Payment.objects.get().status == "requires_capture"


def test_a_payment_that_succeeds_after_the_order_expired_is_given_back(
    client, awaiting_3ds, fake_stripe
):
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert expire_unpaid_orders() == [awaiting_3ds.purpose_id]
    fake_stripe.authenticate(awaiting_3ds.intent_id)  # the household finished 3-D Secure late
    post_event(client, "evt_late", "payment_intent.amount_capturable_updated", _pi(awaiting_3ds))
    post_event(
        client, "evt_late_again", "payment_intent.amount_capturable_updated", _pi(awaiting_3ds)
    )

    assert Order.objects.get().status == "expired"
    assert fake_stripe.intents[awaiting_3ds.intent_id].status == "canceled"  # hold released


def test_a_captured_payment_for_an_expired_order_is_refunded_once(
    client, far_market, api_client, fake_stripe
):
    order = place(
        api_client, far_market.household, far_market.distribution, [(far_market.a.offers[0], 1)]
    )
    api_client.post(
        f"/api/v1/orders/{order.json()['id']}/pay/",
        {"payment_method": THREE_D_SECURE},
        format="json",
    )
    payment = Payment.objects.get()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        expire_unpaid_orders()
    fake_stripe.authenticate(payment.intent_id)
    for event_id in ("evt_a", "evt_b", "evt_c"):
        post_event(client, event_id, "payment_intent.succeeded", _pi(payment))
    post_event(
        client,
        "evt_refunded",
        "charge.refunded",
        {"id": "ch_1", "payment_intent": payment.intent_id},
    )

    assert [(r.reason, r.amount_cents) for r in Refund.objects.all()] == [("expired", 300)]
    assert fake_stripe.captured(payment.intent_id) == 0


def test_events_about_payments_that_are_not_ours_are_acknowledged(client, fake_stripe):
    response = post_event(client, "evt_other", "payment_intent.succeeded", {"id": "pi_unknown"})
    assert response.status_code == 200
    response = post_event(client, "evt_customer", "customer.created", {"id": "cus_1"})
    assert response.status_code == 200


def test_paying_through_the_api_then_the_webhook_agrees(client, market, api_client, fake_stripe):
    order = place(
        api_client, market.household, market.distribution, [(market.a.offers[0], 1)]
    ).json()
    api_client.post(f"/api/v1/orders/{order['id']}/pay/", {"payment_method": VISA}, format="json")
    payment = Payment.objects.get()
    post_event(client, "evt_x", "payment_intent.amount_capturable_updated", _pi(payment))
    assert Order.objects.get().status == "paid"
    assert Payment.objects.count() == 1


def test_localstripe_registers_the_webhook_path_the_app_serves():
    from django.urls import reverse

    from common.management.commands.localstripe import WEBHOOK_PATH

    assert reverse("stripe_webhook") == WEBHOOK_PATH


def test_metadata_that_is_not_an_order_id_is_ignored(client, db, fake_stripe):
    obj = {"id": "pi_x", "metadata": {"order_id": "nope"}}
    assert post_event(client, "evt_meta", "payment_intent.succeeded", obj).status_code == 200


def _signed(client, body: bytes):
    from tests.orders.helpers import sign

    return client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body),
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[1,2]",
        b'"x"',
        b"12",
        b"not json at all",
        b'{"type": "payment_intent.succeeded"}',
        b'{"id": 5, "type": "payment_intent.succeeded"}',
        b'{"id": "evt_d", "type": "payment_intent.succeeded", "data": [1]}',
        b'{"id": "evt_o", "type": "payment_intent.succeeded", "data": {"object": "x"}}',
        b'{"id": "evt_m", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1", "metadata": [1]}}}',
        b'{"id": "evt_i", "type": "payment_intent.succeeded", "data": {"object": {"id": ["pi"]}}}',
        b'{"id": "evt_t", "type": ["x"], "data": {"object": {"id": "pi_1"}}}',
    ],
)
def test_a_signed_but_malformed_event_is_stored_once_and_ignored(client, db, fake_stripe, body):
    first = _signed(client, body)
    again = _signed(client, body)

    assert (first.status_code, again.status_code) == (200, 200), first.content
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    event = StripeEvent.objects.get()
    assert event.ignored
    assert "create_payment_intent" not in fake_stripe.calls


def test_an_event_about_a_payment_intent_stripe_does_not_know_is_stored_and_ignored(
    client, market, fake_stripe
):
    obj = {"id": "pi_doesnotexist", "metadata": {"order_id": "1"}}
    response = post_event(client, "evt_ghost", "payment_intent.succeeded", obj)
    again = post_event(client, "evt_ghost", "payment_intent.succeeded", obj)

    assert (response.status_code, again.status_code) == (200, 200)
    assert StripeEvent.objects.get().ignored == "unknown PaymentIntent"
    assert not Payment.objects.exists()


def test_stripe_unreachable_while_re_reading_is_503_and_the_event_comes_again(
    client, awaiting_3ds, fake_stripe
):
    fake_stripe.authenticate(awaiting_3ds.intent_id)
    fake_stripe.down = True
    down = post_event(client, "evt_later", "payment_intent.succeeded", _pi(awaiting_3ds))
    fake_stripe.down = False
    later = post_event(client, "evt_later", "payment_intent.succeeded", _pi(awaiting_3ds))

    assert (down.status_code, later.status_code) == (503, 200)
    assert Order.objects.get().status == "paid"
