"""Undoing a skip at the same instant as itself, as another skip or as a payment spending the
credit it gave, on PostgreSQL: the credit comes back once, never below zero."""

import pytest
from django.core.management import call_command

from orders.models import Order
from payments.models import CreditEntry
from payments.services.wallet import balance, spend_credit
from subscriptions.errors import SkipCreditSpent
from subscriptions.models import BasketOrder, SubscriptionSkip
from subscriptions.services import skip_week, unskip_week
from tests.concurrency.race import run_together
from tests.subscriptions.conftest import PRICE, active_subscription, make_amap
from tests.subscriptions.test_unskip import paid_by_card

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _reconciles(capsys):
    call_command("reconcile")  # raises CommandError when something is off
    return "Everything adds up." in capsys.readouterr().out


def test_the_same_undo_from_many_threads_undoes_once(capsys):
    amap = make_amap(stock=10)
    subscription = paid_by_card(active_subscription(amap))
    week = amap.distribution.week
    skip_week(subscription=subscription, week=week)

    results = run_together([lambda: unskip_week(subscription=subscription, week=week)] * THREADS)

    assert sorted(results, key=str) == [False] * (THREADS - 1) + [True], results
    assert balance(household=subscription.household) == 0
    assert not SubscriptionSkip.objects.filter(subscription=subscription).exists()
    assert CreditEntry.objects.filter(household=subscription.household).count() == 2
    basket = BasketOrder.objects.get(subscription=subscription, week=week)
    assert basket.order.status == Order.Status.PAID
    amap.offer.refresh_from_db()
    assert amap.offer.remaining == 9  # one basket taken from the stock
    assert _reconciles(capsys)


def test_an_undo_racing_a_payment_of_the_same_credit_lets_only_one_have_it(capsys):
    amap = make_amap(stock=10)
    subscription = paid_by_card(active_subscription(amap))
    household = subscription.household
    week = amap.distribution.week
    skip_week(subscription=subscription, week=week)

    results = run_together(
        [
            lambda: unskip_week(subscription=subscription, week=week),
            lambda: spend_credit(household=household, up_to_cents=PRICE, reference="order-77-x"),
        ]
    )

    undone, spent = results
    if undone is True:  # the undo took the credit back: nothing left to pay with
        assert spent == 0
        assert not SubscriptionSkip.objects.filter(subscription=subscription).exists()
    else:  # the payment spent it first: the skip stays
        assert isinstance(undone, SkipCreditSpent), results
        assert spent == PRICE
        assert SubscriptionSkip.objects.filter(subscription=subscription).exists()
    assert balance(household=household) == 0
    rows = CreditEntry.objects.filter(household=household).values_list("amount_cents", flat=True)
    assert sum(rows) == 0 and all(abs(r) == PRICE for r in rows)


def test_skip_and_undo_of_the_same_week_at_once_end_in_one_state(capsys):
    amap = make_amap(stock=10)
    subscription = paid_by_card(active_subscription(amap))
    household = subscription.household
    week = amap.distribution.week

    results = run_together(
        [
            lambda: skip_week(subscription=subscription, week=week),
            lambda: unskip_week(subscription=subscription, week=week),
        ]
    )

    assert not isinstance(results[0], Exception), results
    skipped = SubscriptionSkip.objects.filter(subscription=subscription).exists()
    # Skipped and still credited, or skipped then undone: never credit without a skip.
    assert balance(household=household) == (PRICE if skipped else 0)
    assert skipped == (results[1] is False)
    assert _reconciles(capsys)
