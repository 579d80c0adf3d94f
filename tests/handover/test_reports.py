"""Packing list, picking totals and statements always agree, and stay a fixed number of
queries whatever the number of orders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from handover import reports
from orders.models import OrderLine
from pickup.models import Distribution
from tests.factories import DistributionFactory
from tests.handover.conftest import bulk_day
from tests.orders.conftest import stocked_farm

pytestmark = pytest.mark.django_db


def test_the_four_sums_reconcile_with_a_farm_below_its_minimum(closed_day):
    day = closed_day
    market = day.market
    assert set(
        OrderLine.objects.filter(producer=market.b.producer).values_list("cancel_reason", flat=True)
    ) == {"minimum_not_reached"}
    sums = reports.reconcile(distribution=day.distribution)
    expected = (3 * 300 + 199) + 7 * 199 + 300
    assert sums.picking_cents == sums.packing_cents == sums.lines_cents == expected
    assert sums.money_cents == expected
    # and the money the fake Stripe really kept says the same
    kept = sum(day.fake.captured(p.intent_id) for o in day.orders for p in o.payments.all())
    assert kept == expected


def test_picking_totals_per_product_and_the_empty_farm(closed_day):
    day = closed_day
    a, b = day.market.a, day.market.b
    (point_a,) = reports.producer_picking(producer=a.producer, distributions=[day.distribution])
    assert [(line.product_name, line.quantity, line.total_cents) for line in point_a.lines] == [
        (a.offers[0].product.name, 4, 1200),
        (a.offers[1].product.name, 8, 8 * 199),
    ]
    (point_b,) = reports.producer_picking(producer=b.producer, distributions=[day.distribution])
    assert point_b.lines == []


def test_statement_splits_add_up_to_the_sales(closed_day):
    a = closed_day.market.a
    statement = reports.producer_statement(
        producer=a.producer, distribution=closed_day.distribution
    )
    assert statement.sales_cents == 1200 + 8 * 199
    assert statement.host_cents + statement.platform_cents + statement.producer_cents == (
        statement.sales_cents
    )
    assert 0 < statement.host_cents < statement.platform_cents < statement.producer_cents


def test_packing_list_is_sorted_by_name_with_lines_grouped_by_farm(closed_day):
    blocks = reports.packing_list(distribution=closed_day.distribution)
    assert [b.household for b in blocks] == [
        "Amine Durand",
        "Chloé Petit",
        "Zoé Martin",
    ]
    zoe = blocks[2]
    assert zoe.pickup_code and len(zoe.pickup_code) == 5
    assert [farm.producer_name for farm in zoe.farms] == [closed_day.market.a.producer.name]
    assert zoe.total_cents == 3 * 300 + 199


def _count(func):
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("report", ["packing", "picking", "week", "statement", "handover"])
def test_query_count_does_not_grow_with_orders(report):
    counts = []
    for n in (10, 1000):
        distribution = DistributionFactory(status=Distribution.Status.CLOSED)
        farms = [stocked_farm(distribution, prices=(250, 120)), stocked_farm(distribution)]
        bulk_day(distribution, farms, n, lines_per_order=3)
        producer = farms[0].producer
        run = {
            "packing": lambda d=distribution: reports.packing_list(distribution=d),
            "picking": lambda d=distribution, p=producer: reports.producer_picking(
                producer=p, distributions=[d]
            ),
            "week": lambda d=distribution, p=producer: reports.producer_picking(
                producer=p, distributions=reports.week_distributions(producer=p, week=d.week)
            ),
            "statement": lambda d=distribution, p=producer: reports.producer_statement(
                producer=p, distribution=d
            ),
            "handover": lambda d=distribution: (
                reports.handover_collections(distribution=d, search="B00001"),
                reports.handover_counts(distribution=d),
            ),
        }[report]
        counts.append(_count(run))
    assert counts[0] == counts[1]
    assert counts[0] <= 3
