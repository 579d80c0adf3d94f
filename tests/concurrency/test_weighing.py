"""Weighing under races, on PostgreSQL: farm members entering the same weights at once, and
a weight racing the sweep that charges unweighed lines at their estimate — one result, one
capture, every euro in one place."""

from datetime import timedelta

import pytest
import time_machine

from orders.models import LineChange, Order, OrderLine, Settlement
from orders.services import close_distribution, pay_order, place_order
from orders.services.weighing import charge_unweighed_orders, enter_weight
from payments.models import Refund
from payments.reconcile import reconcile
from tests.concurrency.race import run_together
from tests.factories import UserFactory
from tests.orders.conftest import weighed_offer
from tests.payments.fakes import VISA

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _closed_order(market, lines):
    order = place_order(
        household=UserFactory(),
        distribution=market.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key="k",
    )
    pay_order(order=order, payment_method=VISA)
    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)):
        assert close_distribution(distribution=market.distribution)
    return Order.objects.get(pk=order.pk)


def _weigh(line, grams):
    def work():
        return enter_weight(producer=line.producer, line_id=line.pk, weight_g=grams).changed

    return work


def _captured(fake, order):
    return sum(fake.captured(p.intent_id) for p in order.payments)


def _assert_reconciled():
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)


def test_eight_weighings_of_one_order_at_once_give_one_result_and_one_capture(market, fake_stripe):
    cheese = weighed_offer(market.a)
    ham = weighed_offer(market.a, name="Jambon", grams=200, price=600)
    order = _closed_order(market, [(cheese, 1), (ham, 1), (market.a.offers[0], 1)])
    first, second = (OrderLine.objects.get(order=order, offer=o) for o in (cheese, ham))
    fake_stripe.delay = 0.02
    results = run_together([_weigh(first, 520)] * 4 + [_weigh(second, 210)] * 4)
    assert sorted(results[:4]) == [False, False, False, True], results
    assert sorted(results[4:]) == [False, False, False, True], results
    assert LineChange.objects.filter(reason="weighed").count() == 2
    order.refresh_from_db()
    assert order.total_cents == 988 + 630 + 300 and order.margin_cents == 0
    assert Settlement.objects.get(order=order).status == "done"
    assert _captured(fake_stripe, order) == order.total_cents  # one capture, of the total
    _assert_reconciled()


def test_a_weight_racing_the_sweep_that_charges_the_estimate_ends_at_the_real_weight(
    market, fake_stripe
):
    """Four farm members enter 480 g (9.12 € for a piece estimated 500 g at 9.50 €) while four
    sweeps charge unweighed lines at their estimate, the distribution being over: whichever
    comes first, the household pays the real weight, captured once."""
    cheese = weighed_offer(market.a)
    order = _closed_order(market, [(cheese, 1)])
    line = OrderLine.objects.get(order=order)
    with time_machine.travel(market.distribution.ends_at + timedelta(minutes=1)):
        results = run_together([_weigh(line, 480)] * 4 + [charge_unweighed_orders] * 4)
    assert sum(r is True for r in results[:4]) == 1, results
    assert sum(bool(r) for r in results[4:]) <= 1, results
    line.refresh_from_db()
    assert (line.weight_g, line.weighed_cents) == (480, 912)
    # captured once (the fake refuses a second capture), for the estimate or the weight;
    # a lighter weight after the estimate was charged is refunded the difference
    assert _captured(fake_stripe, order) == 912
    assert Settlement.objects.get(order=order).status == "done"
    assert Refund.objects.filter(reason="weighed").count() <= 1
    _assert_reconciled()
