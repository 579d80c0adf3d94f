"""Real races on PostgreSQL: threads lined up on a barrier, each with its own connection."""

from datetime import timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from orders.models import Order, OrderLine
from orders.services import close_distribution
from payments.models import Payment, StripeEvent
from producers.models import Offer
from tests.concurrency.race import run_together
from tests.factories import UserFactory
from tests.orders.helpers import post_event
from tests.payments.fakes import THREE_D_SECURE, VISA

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _poster(user, distribution, offer, key="k", quantity=1):
    def work():
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(
            "/api/v1/orders/",
            {"distribution": distribution.pk, "lines": [{"offer": offer.pk, "quantity": quantity}]},
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        return response.status_code, response.json()

    return work


def test_thirty_two_buyers_on_five_units_sell_exactly_five(market, fake_stripe):
    offer = market.a.offers[0]
    Offer.objects.filter(pk=offer.pk).update(quantity=5, remaining=5)
    buyers = [UserFactory() for _ in range(32)]

    results = run_together([_poster(b, market.distribution, offer) for b in buyers])

    statuses = sorted(r[0] for r in results)
    assert statuses == [201] * 5 + [409] * 27, results
    assert {r[1]["code"] for r in results if r[0] == 409} == {"out_of_stock"}
    offer.refresh_from_db()
    assert offer.remaining == 0
    sold = sum(line.quantity for o in Order.objects.all() for line in o.lines.all())
    assert sold + offer.remaining == 5


def test_the_same_idempotency_key_twice_at_once_makes_one_order_and_one_payment_intent(
    market, fake_stripe
):
    offer = market.a.offers[0]
    results = run_together(
        [_poster(market.household, market.distribution, offer, key="twice", quantity=2)] * 2
    )
    assert [r[0] for r in results] == [201, 201], results
    assert results[0][1]["id"] == results[1][1]["id"]
    assert Order.objects.count() == 1
    offer.refresh_from_db()
    assert offer.remaining == 8

    order_id = results[0][1]["id"]

    def pay():
        client = APIClient()
        client.force_authenticate(market.household)
        return client.post(
            f"/api/v1/orders/{order_id}/pay/", {"payment_method": VISA}, format="json"
        ).status_code

    assert run_together([pay] * 4) == [200] * 4
    assert len(fake_stripe.intents) == 1
    assert Payment.objects.count() == 1
    assert Order.objects.get().status == "paid"


def test_the_same_key_with_two_different_orders_at_once_makes_one_and_refuses_the_other(
    market, fake_stripe
):
    apples, pears = market.a.offers
    results = run_together(
        [
            _poster(market.household, market.distribution, apples, key="twins", quantity=2),
            _poster(market.household, market.distribution, pears, key="twins", quantity=3),
        ]
    )
    assert sorted(r[0] for r in results) == [201, 422], results
    refused = next(r[1] for r in results if r[0] == 422)
    assert refused["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    placed = Order.objects.get().lines.get()
    apples.refresh_from_db()
    pears.refresh_from_db()
    # only the placed order's stock was taken
    assert (apples.remaining, pears.remaining) == (
        (8, 10) if placed.offer_id == apples.pk else (10, 7)
    )


def test_the_same_event_eight_times_at_once_has_one_effect(market, fake_stripe):
    from django.test import Client

    from orders.services import pay_order, place_order

    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="e",
    )
    pay_order(order=order, payment_method=THREE_D_SECURE)
    payment = Payment.objects.get()
    fake_stripe.authenticate(payment.intent_id)
    obj = {"id": payment.intent_id, "metadata": {"order_id": str(order.pk)}}

    def deliver():
        return post_event(Client(), "evt_8", "payment_intent.succeeded", obj).status_code

    assert run_together([deliver] * 8) == [200] * 8
    assert StripeEvent.objects.count() == 1
    assert Order.objects.get().status == "paid"


def test_two_closes_at_once_close_once(market, fake_stripe):
    from orders.services import pay_order, place_order

    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 2},
        idempotency_key="c",
    )
    pay_order(order=order, payment_method=VISA)
    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)):
        results = run_together([lambda: close_distribution(distribution=market.distribution)] * 4)
    assert sorted(results, key=str) == [False, False, False, True], results
    assert fake_stripe.captured(Payment.objects.get().intent_id) == 600


def test_sixteen_buyers_for_the_last_three_places_at_a_point(market, fake_stripe):
    point = market.distribution.pickup_point
    point.capacity = 3
    point.save()
    buyers = [UserFactory() for _ in range(16)]

    results = run_together([_poster(b, market.distribution, market.a.offers[0]) for b in buyers])

    assert sorted(r[0] for r in results) == [201] * 3 + [409] * 13, results
    assert {r[1]["code"] for r in results if r[0] == 409} == {"pickup_point_full"}
    assert Order.objects.count() == 3
    market.a.offers[0].refresh_from_db()
    assert market.a.offers[0].remaining == 7  # the refused orders gave their stock back


def test_overlapping_baskets_at_once_never_deadlock_and_sell_exactly_the_stock(market, fake_stripe):
    """Stock is taken for all of a basket's offers in one UPDATE whose rows are locked in pk
    order: 24 baskets over the same three offers, their lines posted in different orders, each
    end in 201 or 409 out_of_stock (a deadlock would be a 500), and sold + left = initial."""
    offers = [*market.a.offers, *market.b.offers]
    Offer.objects.filter(pk__in=[o.pk for o in offers]).update(quantity=20, remaining=20)
    buyers = [UserFactory() for _ in range(24)]

    def basket(buyer, n):
        ordered = offers if n % 2 else offers[::-1]

        def work():
            client = APIClient()
            client.force_authenticate(buyer)
            response = client.post(
                "/api/v1/orders/",
                {
                    "distribution": market.distribution.pk,
                    "lines": [{"offer": o.pk, "quantity": 1 + (n % 3)} for o in ordered],
                },
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"basket-{n}",
            )
            return response.status_code, response.json()

        return work

    results = run_together([basket(b, n) for n, b in enumerate(buyers)])

    assert {r[0] for r in results} <= {201, 409}, results
    assert {r[1]["code"] for r in results if r[0] == 409} <= {"out_of_stock"}
    assert any(r[0] == 409 for r in results)  # 24 baskets of 1-3 units cannot all fit in 20
    for offer in offers:
        offer.refresh_from_db()
        sold = sum(
            line.quantity
            for line in OrderLine.objects.filter(offer=offer, order__status="awaiting_payment")
        )
        assert offer.remaining >= 0
        assert sold + offer.remaining == 20


def test_concurrent_settles_of_one_order_capture_once(market, fake_stripe, monkeypatch):
    """The close queues nothing here; then four settles of the same order at once: the order
    and settlement rows are locked, the PaymentIntent re-read, so Stripe is asked once."""
    from orders.models import Settlement
    from orders.services import pay_order, place_order
    from orders.services.closing import settle_order

    monkeypatch.setattr("orders.services.closing.enqueue_settlements", lambda ids: None)
    captures = []
    capture = fake_stripe.capture_payment_intent

    def counting_capture(**kwargs):
        captures.append(kwargs["intent_id"])
        return capture(**kwargs)

    monkeypatch.setattr("payments.gateway.capture_payment_intent", counting_capture)
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 2},
        idempotency_key="s",
    )
    pay_order(order=order, payment_method=VISA)
    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)):
        assert close_distribution(distribution=market.distribution)
    assert Settlement.objects.get(order=order).status == "pending"

    results = run_together([lambda: settle_order(order_id=order.pk)] * 4)

    assert sorted(results, key=str) == [False, False, False, True], results
    assert len(captures) == 1
    assert fake_stripe.captured(Payment.objects.get().intent_id) == 600
    assert Settlement.objects.get(order=order).status == "done"
