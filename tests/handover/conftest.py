from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine

from orders.models import Order, OrderLine
from orders.services import close_distribution, pay_order, place_order
from tests.factories import UserFactory
from tests.orders.conftest import far_market, market, stocked_farm  # noqa: F401
from tests.payments.fakes import VISA


def paid_order(sale, lines, *, household=None, key="k"):
    order = place_order(
        household=household or UserFactory(),
        distribution=sale.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key=key,
    )
    pay_order(order=order, payment_method=VISA)
    return Order.objects.get(pk=order.pk)


@pytest.fixture
def closed_day(market, fake_stripe, django_capture_on_commit_callbacks):  # noqa: F811
    """The market closed: farm A sold, farm B (minimum 20 €) below its minimum, one order
    left unpaid. Three households collect; the host hosts the point."""
    apples, pears = market.a.offers
    (honey,) = market.b.offers
    host = UserFactory(full_name="Hôte X")
    market.distribution.pickup_point.hosts.add(host)
    orders = [
        paid_order(
            market,
            [(apples, 3), (pears, 1), (honey, 2)],
            key="1",
            household=UserFactory(full_name="Zoé Martin"),
        ),
        paid_order(
            market,
            [(pears, 7), (honey, 1)],
            key="2",
            household=UserFactory(full_name="Amine Durand"),
        ),
        paid_order(market, [(apples, 1)], key="3", household=UserFactory(full_name="Chloé Petit")),
    ]
    place_order(
        household=UserFactory(),
        distribution=market.distribution,
        lines={apples.pk: 2},
        idempotency_key="4",
    )
    with (
        time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),  # the settling tasks
    ):
        assert close_distribution(distribution=market.distribution)
    market.distribution.refresh_from_db()
    return SimpleNamespace(
        market=market,
        distribution=market.distribution,
        host=host,
        orders=[Order.objects.get(pk=o.pk) for o in orders],
        fake=fake_stripe,
    )


def bulk_day(distribution, farms, n_orders, lines_per_order=2):
    """``n_orders`` confirmed orders inserted in bulk (for query counts)."""
    households = UserFactory.create_batch(3)
    orders = Order.objects.bulk_create(
        Order(
            household=households[i % 3],
            distribution=distribution,
            idempotency_key=f"b{i}",
            status=Order.Status.CONFIRMED,
            pickup_code=f"B{i % 3:05d}",  # one code per household, as placing gives
            total_cents=0,
        )
        for i in range(n_orders)
    )
    offers = [(farm.producer, offer) for farm in farms for offer in farm.offers]
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            offer=offer,
            producer=producer,
            product_name=offer.product.name,
            producer_name=producer.name,
            unit_price_cents=offer.price_cents,
            quantity=1 + j,
        )
        for order in orders
        for j, (producer, offer) in enumerate(offers[:lines_per_order])
    )
    return orders
