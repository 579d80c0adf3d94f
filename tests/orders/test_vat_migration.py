"""Order lines placed before lines kept their VAT rate get their product's rate when the
rate column arrives (``orders/0011_line_vat_rate``)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from producers.models import Product
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("orders", "0010_money_and_subscriptions_leave_orders")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_existing_lines_take_their_products_vat_rate():
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300, 450, 1200))
    rates = (2000, 550, 1000)
    for offer, rate in zip(farm.offers, rates, strict=True):
        Product.objects.filter(pk=offer.product_id).update(vat_rate=rate)
    household = UserFactory()
    try:
        apps = _migrate(BEFORE)
        Order, OrderLine = apps.get_model("orders", "Order"), apps.get_model("orders", "OrderLine")
        order = Order.objects.create(
            household_id=household.pk,
            distribution_id=distribution.pk,
            idempotency_key="before-vat",
            status="paid",
            total_cents=1950,
        )
        for offer in farm.offers:
            OrderLine.objects.create(
                order=order,
                offer_id=offer.pk,
                producer_id=farm.producer.pk,
                product_name="x",
                producer_name="y",
                unit_price_cents=offer.price_cents,
                quantity=1,
            )
        _migrate(_latest())
    finally:
        _migrate(_latest())

    from orders.models import OrderLine

    lines = OrderLine.objects.filter(order_id=order.pk).order_by("offer_id")
    assert [line.vat_rate for line in lines] == list(rates)
