"""Weekly basket orders: one per subscription per distribution, none for skipped weeks."""

from datetime import timedelta

import pytest

from orders.models import Order
from subscriptions.models import BasketOrder, SubscriptionSkip
from subscriptions.services import skip_week
from subscriptions.services.baskets import generate_basket_orders, make_basket_order
from subscriptions.tasks import generate_basket_orders_task
from tests.subscriptions.conftest import PRICE, active_subscription

pytestmark = pytest.mark.django_db


def test_running_twice_makes_one_paid_basket_order_per_subscription(amap):
    subscriptions = [active_subscription(amap) for _ in range(3)]
    first = generate_basket_orders()
    second = generate_basket_orders_task()
    assert len(first) == 3 and second == 0
    assert BasketOrder.objects.count() == 3
    for subscription in subscriptions:
        order = Order.objects.get(basket__subscription=subscription)
        assert order.status == Order.Status.PAID
        assert order.distribution == amap.distribution
        assert order.total_cents == PRICE
        assert [line.product_name for line in order.lines.all()] == [amap.product.name]
    amap.offer.refresh_from_db()
    assert amap.offer.remaining == 10 - 3


def test_the_same_subscription_and_distribution_twice_gives_the_same_order(amap):
    subscription = active_subscription(amap)
    one = make_basket_order(subscription_id=subscription.pk, distribution_id=amap.distribution.pk)
    two = make_basket_order(subscription_id=subscription.pk, distribution_id=amap.distribution.pk)
    assert one.pk == two.pk
    amap.offer.refresh_from_db()
    assert amap.offer.remaining == 9


def test_skipped_and_paused_weeks_get_no_basket(amap):
    skipped = active_subscription(amap)
    paused = active_subscription(amap)
    kept = active_subscription(amap)
    skip_week(subscription=skipped, week=amap.distribution.week)
    from subscriptions.services import pause_subscription

    pause_subscription(
        subscription=paused,
        starts_on=amap.distribution.week,
        ends_on=amap.distribution.week + timedelta(days=6),
    )
    generate_basket_orders()
    assert list(BasketOrder.objects.values_list("subscription", flat=True)) == [kept.pk]
    assert SubscriptionSkip.objects.filter(subscription=paused, pause__isnull=False).count() == 1


def test_cancelled_subscriptions_and_weeks_before_the_start_get_none(amap):
    cancelled = active_subscription(amap, status="cancelled")
    later = active_subscription(amap)
    later.first_week = amap.distribution.week + timedelta(weeks=1)
    later.save()
    assert generate_basket_orders() == []
    assert not BasketOrder.objects.filter(subscription__in=[cancelled, later]).exists()


def test_no_basket_offer_no_order_and_a_later_run_makes_it(amap):
    subscription = active_subscription(amap)
    amap.offer.remaining = 0
    amap.offer.save()
    assert generate_basket_orders() == []
    amap.offer.remaining = 1
    amap.offer.save()
    assert len(generate_basket_orders()) == 1
    assert BasketOrder.objects.get().subscription == subscription


def test_skipping_a_week_already_made_cancels_the_basket_and_gives_stock_back(amap):
    subscription = active_subscription(amap)
    generate_basket_orders()
    skip_week(subscription=subscription, week=amap.distribution.week)
    order = Order.objects.get(basket__subscription=subscription)
    assert order.status == Order.Status.CANCELLED
    amap.offer.refresh_from_db()
    assert amap.offer.remaining == 10


def test_basket_orders_get_a_pickup_code_like_any_order(amap):
    active_subscription(amap)
    generate_basket_orders()
    assert Order.objects.get().pickup_code
