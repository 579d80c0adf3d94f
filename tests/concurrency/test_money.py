"""Money under races, on PostgreSQL: after the dust settles, ``manage.py reconcile`` finds
every euro in one place, nobody's credit is negative, and nothing happened twice."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from orders.services import cancel_order, close_distribution, pay_order, place_order
from payments.models import CreditEntry, Refund
from payments.reconcile import reconcile
from payments.services.wallet import add_credit, balance
from pickup.models import Distribution
from tests.concurrency.race import run_together
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _assert_reconciled():
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)
    return report


def test_a_close_racing_households_cancelling_at_the_cutoff(market, fake_stripe):
    """Eight households cancel around the cutoff while the close runs: each order is either
    cancelled and given back whole, or sold and charged for what it kept — never both."""
    apples, _pears = market.a.offers
    orders = []
    for n in range(THREADS):
        household = UserFactory()
        add_credit(household=household, amount_cents=200, reason="adjustment", reference="gift")
        order = place_order(
            household=household,
            distribution=market.distribution,
            lines={apples.pk: 1},
            idempotency_key=f"k{n}",
        )
        pay_order(order=order, payment_method=VISA)
        orders.append(Order.objects.get(pk=order.pk))
    assert all(o.status == Order.Status.PAID for o in orders)
    cutoff = timezone.now() + timedelta(seconds=1.5)
    Distribution.objects.filter(pk=market.distribution.pk).update(cutoff_at=cutoff)
    fake_stripe.delay = 0.05  # each Stripe call takes a little while

    def cancel(order, wait):
        def work():
            time.sleep(wait)
            try:
                return cancel_order(order=order).status
            except Exception as exc:  # refused after the cutoff
                return type(exc).__name__

        return work

    def close():
        while timezone.now() < cutoff:
            time.sleep(0.005)
        return close_distribution(distribution=Distribution.objects.get(pk=market.distribution.pk))

    # Cancels spread over the cutoff: the first ones before it, the last ones after.
    waits = [1.5 - 0.2 + 0.05 * n for n in range(THREADS)]
    results = run_together([cancel(o, w) for o, w in zip(orders, waits, strict=True)] + [close])
    assert results[-1] is True, results
    cancelled = [r for r in results[:-1] if r == Order.Status.CANCELLED]
    refused = [r for r in results[:-1] if r == "OrderingClosed"]
    assert len(cancelled) + len(refused) == THREADS, results
    assert cancelled and refused, results  # the race really happened on both sides

    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        assert order.status in (Order.Status.CANCELLED, Order.Status.CONFIRMED)
        if order.status == Order.Status.CANCELLED:
            assert balance(household=order.household) == 200  # its credit came back
        else:
            assert balance(household=order.household) == 0  # spent on what it kept
    assert Refund.objects.values("key").distinct().count() == Refund.objects.count()
    assert not CreditEntry.objects.filter(amount_cents__lt=-200).exists()
    _assert_reconciled()


def test_eight_cancels_of_one_paid_order_give_back_once(far_market, fake_stripe):
    """A captured order, cancelled eight times at once: one refund, credit back once."""
    apples, _pears = far_market.a.offers
    household = UserFactory()
    add_credit(household=household, amount_cents=150, reason="adjustment", reference="gift")
    order = place_order(
        household=household,
        distribution=far_market.distribution,
        lines={apples.pk: 3},
        idempotency_key="once",
    )
    pay_order(order=order, payment_method=VISA)
    fake_stripe.delay = 0.02

    def cancel():
        try:
            return cancel_order(order=order).status
        except Exception as exc:  # the twin that comes second: nothing left to cancel
            return type(exc).__name__

    results = run_together([cancel] * THREADS)
    assert results.count(Order.Status.CANCELLED) == 1, results
    assert results.count("OrderNotChangeable") == THREADS - 1, results
    assert Refund.objects.count() == 1
    assert sum(amount for _intent, amount in fake_stripe.refunds) == 900 - 150
    assert balance(household=household) == 150
    _assert_reconciled()


def test_eight_webhooks_of_one_top_up_at_once_credit_it_once(fake_stripe):
    """A top-up waiting for 3-D Secure; Stripe then sends eight different events about its
    PaymentIntent at the same instant (and the household's page re-reads it): one credit."""
    from django.test import Client

    from payments.models import Payment
    from payments.services.topups import pay_topup, refresh_topup_payment, start_topup
    from tests.orders.helpers import post_event
    from tests.payments.fakes import THREE_D_SECURE

    household = UserFactory()
    topup = start_topup(household=household, amount_cents=2000)
    pay_topup(topup=topup, payment_method=THREE_D_SECURE)
    payment = Payment.objects.get(purpose_kind="topup")
    fake_stripe.authenticate(payment.intent_id)
    obj = {"id": payment.intent_id, "metadata": {"topup_id": str(topup.pk)}}

    def deliver(n):
        return lambda: post_event(Client(), f"evt_{n}", "payment_intent.succeeded", obj).status_code

    results = run_together(
        [deliver(n) for n in range(THREADS)] + [lambda: refresh_topup_payment(topup=topup).status]
    )
    assert results[:THREADS] == [200] * THREADS, results
    assert CreditEntry.objects.filter(household=household).count() == 1
    assert balance(household=household) == 2000
    _assert_reconciled()
