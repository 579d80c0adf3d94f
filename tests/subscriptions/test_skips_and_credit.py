"""Skips within the limit and before the deadline become credit; the ledger sums up."""

from datetime import timedelta

import pytest
import time_machine

from payments.models import CreditEntry
from payments.services.wallet import add_credit, balance, spend_credit
from subscriptions.errors import SkipLimitReached, SkipTooLate
from subscriptions.services import cancel_subscription, pause_subscription, skip_week
from tests.factories import UserFactory
from tests.subscriptions.conftest import PRICE, active_subscription

pytestmark = pytest.mark.django_db


def ledger_sum(household):
    return sum(
        CreditEntry.objects.filter(household=household).values_list("amount_cents", flat=True)
    )


def test_skipped_weeks_within_the_limit_become_credit(amap):
    subscription = active_subscription(amap)
    week = amap.distribution.week
    skip_week(subscription=subscription, week=week)
    skip_week(subscription=subscription, week=week)  # the same week twice counts once
    skip_week(subscription=subscription, week=week + timedelta(weeks=1))
    assert balance(household=subscription.household) == 2 * PRICE
    with pytest.raises(SkipLimitReached) as refused:
        skip_week(subscription=subscription, week=week + timedelta(weeks=2))
    assert refused.value.code == "skip_limit_reached"
    assert (
        balance(household=subscription.household) == 2 * PRICE == ledger_sum(subscription.household)
    )


def test_a_pause_beyond_the_limit_is_refused_whole(amap):
    subscription = active_subscription(amap)
    week = amap.distribution.week
    with pytest.raises(SkipLimitReached):
        pause_subscription(
            subscription=subscription, starts_on=week, ends_on=week + timedelta(weeks=2)
        )
    assert balance(household=subscription.household) == 0
    assert not subscription.skips.exists()


def test_skip_after_the_deadline_is_refused(amap):
    subscription = active_subscription(amap)
    deadline = amap.distribution.cutoff_at - timedelta(hours=24)
    with time_machine.travel(deadline + timedelta(minutes=1)), pytest.raises(SkipTooLate):
        skip_week(subscription=subscription, week=amap.distribution.week)
    with time_machine.travel(deadline - timedelta(minutes=1)):
        skip_week(subscription=subscription, week=amap.distribution.week)
    assert balance(household=subscription.household) == PRICE


def test_cancelling_credits_the_weeks_not_yet_delivered(amap):
    from subscriptions.services.baskets import generate_basket_orders

    subscription = active_subscription(amap)
    generate_basket_orders()  # this week's basket is made: it is delivered, not credited
    skip_week(subscription=subscription, week=amap.distribution.week + timedelta(weeks=1))
    cancel_subscription(subscription=subscription)
    cancel_subscription(subscription=subscription)  # twice is once
    weeks = len(amap.season.weeks(since=amap.distribution.week))
    expected = PRICE * (weeks - 1 - 1) + PRICE  # undelivered weeks + the skipped one
    assert (
        balance(household=subscription.household) == expected == ledger_sum(subscription.household)
    )


def test_spending_credit_never_goes_below_zero_and_happens_once(db):
    household = UserFactory()
    add_credit(household=household, amount_cents=1000, reason="adjustment", reference="gift")
    add_credit(household=household, amount_cents=1000, reason="adjustment", reference="gift")
    assert balance(household=household) == 1000
    assert spend_credit(household=household, up_to_cents=700, reference="order-1") == 700
    assert spend_credit(household=household, up_to_cents=700, reference="order-1") == 700
    assert spend_credit(household=household, up_to_cents=700, reference="order-2") == 300
    assert spend_credit(household=household, up_to_cents=700, reference="order-3") == 0
    assert balance(household=household) == 0 == ledger_sum(household)
