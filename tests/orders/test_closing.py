"""Closing the sale at the cutoff: minimums, capture only what is sold, fee split to the cent."""

from datetime import timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail

from handover.reports import reconcile
from orders.models import Order, OrderLine, Settlement
from orders.services import close_distribution, place_order
from orders.tasks import (
    close_due_distributions_task,
    settle_order_task,
    settle_pending_orders_task,
)
from payments.models import Refund
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _paid_order(market, lines, household=None, key="k"):
    from orders.services import pay_order

    order = place_order(
        household=household or UserFactory(),
        distribution=market.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key=key,
    )
    pay_order(order=order, payment_method=VISA)
    return Order.objects.get(pk=order.pk)


def _after_cutoff(market):
    return time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1))


def _captured(fake, orders):
    total = 0
    for order in orders:
        for payment in order.payments:
            total += fake.captured(payment.intent_id)
    return total


@pytest.mark.parametrize("market_fixture", ["market", "far_market"])
def test_a_farm_below_its_minimum_is_not_charged_and_everything_reconciles(
    market_fixture, request, fake_stripe, django_capture_on_commit_callbacks
):
    market = request.getfixturevalue(market_fixture)
    apples, pears = market.a.offers
    (honey,) = market.b.offers  # farm B needs 20 €; it gets 3 × 4.35 € = 13.05 €
    first = _paid_order(market, [(apples, 3), (pears, 1), (honey, 2)], key="1")
    second = _paid_order(market, [(pears, 7), (honey, 1)], key="2")
    only_b = _paid_order(market, [(honey, 1)], key="3")
    unpaid = place_order(
        household=UserFactory(),
        distribution=market.distribution,
        lines={apples.pk: 2},
        idempotency_key="4",
    )

    # the settling tasks run after the close's commit
    with _after_cutoff(market), django_capture_on_commit_callbacks(execute=True):
        assert close_distribution(distribution=market.distribution) is True

    market.distribution.refresh_from_db()
    assert market.distribution.status == "closed"
    (
        first.refresh_from_db(),
        second.refresh_from_db(),
        only_b.refresh_from_db(),
        unpaid.refresh_from_db(),
    )
    assert (first.status, second.status, only_b.status, unpaid.status) == (
        "confirmed",
        "confirmed",
        "cancelled",
        "expired",
    )
    assert first.total_cents == 3 * 300 + 199 and second.total_cents == 7 * 199
    assert set(
        OrderLine.objects.filter(producer=market.b.producer).values_list("cancel_reason", flat=True)
    ) == {"minimum_not_reached"}
    # nobody is charged for farm B; each order exactly for what is sold
    assert _captured(fake_stripe, [first]) == first.total_cents
    assert _captured(fake_stripe, [second]) == second.total_cents
    assert _captured(fake_stripe, [only_b]) == 0
    # stock of cancelled lines comes back
    honey.refresh_from_db(), apples.refresh_from_db()
    assert honey.remaining == 10 and apples.remaining == 7

    active = OrderLine.objects.filter(status="active", order__distribution=market.distribution)
    sold = sum(line.total_cents for line in active)
    picked = reconcile(distribution=market.distribution).picking_cents
    captured = _captured(fake_stripe, Order.objects.all())
    assert sold == picked == captured == 3 * 300 + 8 * 199
    shares = sum(
        line.host_share_cents + line.platform_share_cents + line.producer_share_cents
        for line in active
    )
    assert shares == captured
    assert sum(line.host_share_cents for line in active) == sum(
        round(line.total_cents * 835 / 10000) for line in active
    )

    # a second run changes nothing
    snapshot = (
        list(Order.objects.values_list("pk", "status", "total_cents")),
        list(Refund.objects.values_list("key", flat=True)),
        dict(fake_stripe.intents),
        list(fake_stripe.refunds),
    )
    with _after_cutoff(market):
        assert close_distribution(distribution=market.distribution) is False
        assert close_due_distributions_task.delay().get() == 0
    assert snapshot == (
        list(Order.objects.values_list("pk", "status", "total_cents")),
        list(Refund.objects.values_list("key", flat=True)),
        dict(fake_stripe.intents),
        list(fake_stripe.refunds),
    )


def test_the_close_tells_farms_hosts_and_households(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    host = UserFactory()
    market.distribution.pickup_point.hosts.add(host)
    farmer_a, farmer_b = UserFactory(), UserFactory()
    market.a.producer.members.add(farmer_a)
    market.b.producer.members.add(farmer_b)
    buyer = UserFactory()
    _paid_order(market, [(market.a.offers[0], 2), (market.b.offers[0], 1)], household=buyer)

    with _after_cutoff(market), django_capture_on_commit_callbacks(execute=True):
        close_distribution(distribution=market.distribution)

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert f"2 × {market.a.offers[0].product.name}" in by_recipient[farmer_a.email].body
    assert "minimum" in by_recipient[farmer_b.email].body
    assert "1" in by_recipient[host.email].body
    assert market.b.offers[0].product.name in by_recipient[buyer.email].body


def test_before_the_cutoff_nothing_closes(market, fake_stripe):
    _paid_order(market, [(market.a.offers[0], 1)])
    assert close_distribution(distribution=market.distribution) is False
    assert close_due_distributions_task.delay().get() == 0
    assert Order.objects.get().status == "paid"


def test_the_periodic_task_closes_every_due_distribution(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    _paid_order(market, [(market.a.offers[0], 1)])
    with _after_cutoff(market), django_capture_on_commit_callbacks(execute=True):
        assert close_due_distributions_task.delay().get() == 1
    assert Order.objects.get().status == "confirmed"


def test_stripe_down_during_the_close_closes_it_and_the_sweep_settles_later(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    order = _paid_order(market, [(market.a.offers[0], 1)])
    (payment,) = order.payments
    fake_stripe.down = True
    with _after_cutoff(market), django_capture_on_commit_callbacks(execute=True):
        assert close_due_distributions_task.delay().get() == 1
    market.distribution.refresh_from_db()
    assert market.distribution.status == "closed"
    assert Order.objects.get().status == "confirmed"
    settlement = Settlement.objects.get(order=order)
    # the task tried (and retried) while Stripe was away: nothing captured, still to do
    assert settlement.status == "pending" and settlement.attempts == 1
    assert settlement.last_error == "payment_unavailable"
    # the task asks Celery to try again later (with a backoff), it does not give up
    with pytest.raises(Retry):
        settle_order_task.apply(args=(order.pk,))
    settlement.refresh_from_db()
    assert settlement.attempts == 2 and settlement.status == "pending"
    assert fake_stripe.intents[payment.intent_id].status == "requires_capture"

    fake_stripe.down = False
    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=10)):
        assert settle_pending_orders_task.delay().get() == 1
        assert settle_pending_orders_task.delay().get() == 0
    settlement.refresh_from_db()
    assert settlement.status == "done" and settlement.settled_at is not None
    assert fake_stripe.captured(payment.intent_id) == 300


def test_settling_happens_in_the_tasks_and_twice_is_once(market, fake_stripe, monkeypatch):
    """Under the distribution's lock nothing is asked of Stripe; each order's task then
    captures (or releases) once, however often it runs."""
    (apples, _pears), (honey,) = market.a.offers, market.b.offers
    sold = _paid_order(market, [(apples, 2)], key="1")
    not_sold = _paid_order(market, [(honey, 1)], key="2")  # farm B below its minimum
    asked = []
    for name in ("retrieve_payment_intent", "capture_payment_intent", "cancel_payment_intent"):
        real = getattr(fake_stripe, name)
        monkeypatch.setattr(
            f"payments.gateway.{name}",
            lambda _real=real, _name=name, **kw: asked.append(_name) or _real(**kw),
        )
    with _after_cutoff(market):  # the on-commit callbacks do not run: nothing settled yet
        assert close_distribution(distribution=market.distribution)
    assert asked == []
    assert {s.order_id: (s.status, s.card_keep_cents) for s in Settlement.objects.all()} == {
        sold.pk: ("pending", 600),
        not_sold.pk: ("pending", 0),
    }
    for _ in range(2):
        for order in (sold, not_sold):
            settle_order_task.delay(order.pk)
    assert asked.count("capture_payment_intent") == 1
    assert asked.count("cancel_payment_intent") == 1
    assert _captured(fake_stripe, [sold]) == 600 and _captured(fake_stripe, [not_sold]) == 0
    assert set(Settlement.objects.values_list("status", flat=True)) == {"done"}
